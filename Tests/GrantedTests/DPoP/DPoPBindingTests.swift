import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// What a proof binds (RFC 9449 §5, §6, §10): access tokens, public clients' refresh tokens,
/// codes requested with `dpop_jkt`; and how the server tells (introspection, JWT `cnf`, metadata).
@Suite("DPoP-bound tokens (RFC 9449 §5, §6, §10)")
struct DPoPBindingTests {
    static let key = DPoPKey(seed: 31)
    static let other = DPoPKey(seed: 41)

    static func tokens(_ response: OAuthResponse) throws -> [String: Any] {
        #expect(response.status == 200, "\(response.bodyText)")
        return try response.jsonObject()
    }

    @Test("§5, §6: a proof at /token gets token_type DPoP and a token bound to the proof's key; none gets Bearer")
    func accessTokenBound() async throws {
        let fixture = DPoPFixture()
        let bound = try Self.tokens(await fixture.clientCredentials(Self.key.proof()))
        #expect(bound["token_type"] as? String == "DPoP")
        let token = try #require(bound["access_token"] as? String)
        #expect(try await fixture.store.accessToken(at: SHA256.hash(token))?.token.keyThumbprint == Self.key.thumbprint)
        let bearer = try Self.tokens(await fixture.clientCredentials())
        #expect(bearer["token_type"] as? String == "Bearer")
        let plain = try #require(bearer["access_token"] as? String)
        #expect(try await fixture.store.accessToken(at: SHA256.hash(plain))?.token.keyThumbprint == nil)
    }

    @Test("§6.2: introspection answers token_type DPoP and cnf.jkt for a bound token, neither for a bearer one")
    func introspection() async throws {
        let fixture = DPoPFixture()
        let token = try #require(try Self.tokens(await fixture.clientCredentials(Self.key.proof()))["access_token"] as? String)
        let answer = try await fixture.server.introspect(
            RequestBuilder.introspection(token, as: .basic(DPoPFixture.service))).jsonObject()
        #expect(answer["active"] as? Bool == true)
        #expect(answer["token_type"] as? String == "DPoP")
        #expect((answer["cnf"] as? [String: Any])?["jkt"] as? String == Self.key.thumbprint)
        let plain = try #require(try Self.tokens(await fixture.clientCredentials())["access_token"] as? String)
        let bearer = try await fixture.server.introspect(
            RequestBuilder.introspection(plain, as: .basic(DPoPFixture.service))).jsonObject()
        #expect(bearer["token_type"] as? String == "Bearer")
        #expect(bearer["cnf"] == nil)
    }

    @Test("§6.1: a JWT access token carries cnf.jkt, and the offline verifier reads it back")
    func jwtConfirmation() throws {
        let fixture = DPoPFixture()
        let signer = try HS256Signer(key: Array(repeating: 7, count: 32), keyID: "k")
        let jwt = try fixture.server.issuing.jwtAccessToken(
            client: "service", subject: nil, scopes: [.public], audience: ["https://api.example.com"], authTime: nil,
            keyThumbprint: Self.key.thumbprint, expiresAt: DPoPFixture.start + 60, now: DPoPFixture.start, signer: signer)
        let verifier = JWTAccessToken.Verifier(
            issuer: DPoPFixture.issuer, resource: "https://api.example.com", verifiers: [signer])
        #expect(try verifier.verify(jwt, now: DPoPFixture.start).keyThumbprint == Self.key.thumbprint)
        let payload = try #require(JWS.parse(jwt)?.payload)
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect((claims["cnf"] as? [String: Any])?["jkt"] as? String == Self.key.thumbprint)
    }

