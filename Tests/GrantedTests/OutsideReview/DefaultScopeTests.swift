import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// Outside review, finding 1: a request without `scope` got the policy default even when the
/// client's registration did not allow it (RFC 6749 §3.3).
@Suite("Outside review 1: the default scope stays inside the client's registration (RFC 6749 §3.3)")
struct DefaultScopeTests {
    static let known: [Scope] = [.public, .openid, .profile, .email, .address, .phone, "write", "read"]

    /// A random non-empty (or, when `allowsEmpty`, possibly empty) subset of the known scopes.
    static func subset(_ random: inout SplitMix64, allowsEmpty: Bool) -> ScopeSet {
        let picked = known.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
        if picked.isEmpty && !allowsEmpty { return [known.randomElement(using: &random) ?? .public] }
        return ScopeSet(picked)
    }

    @Test(
        "RFC 6749 §3.3: with no scope asked, a random registration gets the policy default narrowed to what it may have, or invalid_scope",
        arguments: 0..<160)
    func defaultNarrowedToRegistration(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var policy = Policy()
        policy.knownScopes = ScopeSet(Self.known)
        policy.defaultScopes = Self.subset(&random, allowsEmpty: false)
        let allowed: ScopeSet? = Bool.random(using: &random) ? nil : Self.subset(&random, allowsEmpty: true)
        let client = Client(
            id: ClientID("client-\(seed)"), authentication: .clientSecret(SHA256SecretHasher().hash("secret")), grantTypes: [.clientCredentials],
            allowedScopes: allowed)
        let expected = allowed.map { policy.defaultScopes.intersection($0) } ?? policy.defaultScopes
        do throws(OAuthError) {
            let granted = try ScopeRules.resolve(nil, client: client, policy: policy)
            #expect(!expected.isEmpty, "seed \(seed): granted \(granted) though nothing of the default is allowed")
            #expect(granted == expected, "seed \(seed)")
            #expect(client.allows(scopes: granted), "seed \(seed): \(granted) escapes \(allowed?.description ?? "any")")
        } catch {
            #expect(expected.isEmpty, "seed \(seed): refused \(error) though \(expected) is allowed")
            #expect(error.code == "invalid_scope", "seed \(seed)")
        }
    }

    static let writeOnly = BasicCredentials(clientID: "write-only", secret: "write-only-secret")
    static let writeRedirect = "https://write.example.com/callback"

    static func server() -> AuthorizationServer {
        var policy = Policy()
        policy.knownScopes = policy.knownScopes.union(["write"])
        let clients = InMemoryClientStore([
            Client(
                id: writeOnly.clientID, authentication: .clientSecret(SHA256SecretHasher().hash(writeOnly.secret)),
                redirectURIs: [writeRedirect], grantTypes: [.clientCredentials, .authorizationCode],
                allowedScopes: ["write"])
        ])
        return AuthorizationServer(
            issuer: TestServer.issuer, policy: policy, clients: clients, clock: ManualClock(TestServer.start))
    }

    @Test("RFC 6749 §3.3: at the token endpoint a client registered for write only, asking for no scope, gets invalid_scope, not the default public")
    func tokenEndpointRefusesEscapingDefault() async throws {
        let server = Self.server()
        let response = await server.token(TestServer.clientCredentials(scope: nil, basic: Self.writeOnly))
        #expect(response.status == 400, "\(response.bodyText)")
        #expect(response.errorCode == "invalid_scope")
        let explicit = await server.token(TestServer.clientCredentials(scope: "public", basic: Self.writeOnly))
        #expect(explicit.errorCode == "invalid_scope")
        let write = await server.token(TestServer.clientCredentials(scope: "write", basic: Self.writeOnly))
        #expect(try write.jsonObject()["scope"] as? String == "write")
    }

    @Test("RFC 6749 §3.3, §4.1.2.1: at the authorization endpoint the same request is redirected with invalid_scope")
    func authorizationEndpointRefusesEscapingDefault() async throws {
        let server = Self.server()
        let validation = await server.validate(
            OAuthRequest(
                method: .get,
                target: CodeFlow.target(
                    CodeFlow.codeRequest(client: Self.writeOnly.clientID, redirectURI: Self.writeRedirect))))
        let redirected = try #require(validation.redirected, "\(validation)")
        #expect(redirected.error.code == "invalid_scope")
    }

    @Test("RFC 6749 §3.3: a client allowed part of the default gets exactly that part")
    func partOfTheDefault() async throws {
        var policy = Policy()
        policy.defaultScopes = [.public, .email]
        let (server, _) = TestServer.make(policy: policy)
        // `service` may have public and profile: of the default it gets public, not email.
        let json = try await server.token(TestServer.clientCredentials()).jsonObject()
        #expect(json["scope"] as? String == "public")
    }
}
