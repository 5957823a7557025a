import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// `Policy.clientAssertionAudience`: RFC 10070's audience rule for JWT client authentication
/// (`.issuerOnly`) beside the RFC 7523 §3 item 3 / RFC 9126 §2 rule Granted keeps by default.
///
/// RFC 10070's MUSTs for client authentication, each with the tests that fail without it:
/// - "The JWT MUST contain an aud (audience) claim containing the issuer identifier [RFC8414]
///   of the authorization server as its sole value": `audience` (the issuer as a string and as
///   a one-element array accepted, the issuer beside another value refused), `everyEndpoint`.
/// - "the token endpoint URL of the authorization server MUST NOT be used as an audience
///   value": `audience` (the token endpoint and the PAR endpoint refused), `everyEndpoint`,
///   `PushedAuthorizationAssertionTests.issuerOnly` (the update to RFC 9126 §2).
/// - "The authorization server MUST reject any JWT that does not contain its issuer identifier
///   as its sole audience value": every refused case, as `invalid_client` with nothing written
///   (RFC 7521 §4.2.1), at the token, revocation, introspection and device authorization
///   endpoints and at PAR; the `assertion` fuzz target's `.issuerOnly` half.
/// The default stays RFC 7523's: `audience` runs every case under both settings.
@Suite("Client assertion audience: RFC 7523 by default, RFC 10070 when set")
struct ClientAssertionAudienceTests {
    typealias F = AssertionFixtures
    typealias Kind = ClientAssertionTests.Kind

    static func policy(_ audience: ClientAssertionAudience) -> Policy {
        var policy = Policy()
        policy.clientAssertionAudience = audience
        return policy
    }