    @Test("§6.1, §7: /token's JWT access token carries cnf.jkt of the proof's key; offline it works only as DPoP with a fresh proof")
    func issuedJWTConfirmation() async throws {
        let fixture = DPoPFixture.jwtIssuing()
        let issued = try Self.tokens(await fixture.toolsToken(Self.key.proof()))
        #expect(issued["token_type"] as? String == "DPoP")
        let jwt = try #require(issued["access_token"] as? String)
        let payload = try #require(JWS.parse(jwt)?.payload, "not a JWT: \(jwt.prefix(20))")
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        // §6.1: the RFC 7638 SHA-256 thumbprint of the proof's key.
        #expect((claims["cnf"] as? [String: Any])?["jkt"] as? String == Self.key.thumbprint)
        // §7.2: the guard has no store: only the JWT's cnf tells it the token is bound.
        let bearer = await fixture.tools("Bearer \(jwt)")
        #expect(bearer.deniedError == .invalidToken)
        #expect(bearer.response?.status == 401)
        let (challenge, _) = try DPoPResourceTests.challenges(try #require(bearer.response))
        #expect(challenge.contains(#"error="invalid_token""#))
        let uri = DPoPFixture.tools.rawValue
        let stranger = await fixture.tools("DPoP \(jwt)", [Self.other.resourceProof(jwt, uri: uri)])
        #expect(stranger.grant == nil)
        let decision = await fixture.tools("DPoP \(jwt)", [Self.key.resourceProof(jwt, uri: uri)])
        #expect(decision.grant?.keyThumbprint == Self.key.thumbprint)
        #expect(decision.grant?.client == DPoPFixture.service.clientID)
    }

    @Test("§5: a public client's refresh token is bound: no proof or another key's is refused and changes nothing; the same key refreshes")
    func publicRefreshBound() async throws {
        let fixture = DPoPFixture()
        let code = try await fixture.code(for: DPoPFixture.spa, redirect: DPoPFixture.spaRedirect)
        let issued = try Self.tokens(
            await fixture.exchange(code, as: .publicClient(DPoPFixture.spa), redirect: DPoPFixture.spaRedirect, Self.key.proof()))
        #expect(issued["token_type"] as? String == "DPoP")
        let refresh = try #require(issued["refresh_token"] as? String)
        let caller = ClientAuth.publicClient(DPoPFixture.spa)
        let none = await fixture.refresh(refresh, as: caller)
        #expect(none.status == 400 && none.errorCode == "invalid_dpop_proof")
        let wrong = await fixture.refresh(refresh, as: caller, Self.other.proof())
        #expect(wrong.status == 400 && wrong.errorCode == "invalid_dpop_proof")
        let refreshed = try Self.tokens(await fixture.refresh(refresh, as: caller, Self.key.proof()))
        #expect(refreshed["token_type"] as? String == "DPoP")
        // The rotated-to token is bound as well.
        let next = try #require(refreshed["refresh_token"] as? String)
        #expect(await fixture.refresh(next, as: caller, Self.other.proof()).errorCode == "invalid_dpop_proof")
    }

    @Test("§5: a confidential client's refresh token is not bound, but each new access token is bound to that request's proof")
    func confidentialRefreshNotBound() async throws {
        let fixture = DPoPFixture()
        let code = try await fixture.code(for: DPoPFixture.web.clientID, redirect: DPoPFixture.webRedirect)
        let caller = ClientAuth.basic(DPoPFixture.web)
        let issued = try Self.tokens(await fixture.exchange(code, as: caller, redirect: DPoPFixture.webRedirect, Self.key.proof()))
        let refresh = try #require(issued["refresh_token"] as? String)
        let family = try #require(try await fixture.store.familyID(forRefreshToken: SHA256.hash(refresh)))
        #expect(try await fixture.store.family(family)?.family.keyThumbprint == nil)
        let rebound = try Self.tokens(await fixture.refresh(refresh, as: caller, Self.other.proof()))
        #expect(rebound["token_type"] as? String == "DPoP")
        let token = try #require(rebound["access_token"] as? String)
        #expect(try await fixture.store.accessToken(at: SHA256.hash(token))?.token.keyThumbprint == Self.other.thumbprint)
    }

    @Test("§10: dpop_jkt binds the code: another key's proof or none is refused and leaves the code unused; the key's proof redeems it")
    func codeBoundByDPoPJKT() async throws {
        let fixture = DPoPFixture()
        let code = try await fixture.code(
            for: DPoPFixture.spa, redirect: DPoPFixture.spaRedirect, dpopJKT: Self.key.thumbprint)
        let caller = ClientAuth.publicClient(DPoPFixture.spa)
        let wrong = await fixture.exchange(code, as: caller, redirect: DPoPFixture.spaRedirect, Self.other.proof())
        #expect(wrong.status == 400 && wrong.errorCode == "invalid_dpop_proof")
        let none = await fixture.exchange(code, as: caller, redirect: DPoPFixture.spaRedirect)
        #expect(none.status == 400 && none.errorCode == "invalid_dpop_proof")
        let issued = try Self.tokens(await fixture.exchange(code, as: caller, redirect: DPoPFixture.spaRedirect, Self.key.proof()))
        #expect(issued["token_type"] as? String == "DPoP")
    }

    @Test("§10; RFC 6749 §4.1.2.1: a dpop_jkt that is not a SHA-256 thumbprint is invalid_request, redirected to the client with state; no code",
        arguments: ["short", String(repeating: "A", count: 44), String(repeating: "*", count: 43), String(repeating: "A", count: 42) + "="])
    func malformedDPoPJKT(_ value: String) async throws {
        let fixture = DPoPFixture()
        let parameters = RequestBuilder.codeRequestParameters(
            client: DPoPFixture.spa, redirectURI: DPoPFixture.spaRedirect, scope: "public", challenge: DPoPFixture.pkce,
            extra: [("dpop_jkt", value)])
        // RFC 9449 §10 names no error of its own: a malformed parameter is RFC 6749's
        // invalid_request, and with the client and redirect URI known it goes to the client.
        guard case .redirect(let response, let error) = await fixture.server.validate(RequestBuilder.authorize(parameters))
        else {
            Issue.record("dpop_jkt \(value) was not refused with a redirect")
            return
        }
        #expect(error == .invalidRequest("dpop_jkt is not a JWK SHA-256 thumbprint"))
        let redirect = try AuthorizationRedirect(response)
        #expect(redirect.target == DPoPFixture.spaRedirect)
        #expect(redirect.error == "invalid_request")
        #expect(redirect["state"] == "xyz")
        #expect(redirect.code == nil)
    }

    @Test("§5.1: the metadata lists dpop_signing_alg_values_supported: what the host verifies, asymmetric only")
    func metadata() throws {
        let fixture = DPoPFixture()
        let metadata = try fixture.server.metadata(OAuthRequest(method: .get)).jsonObject()
        #expect(metadata["dpop_signing_alg_values_supported"] as? [String] == ["ES256", "RS256", "PS256"])
    }
}
