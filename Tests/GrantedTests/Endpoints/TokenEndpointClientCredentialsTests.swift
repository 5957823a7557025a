import Foundation
import Testing

@_spi(Benchmarks) @testable import Granted

@Suite("Token endpoint: client credentials (RFC 6749 §4.4)")
struct TokenEndpointClientCredentialsTests {
    /// How the client authenticates (RFC 6749 §2.3.1).
    enum Authentication: String, CaseIterable, Sendable {
        case basic = "HTTP Basic"
        case post = "client_secret_post"

        func request(scope: String? = nil, contentType: String? = nil) -> OAuthRequest {
            let service = TestServer.service
            var request =
                switch self {
                case .basic: TestServer.clientCredentials(scope: scope)
                case .post:
                    TestServer.tokenRequest([
                        ("grant_type", "client_credentials"), ("client_id", service.clientID.rawValue),
                        ("client_secret", service.secret), ("scope", scope),
                    ])
                }
            if let contentType { request.headers.set("Content-Type", contentType) }
            return request
        }
    }

    @Test(
        "a confidential client gets a Bearer token and no refresh token (RFC 6749 §4.4.3, §5.1)",
        arguments: Authentication.allCases)
    func success(authentication: Authentication) async throws {
        let (server, _) = TestServer.make()
        let response = await server.token(authentication.request())
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        #expect(response.isNotCacheable)
        let json = try response.jsonObject()
        #expect(Set(json.keys) == ["access_token", "token_type", "expires_in", "scope"])
        #expect(json["token_type"] as? String == "Bearer")
        #expect(json["expires_in"] as? Int == 1_209_600)
        #expect(json["scope"] as? String == "public")
        #expect(json["refresh_token"] == nil)
        let token = try #require(json["access_token"] as? String)
        #expect(token.hasPrefix("gat_"))
        let body = token.dropFirst(4)
        #expect(body.count == 43)
        #expect(body.utf8.allSatisfy { base64URLCharacters.contains($0) })
    }

    @Test(
        "the granted scope is the requested one, or the default when none is asked (RFC 6749 §3.3)",
        arguments: [
            (nil, "public"), ("public", "public"), ("profile", "profile"), ("public profile", "profile public"),
            ("profile public profile", "profile public"),
        ] as [(String?, String)])
    func grantedScope(requested: String?, granted: String) async throws {
        let (server, store) = TestServer.make()
        let response = await server.token(TestServer.clientCredentials(scope: requested))
        let json = try response.jsonObject()
        #expect(json["scope"] as? String == granted)
        let token = try #require(json["access_token"] as? String)
        #expect(try await store.accessToken(at: SHA256.hash(token))?.token.scopes == ScopeSet.parse(granted))
    }

    @Test("the default scope follows the policy (RFC 6749 §3.3)")
    func policyDefaultScope() async throws {
        var policy = Policy()
        policy.defaultScopes = [.public, .profile]
        let (server, _) = TestServer.make(policy: policy)
        let json = try await server.token(TestServer.clientCredentials()).jsonObject()
        #expect(json["scope"] as? String == "profile public")
    }

    @Test("the store keeps the token only under its SHA-256 (RFC 6819 §5.1.4.1.3)")
    func storedAsDigest() async throws {
        let (server, store) = TestServer.make()
        let token = try await TestServer.issueToken(server)
        #expect(store.accessTokenCount == 1)
        let record = try #require(try await store.accessToken(at: SHA256.hash(token)))
        #expect(record.token.client == TestServer.service.clientID)
        #expect(record.token.subject == nil)
        #expect(record.token.scopes == [.public])
        #expect(record.token.issuedAt == TestServer.start)
        #expect(record.token.expiresAt == TestServer.start + 1_209_600)
        #expect(record.token.family == nil && record.token.authorization == nil)
        #expect(try await store.accessToken(at: SHA256.hash(String(token.dropFirst(4)))) == nil)
    }

    @Test("every request gets a new token (RFC 6749 §10.10)")
    func distinctTokens() async throws {
        let (server, store) = TestServer.make()
        let first = try await TestServer.issueToken(server)
        let second = try await TestServer.issueToken(server)
        #expect(first != second)
        #expect(store.accessTokenCount == 2)
    }

    @Test(
        "the form content type may carry parameters and any letter case (RFC 9110 §8.3.1)",
        arguments: [
            "application/x-www-form-urlencoded; charset=UTF-8", "Application/X-WWW-Form-URLEncoded",
            "application/x-www-form-urlencoded;charset=utf-8",
        ])
    func contentTypeVariants(contentType: String) async {
        let (server, _) = TestServer.make()
        #expect(await server.token(Authentication.basic.request(contentType: contentType)).status == 200)
    }

    @Test("a body client_id naming the Basic-authenticated client is accepted (RFC 6749 §2.3.1)")
    func matchingBodyClientID() async {
        let (server, _) = TestServer.make()
        let request = TestServer.tokenRequest(
            [("grant_type", "client_credentials"), ("client_id", "service")], basic: TestServer.service)
        #expect(await server.token(request).status == 200)
    }

    @Test("unknown parameters are ignored (RFC 6749 §3.2)")
    func unknownParameters() async {
        let (server, _) = TestServer.make()
        let request = TestServer.tokenRequest(
            [("grant_type", "client_credentials"), ("audience", "x"), ("claims", "{}")],
            basic: TestServer.service)
        #expect(await server.token(request).status == 200)
    }

    @Test(
        "any method but POST is 405 with Allow: POST; methods are case-sensitive (RFC 6749 §3.2, RFC 9110 §9.1)",
        arguments: [OAuthRequest.Method.get, .put, .delete, .patch, .head, OAuthRequest.Method(rawValue: "post")])
    func methodNotAllowed(method: OAuthRequest.Method) async throws {
        let (server, store) = TestServer.make()
        var request = Authentication.basic.request()
        request.method = method
        let response = await server.token(request)
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "POST")
        #expect(response.isNotCacheable)
        #expect(tokenEndpointErrorCodes.contains(try #require(response.errorCode)))
        #expect(store.accessTokenCount == 0)
    }
}
