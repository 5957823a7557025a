import Foundation
import Testing
@testable import Granted

/// Per-user API keys: shown once, listed without values, accepted by the resource guard as the
/// user with full access, until revoked.
@Suite("API keys: create, list, use, revoke, import")
struct APIKeyTests {
    let flow = CodeFlow()

    func check(key: String, requiring required: ScopeSet = [], header: String? = TestServer.apiKeyHeader) async
        -> ResourceGuard.Decision
    {
        await flow.server.resourceGuard(apiKeyHeader: header).check(
            TestServer.resourceRequest([TestServer.apiKeyHeader: key]), requiring: required)
    }

    @Test("a created key is shown once: a gak_ prefix and 256 random bits")
    func create() async throws {
        let (key, record) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "laptop script")
        #expect(key.hasPrefix("gak_"))
        #expect(key.utf8.count == 4 + 43)
        #expect(record.subject == CodeFlow.alice)
        #expect(record.name == "laptop script")
        #expect(record.createdAt == TestServer.start)
        #expect(record.isActive)
        let (other, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "laptop script")
        #expect(other != key)
    }

    @Test("keys are listed per user without their values")
    func list() async throws {
        let (first, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "one")
        flow.clock.advance(by: 1)
        let (second, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "two")
        _ = try await flow.server.createAPIKey(for: CodeFlow.bob, name: "bob's")
        let listed = try await flow.server.apiKeys(of: CodeFlow.alice)
        #expect(listed.map(\.name) == ["one", "two"])
        let dump = "\(listed)"
        #expect(!dump.contains(first) && !dump.contains(second))
        #expect(!dump.contains(String(first.dropFirst(4))))
    }

    @Test("the resource guard accepts a key in the API-key header as the user, with full access")
    func guardAccepts() async throws {
        let (key, record) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        let grant = try #require(await check(key: key, requiring: [.profile, .email]).grant)
        #expect(grant.subject == CodeFlow.alice)
        #expect(grant.client == nil)
        #expect(grant.scopes == nil)
        #expect(grant.credential == .apiKey(record.id))
        #expect(grant.expiresAt == nil)
    }

    @Test("a key keeps working as time passes: keys do not expire")
    func noExpiry() async throws {
        let (key, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cron")
        flow.clock.advance(by: 5 * 365 * 24 * 3600)
        #expect(await check(key: key).grant != nil)
    }

    @Test("without an API-key header configured, the header is not a credential (RFC 6750 §3.1)")
    func headerNotConfigured() async throws {
        let (key, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        let decision = await check(key: key, header: nil)
        #expect(decision.grant == nil)
        #expect(decision.response?.status == 401)
    }

    @Test("a key is not a bearer access token (RFC 6750 §2.1)")
    func notABearerToken() async throws {
        let (key, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        #expect(await flow.check(key).response?.status == 401)
    }

    @Test("an unknown key is invalid_token (RFC 6750 §3.1)")
    func unknownKey() async {
        let decision = await check(key: "gak_" + String(repeating: "A", count: 43))
        #expect(decision.response?.status == 401)
        #expect(decision.response?.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
    }

    @Test("a revoked key stops working at once and leaves the list")
    func revoke() async throws {
        let (key, record) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        let (kept, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "kept")
        #expect(try await flow.server.revokeAPIKey(record.id, of: CodeFlow.alice))
        let decision = await check(key: key)
        #expect(decision.response?.status == 401)
        #expect(decision.response?.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        #expect(await check(key: kept).grant != nil)
        #expect(try await flow.server.apiKeys(of: CodeFlow.alice).map(\.name) == ["kept"])
        #expect(try await !flow.server.revokeAPIKey(record.id, of: CodeFlow.alice), "already revoked")
    }

    @Test("another user cannot revoke a key that is not theirs")
    func otherUserCannotRevoke() async throws {
        let (key, record) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        #expect(try await !flow.server.revokeAPIKey(record.id, of: CodeFlow.bob))
        #expect(await check(key: key).grant?.subject == CodeFlow.alice)
        #expect(try await !flow.server.revokeAPIKey(APIKeyID(random: SystemRandom()), of: CodeFlow.alice))
    }

    @Test("a fixed key the host already has can be imported and then works as that user")
    func importFixedKey() async throws {
        let value = "legacy-7f3c9a1e-key"
        #expect(await check(key: value).grant == nil)
        let record = try await flow.server.importAPIKey(value, for: CodeFlow.bob, name: "migrated")
        let grant = try #require(await check(key: value).grant)
        #expect(grant.subject == CodeFlow.bob)
        #expect(grant.credential == .apiKey(record.id))
        #expect(try await flow.server.apiKeys(of: CodeFlow.bob).map(\.id) == [record.id])
        #expect(try await flow.server.revokeAPIKey(record.id, of: CodeFlow.bob))
        #expect(await check(key: value).grant == nil)
    }

    @Test("revoking a user's app authorization does not touch their API keys")
    func independentOfAuthorizations() async throws {
        let (key, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        _ = try await flow.signIn()
        #expect(try await flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.webApp.clientID))
        #expect(await check(key: key).grant != nil)
    }
}
