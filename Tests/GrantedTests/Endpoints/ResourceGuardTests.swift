import Foundation
import Testing

@testable import Granted
import GrantedTesting

@Suite("Resource guard (RFC 6750)")
struct ResourceGuardTests {
    /// What happens to a token between its issue and its use.
    enum TokenFate: String, CaseIterable, Sendable {
        case unknown, revoked, expired
    }

    private let clock: ManualClock
    private let server: AuthorizationServer
    private let store: InMemoryGrantStore
    private let resourceGuard: ResourceGuard

    init() {
        let clock = ManualClock(TestServer.start)
        self.clock = clock
        (server, store) = TestServer.make(clock: clock)
        resourceGuard = server.resourceGuard(apiKeyHeader: TestServer.apiKeyHeader)
    }

    private func check(
        _ headers: HeaderFields, query: String? = nil, requiring scopes: ScopeSet = [.public]
    ) async -> ResourceGuard.Decision {
        await resourceGuard.check(TestServer.resourceRequest(headers, query: query), requiring: scopes)
    }

    /// The response to a request the guard must refuse.
    private func denial(
        _ headers: HeaderFields, query: String? = nil, requiring scopes: ScopeSet = [.public]
    ) async throws -> OAuthResponse {
        try #require(await check(headers, query: query, requiring: scopes).response)
    }

    private func insertAPIKey(_ value: String) async throws -> APIKey {
        let key = APIKey(id: APIKeyID(random: SystemRandom()), subject: "alice", name: "script", createdAt: clock.now)
        try await store.insert(key, at: SHA256.hash(value))
        return key
    }

    @Test("a valid bearer token is let through with its client and scopes (RFC 6750 §2.1)")
    func allowsBearer() async throws {
        let token = try await TestServer.issueToken(server, scope: "public profile")
        let grant = try #require(await check(["Authorization": "Bearer " + token]).grant)
        #expect(grant.client == TestServer.service.clientID)
        #expect(grant.subject == nil)
        #expect(grant.scopes == [.public, .profile])
        #expect(grant.credential == .accessToken(client: TestServer.service.clientID, scopes: [.public, .profile], expiresAt: TestServer.start + 1_209_600))
        #expect(grant.expiresAt == TestServer.start + 1_209_600)
    }

    @Test(
        "the Bearer scheme matches in any letter case, before one or more spaces (RFC 9110 §11.1, RFC 6750 §2.1)",
        arguments: ["Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer   "])
    func schemeCase(prefix: String) async throws {
        let token = try await TestServer.issueToken(server)
        #expect(await check(["Authorization": prefix + token]).grant != nil)
    }

    @Test("a token carrying more scopes than required is let through (RFC 6750 §3.1)")
    func broaderToken() async throws {
        let token = try await TestServer.issueToken(server, scope: "public profile")
        #expect(await check(["Authorization": "Bearer " + token], requiring: [.profile]).grant != nil)
        #expect(await check(["Authorization": "Bearer " + token], requiring: .empty).grant != nil)
    }

    @Test("a request without credentials gets a bare Bearer challenge and no error code (RFC 6750 §3.1)")
    func anonymous() async throws {
        let decision = await check([:])
        guard case .denied(let response, let error) = decision else {
            Issue.record("an anonymous request was let through")
            return
        }
        #expect(error == nil)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"] == #"Bearer realm="api""#)
        #expect(response.isNotCacheable)
    }

    @Test("the bare challenge's body carries no error code either (RFC 6750 §3.1)")
    func anonymousBody() async throws {
        let response = try await denial([:])
        #expect(response.errorCode == nil)
    }

    @Test("the challenge names the guard's realm (RFC 6750 §3)")
    func realm() async throws {
        let photos = server.resourceGuard(realm: "photos")
        let response = try #require(await photos.check(TestServer.resourceRequest(), requiring: [.public]).response)
        #expect(response.headers["WWW-Authenticate"] == #"Bearer realm="photos""#)
    }

