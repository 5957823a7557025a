import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// A service gets an app-only token and calls an API with it (RFC 6749 §4.4, RFC 6750 §2.1).
@Suite("Client credentials flow (RFC 6749 §4.4)")
struct ClientCredentialsFlowTests {
    private func bearer(_ token: String) -> OAuthRequest {
        TestServer.resourceRequest(["Authorization": "Bearer " + token])
    }

    /// A server whose access tokens live `lifetime` seconds, its clock, and a guard for it.
    private func setUp(lifetime: TimeInterval?) -> (AuthorizationServer, ManualClock, ResourceGuard) {
        let clock = ManualClock(TestServer.start)
        var policy = Policy()
        policy.accessTokenLifetime = lifetime
        let (server, _) = TestServer.make(clock: clock, policy: policy)
        return (server, clock, server.resourceGuard(apiKeyHeader: TestServer.apiKeyHeader))
    }

    @Test("a service authenticates, gets a token and calls the API with it (RFC 6749 §4.4.2, RFC 6750 §2.1)")
    func endToEnd() async throws {
        let (server, _, resourceGuard) = setUp(lifetime: 3600)
        let response = await server.token(
            OAuthRequest(
                method: .post, path: "/token",
                headers: [
                    "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
                    "Authorization": "Basic c2VydmljZTpzZXJ2aWNlLXNlY3JldA==",  // service:service-secret
                ],
                body: Array("grant_type=client_credentials&scope=profile+public".utf8)))
        #expect(response.status == 200)
        let json = try response.jsonObject()
        let token = try #require(json["access_token"] as? String)
        #expect(json["scope"] as? String == "profile public")
        let grant = try #require(await resourceGuard.check(bearer(token), requiring: [.profile]).grant)
        #expect(grant.client == "service")
        #expect(grant.subject == nil)
    }

    @Test(
        "a token verifies at expires_in - 1 seconds and not at expires_in (RFC 6749 §5.1)",
        arguments: [1, 60, 90.5, 3600, 1_209_600] as [TimeInterval])
    func expiry(lifetime: TimeInterval) async throws {
        let (server, clock, resourceGuard) = setUp(lifetime: lifetime)
        let json = try await server.token(TestServer.clientCredentials()).jsonObject()
        let token = try #require(json["access_token"] as? String)
        let expiresIn = try #require(json["expires_in"] as? Int)
        clock.advance(by: TimeInterval(expiresIn - 1))
        #expect(await resourceGuard.check(bearer(token), requiring: [.public]).grant != nil)
        clock.advance(by: 1)
        let response = try #require(await resourceGuard.check(bearer(token), requiring: [.public]).response)
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_token")
    }

    @Test("the default lifetime is 14 days (RFC 6749 §5.1)")
    func defaultLifetime() async throws {
        let (server, _) = TestServer.make()
        let json = try await server.token(TestServer.clientCredentials()).jsonObject()
        #expect(json["expires_in"] as? Int == 14 * 24 * 3600)
    }

    @Test(
        "a client that trusts expires_in never holds an expired token (RFC 6749 §5.1)",
        arguments: [0.5, 90.5, 3599.9] as [TimeInterval])
    func fractionalLifetime(lifetime: TimeInterval) async throws {
        let (server, clock, resourceGuard) = setUp(lifetime: lifetime)
        let json = try await server.token(TestServer.clientCredentials()).jsonObject()
        let token = try #require(json["access_token"] as? String)
        let expiresIn = try #require(json["expires_in"] as? Int)
        // Just before the advertised end, the token must still work.
        clock.advance(by: TimeInterval(expiresIn) - 0.01)
        if expiresIn > 0 {
            #expect(await resourceGuard.check(bearer(token), requiring: [.public]).grant != nil)
        }
    }

    @Test("without a lifetime there is no expires_in and the token does not expire (RFC 6749 §5.1)")
    func noLifetime() async throws {
        let (server, clock, resourceGuard) = setUp(lifetime: nil)
        let json = try await server.token(TestServer.clientCredentials()).jsonObject()
        #expect(json["expires_in"] == nil)
        let token = try #require(json["access_token"] as? String)
        clock.advance(by: 100 * 365 * 24 * 3600)
        #expect(await resourceGuard.check(bearer(token), requiring: [.public]).grant != nil)
    }

    @Test("the access token prefix follows the policy", arguments: ["gat_", "svc-", ""])
    func prefix(prefix: String) async throws {
        var policy = Policy()
        policy.accessTokenPrefix = prefix
        let (server, _) = TestServer.make(policy: policy)
        let token = try await TestServer.issueToken(server)
        #expect(token.hasPrefix(prefix))
        #expect(token.count == prefix.count + 43)
        #expect(await server.resourceGuard().check(bearer(token), requiring: [.public]).grant != nil)
    }

    @Test("a token issued for some scopes opens only resources needing no more (RFC 6749 §3.3, RFC 6750 §3.1)")
    func scopesBoundAccess() async throws {
        let (server, _, resourceGuard) = setUp(lifetime: 3600)
        let token = try await TestServer.issueToken(server, scope: "profile")
        #expect(await resourceGuard.check(bearer(token), requiring: [.profile]).grant != nil)
        #expect(await resourceGuard.check(bearer(token), requiring: [.public]).response?.status == 403)
    }
}