    /// An `aud` (as its raw JSON) and whether each setting accepts it.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let aud: String
        let byDefault: Bool
        let issuerOnly: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "the issuer as a string", aud: #""\#(F.issuer)""#, byDefault: true, issuerOnly: true),
        Case(name: "the issuer as a one-element array", aud: #"["\#(F.issuer)"]"#, byDefault: true, issuerOnly: true),
        Case(name: "the token endpoint URL", aud: #""\#(F.tokenEndpoint)""#, byDefault: true, issuerOnly: false),
        Case(name: "the PAR endpoint URL", aud: #""\#(F.issuer)/par""#, byDefault: true, issuerOnly: false),
        Case(name: "the issuer and the token endpoint", aud: #"["\#(F.issuer)","\#(F.tokenEndpoint)"]"#, byDefault: true, issuerOnly: false),
        Case(name: "the token endpoint and the issuer", aud: #"["\#(F.tokenEndpoint)","\#(F.issuer)"]"#, byDefault: true, issuerOnly: false),
        Case(name: "another server and the issuer", aud: #"["https://other.example.com","\#(F.issuer)"]"#, byDefault: true, issuerOnly: false),
        Case(name: "the issuer with a trailing slash", aud: #""\#(F.issuer)/""#, byDefault: false, issuerOnly: false),
        Case(name: "the issuer in upper case", aud: #""\#(F.issuer.uppercased())""#, byDefault: false, issuerOnly: false),
        Case(name: "an empty array", aud: "[]", byDefault: false, issuerOnly: false),
    ]

    /// A `client_secret_jwt` assertion with exactly this `aud` JSON (and `typ`), so a one-element
    /// array stays an array.
    static func assertion(aud: String, jti: String = UUID().uuidString, typ: String? = nil) throws -> String {
        let exp = Int(F.start.timeIntervalSince1970) + 60
        let header = typ.map { #"{"alg":"HS256","typ":"\#($0)"}"# } ?? #"{"alg":"HS256"}"#
        return try ClientAssertionTests.secretSigned(
            header: header,
            payload: #"{"iss":"jwt-secret-client","sub":"jwt-secret-client","aud":\#(aud),"exp":\#(exp),"jti":"\#(jti)"}"#)
    }

    @Test(
        "aud under each setting: RFC 10070 takes the issuer as the sole value only; a refusal is invalid_client and consumes nothing",
        arguments: [ClientAssertionAudience.issuerOrEndpoint, .issuerOnly], cases)
    func audience(setting: ClientAssertionAudience, audience: Case) async throws {
        let server = F.make(policy: Self.policy(setting))
        let jti = UUID().uuidString
        let response = await server.token(F.tokenRequest(try Self.assertion(aud: audience.aud, jti: jti), as: F.secretClient))
        let accepted = setting == .issuerOnly ? audience.issuerOnly : audience.byDefault
        #expect(response.status == (accepted ? 200 : 401), "\(response.bodyText)")
        #expect(response.errorCode == (accepted ? nil : "invalid_client"))
        if !accepted {
            // Nothing was written: the jti of the refused assertion is still unused.
            let retry = await server.token(F.tokenRequest(try Self.assertion(aud: #""\#(F.issuer)""#, jti: jti), as: F.secretClient))
            #expect(retry.status == 200, "\(retry.bodyText)")
        }
    }

    /// Where a client authenticates besides the token endpoint.
    enum Endpoint: String, CaseIterable, Sendable {
        case token, revocation, introspection, deviceAuthorization

        func call(_ server: AuthorizationServer, _ assertion: String) async -> OAuthResponse {
            let auth = ClientAuth.assertion(assertion, clientID: F.secretClient)
            switch self {
            case .token: return await server.token(F.tokenRequest(assertion, as: F.secretClient))
            case .revocation: return await server.revoke(RequestBuilder.revocation("not-a-token", as: auth))
            case .introspection: return await server.introspect(RequestBuilder.introspection("not-a-token", as: auth))
            case .deviceAuthorization:
                return await server.deviceAuthorization(RequestBuilder.form("/device_authorization", [("scope", "public")], as: auth))
            }
        }
    }

    @Test(
        "under .issuerOnly every endpoint refuses the token endpoint URL and accepts the issuer alone (RFC 10070)",
        arguments: Endpoint.allCases)
    func everyEndpoint(endpoint: Endpoint) async throws {
        let server = F.make(policy: Self.policy(.issuerOnly))
        for aud in [F.tokenEndpoint, F.issuer + "/" + endpoint.rawValue, F.issuer + "/par"] {
            let refused = await endpoint.call(server, try Self.assertion(aud: #""\#(aud)""#))
            #expect(refused.status == 401, "\(aud): \(refused.bodyText)")
            #expect(refused.errorCode == "invalid_client", "\(aud)")
        }
        let accepted = await endpoint.call(server, try Self.assertion(aud: #""\#(F.issuer)""#))
        #expect(accepted.status == 200, "\(accepted.bodyText)")
    }

    @Test(
        "the typ client-authentication+jwt RFC 10070 defines is accepted, and so is none, under both settings",
        arguments: [ClientAssertionAudience.issuerOrEndpoint, .issuerOnly],
        [nil, "JWT", "client-authentication+jwt", "application/client-authentication+jwt"] as [String?])
    func explicitType(setting: ClientAssertionAudience, typ: String?) async throws {
        let server = F.make(policy: Self.policy(setting))
        let response = await server.token(F.tokenRequest(try Self.assertion(aud: #""\#(F.issuer)""#, typ: typ), as: F.secretClient))
        #expect(response.status == 200, "\(response.bodyText)")
    }

    @Test("private_key_jwt follows the same rule as client_secret_jwt", arguments: Kind.allCases)
    func everyKind(kind: Kind) async throws {
        let server = F.make(policy: Self.policy(.issuerOnly))
        let endpoint = await server.token(F.tokenRequest(try kind.assertion { $0.audience = [F.tokenEndpoint] }, as: kind.client))
        #expect(endpoint.errorCode == "invalid_client", "\(endpoint.bodyText)")
        let issuer = await server.token(F.tokenRequest(try kind.assertion { $0.audience = [F.issuer] }, as: kind.client))
        #expect(issuer.status == 200, "\(issuer.bodyText)")
    }

    @Test("the default is RFC 7523's, which clients written before RFC 10070 rely on")
    func defaultIsUnchanged() {
        #expect(Policy().clientAssertionAudience == .issuerOrEndpoint)
    }
}