    @Test(
        "a 401 names the challenge scope with what the request needs; a 403 only what its error needs (RFC 6750 §3)",
        arguments: [
            (ScopeSet.empty, ScopeSet([.public]), #"Bearer realm="api""#),
            ([.public], [.public], #"Bearer realm="api", scope="public""#),
            ([.public], ["message.send"], #"Bearer realm="api", scope="message.send public""#),
        ] as [(ScopeSet, ScopeSet, String)])
    func challengeScope(base: ScopeSet, required: ScopeSet, expected: String) async throws {
        var guarded = resourceGuard
        guarded.challengeScope = base
        let anonymous = try #require(await guarded.check(TestServer.resourceRequest(), requiring: required).response)
        #expect(anonymous.headers["WWW-Authenticate"] == expected)
        let unknown = try #require(
            await guarded.check(
                TestServer.resourceRequest(["Authorization": "Bearer not-a-token"]), requiring: required
            ).response)
        #expect(unknown.status == 401)
        #expect(unknown.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        #expect(unknown.headers["WWW-Authenticate"]?.contains("scope=") == !base.isEmpty)
        let token = try await TestServer.issueToken(server, scope: "public")
        let narrow = try #require(
            await guarded.check(
                TestServer.resourceRequest(["Authorization": "Bearer " + token]), requiring: ["message.send"]
            ).response)
        #expect(narrow.status == 403)
        #expect(narrow.headers["WWW-Authenticate"]?.hasSuffix(#"scope="message.send public""#) == true)
    }

    @Test(
        "an unknown, revoked or expired token is 401 invalid_token (RFC 6750 §3.1)", arguments: TokenFate.allCases)
    func invalidToken(fate: TokenFate) async throws {
        var token = try await TestServer.issueToken(server)
        switch fate {
        case .unknown:
            token = SystemRandom().mintSecret(prefix: "gat_").value
        case .revoked:
            let now = clock.now
            let revoked = try await store.updateAccessToken(at: SHA256.hash(token)) { $0.revoke(at: now) }
            #expect(revoked == true)
        case .expired:
            clock.advance(by: 1_209_600)
        }
        let response = try await denial(["Authorization": "Bearer " + token])
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_token")
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.hasPrefix(#"Bearer realm="api""#))
        #expect(challenge.contains(#"error="invalid_token""#))
        #expect(response.isNotCacheable)
    }

    @Test(
        "a token without every required scope is 403 insufficient_scope naming them and the token's own, so one step-up does both (RFC 6750 §3.1)",
        arguments: [([.profile], "profile public"), ([.public, .profile], "profile public"), ([.openid], "openid public")]
            as [(ScopeSet, String)])
    func insufficientScope(required: ScopeSet, named: String) async throws {
        let token = try await TestServer.issueToken(server)
        let decision = await check(["Authorization": "Bearer " + token], requiring: required)
        guard case .denied(let response, let error) = decision else {
            Issue.record("a token without the required scope was let through")
            return
        }
        #expect(error == .insufficientScope(required: required.union([.public])))
        #expect(response.status == 403)
        #expect(response.errorCode == "insufficient_scope")
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.contains(#"error="insufficient_scope""#))
        #expect(challenge.contains(#"scope=""# + named + #"""#))
    }

    @Test(
        "a malformed Bearer header is 400 invalid_request (RFC 6750 §2.1, §3.1)",
        arguments: [
            "Bearer", "Bearer ", "Bearer    ", "Bearer a b", "Bearer tok@en", "Bearer tok\"en", "Bearer =abc",
            "Bearer ab=c", "Bearer é", "Bearer a,b",
        ])
    func malformedBearer(header: String) async throws {
        let response = try await denial(["Authorization": header])
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
        #expect(response.headers["WWW-Authenticate"]?.contains(#"error="invalid_request""#) == true)
    }

    @Test("every byte is accepted inside a Bearer token exactly when it is a b64token character (RFC 6750 §2.1)")
    func b64tokenCharacters() {
        // RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        let allowed = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/".utf8))
        for byte in UInt8.min...UInt8.max {
            let header = Array("Bearer ab".utf8) + [byte] + Array("cd".utf8)
            let range = header.withUnsafeBufferPointer { try? ResourceGuard.bearerTokenRange($0, scheme: "bearer") }
            #expect((range != nil) == allowed.contains(byte), "byte \(byte)")
            if let range { #expect(range == 7..<header.count) }
        }
    }

    @Test(
        "another authentication scheme is treated as no credentials: 401 without an error code (RFC 6750 §3.1)",
        arguments: ["Basic c2VydmljZTpzZWNyZXQ=", "Digest username=\"x\"", "Token abc"])
    func otherScheme(header: String) async throws {
        let response = try await denial(["Authorization": header])
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"] == #"Bearer realm="api""#)
    }

    @Test(
        "a token in the query is refused, even beside a valid header (RFC 9700 §4.3.2, RFC 6750 §2.3)",
        arguments: [
            "access_token=abc", "page=2&access_token=abc", "access%5Ftoken=abc", "access_token=abc&access_token=d",
        ])
    func tokenInQuery(query: String) async throws {
        let token = try await TestServer.issueToken(server)
        for headers: HeaderFields in [[:], ["Authorization": "Bearer " + token]] {
            let response = try await denial(headers, query: query)
            #expect(response.status == 400)
            #expect(response.errorCode == "invalid_request")
        }
    }

    @Test("a query that only mentions access_token is not a token in the query (RFC 6750 §2.3)")
    func queryMentioningAccessToken() async throws {
        let token = try await TestServer.issueToken(server)
        #expect(await check(["Authorization": "Bearer " + token], query: "topic=access_token").grant != nil)
    }

    @Test("more than one credential is 400 invalid_request (RFC 6750 §3.1)")
    func twoCredentials() async throws {
        let token = try await TestServer.issueToken(server)
        let key = "gak_" + String(repeating: "k", count: 43)
        _ = try await insertAPIKey(key)
        let bearer = HeaderFields.Field(name: "Authorization", value: "Bearer " + token)
        let apiKey = HeaderFields.Field(name: TestServer.apiKeyHeader, value: key)
        for fields in [[bearer, apiKey], [bearer, bearer], [apiKey, apiKey]] {
            let response = try await denial(HeaderFields(fields))
            #expect(response.status == 400)
            #expect(response.errorCode == "invalid_request")
        }
    }

    @Test("an API key is let through as its user, with no scope limit", arguments: ["X-API-Key", "x-api-key"])
    func apiKey(headerName: String) async throws {
        let value = "gak_" + String(repeating: "a", count: 43)
        let key = try await insertAPIKey(value)
        let grant = try #require(await check([headerName: value], requiring: [.public, .profile]).grant)
        #expect(grant.subject == "alice")
        #expect(grant.client == nil)
        #expect(grant.scopes == nil)
        #expect(grant.credential == .apiKey(key.id))
    }

    @Test("a revoked or unknown API key is 401 invalid_token (RFC 6750 §3.1)")
    func revokedAPIKey() async throws {
        let value = "gak_" + String(repeating: "b", count: 43)
        let key = try await insertAPIKey(value)
        let now = clock.now
        #expect(try await store.updateAPIKey(key.id) { $0.revoke(at: now) } == true)
        for presented in [value, "gak_unknown"] {
            let response = try await denial([TestServer.apiKeyHeader: presented])
            #expect(response.status == 401)
            #expect(response.errorCode == "invalid_token")
        }
    }

    @Test("a guard without an API-key header ignores one")
    func apiKeysOff() async throws {
        let value = "gak_" + String(repeating: "c", count: 43)
        _ = try await insertAPIKey(value)
        let plain = server.resourceGuard()
        let decision = await plain.check(TestServer.resourceRequest([TestServer.apiKeyHeader: value]), requiring: [])
        #expect(decision.response?.status == 401)
    }
}
