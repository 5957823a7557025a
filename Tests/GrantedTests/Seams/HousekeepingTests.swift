import Foundation
import Testing
@testable import Granted

/// `purge(deadFor:)` deletes what can never work again once it has been dead longer than the
/// cutoff, and keeps everything live (checked through the in-memory store's lookups).
@Suite("Housekeeping: purging dead records from the in-memory store")
struct HousekeepingTests {
    static let day: TimeInterval = 24 * 3600

    static func flow(accessTokenLifetime: TimeInterval? = 14 * 24 * 3600) -> CodeFlow {
        var policy = Policy()
        policy.accessTokenLifetime = accessTokenLifetime
        return CodeFlow(policy: policy)
    }

    func codeState(_ code: String, in flow: CodeFlow) async throws -> AuthorizationCode.State? {
        try await flow.store.updateCode(at: SHA256.hash(code)) { $0.state }
    }

    func isStored(accessToken token: String, in flow: CodeFlow) async throws -> Bool {
        try await flow.store.accessToken(at: SHA256.hash(token)) != nil
    }

    func family(of refreshToken: String, in flow: CodeFlow) async throws -> RefreshFamily? {
        guard let id = try await flow.store.familyID(forRefreshToken: SHA256.hash(refreshToken)) else { return nil }
        return try await flow.store.family(id)?.family
    }

    @Test(
        "an expired access token goes once dead longer than the cutoff, not before",
        arguments: [(86_399.0, false), (86_400, false), (86_401, true)])
    func expiredAccessToken(deadFor seconds: TimeInterval, removed: Bool) async throws {
        let flow = Self.flow(accessTokenLifetime: 3600)
        let token = try await TestServer.issueToken(flow.server)
        flow.clock.advance(by: 3600 + seconds)
        let live = try await TestServer.issueToken(flow.server)
        #expect(try await flow.server.purge(deadFor: Self.day) == (removed ? 1 : 0))
        #expect(try await isStored(accessToken: token, in: flow) == !removed)
        #expect(try await isStored(accessToken: live, in: flow))
        #expect(flow.store.accessTokenCount == (removed ? 1 : 2))
        #expect(await flow.verifies(live))
    }

    @Test("purge answers how many records it deleted")
    func count() async throws {
        let flow = Self.flow(accessTokenLifetime: 60)
        for _ in 0..<3 { _ = try await TestServer.issueToken(flow.server) }
        _ = try await flow.code()
        flow.clock.advance(by: 60 + Self.day + 1)
        #expect(try await flow.server.purge(deadFor: Self.day) == 4)
        #expect(try await flow.server.purge(deadFor: Self.day) == 0)
        #expect(flow.store.accessTokenCount == 0)
    }

    @Test("tokens that never expire are never purged")
    func everlastingTokens() async throws {
        let flow = Self.flow(accessTokenLifetime: nil)
        let token = try await TestServer.issueToken(flow.server)
        flow.clock.advance(by: 10 * 365 * Self.day)
        #expect(try await flow.server.purge(deadFor: Self.day) == 0)
        #expect(await flow.verifies(token))
    }

    @Test("a redeemed code is kept until the cutoff, so a replay is still caught (RFC 6749 §4.1.2)")
    func redeemedCodeKeptForReplay() async throws {
        let flow = Self.flow()
        let code = try await flow.code()
        let tokens = try CodeFlow.Tokens(await flow.exchange(code))
        flow.clock.advance(by: 3600)
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await codeState(code, in: flow) == .redeemed(at: TestServer.start))
        #expect(await flow.exchange(code).errorCode == "invalid_grant")
        #expect(await !flow.verifies(tokens.accessToken))
    }

    @Test("a redeemed code goes once redeemed longer ago than the cutoff")
    func redeemedCodeRemoved() async throws {
        let flow = Self.flow()
        let code = try await flow.code()
        _ = try CodeFlow.Tokens(await flow.exchange(code))
        flow.clock.advance(by: Self.day + 1)
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await codeState(code, in: flow) == nil)
    }

    @Test("an expired, never redeemed code goes once dead longer than the cutoff; a live one stays")
    func expiredCode() async throws {
        let flow = Self.flow()
        let expired = try await flow.code()
        flow.clock.advance(by: 30 + Self.day + 1)
        let live = try await flow.code()
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await codeState(expired, in: flow) == nil)
        #expect(try await codeState(live, in: flow) != nil)
        #expect(await flow.exchange(live).status == 200)
    }

    @Test("a revoked authorization goes after the cutoff; active ones stay")
    func revokedAuthorization() async throws {
        let flow = Self.flow()
        let alices = try await flow.signIn()
        let bobs = try await flow.signIn(subject: CodeFlow.bob)
        let revoked = try #require(try await flow.server.authorizations(of: CodeFlow.alice).first)
        let kept = try #require(try await flow.server.authorizations(of: CodeFlow.bob).first)
        #expect(try await flow.server.revokeAuthorization(revoked.id, of: CodeFlow.alice))
        flow.clock.advance(by: Self.day + 1)
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await flow.store.authorization(revoked.id) == nil)
        #expect(try await flow.store.authorization(kept.id)?.isActive == true)
        #expect(await !flow.verifies(alices.accessToken), "a token whose authorization was purged stays dead")
        #expect(await flow.verifies(bobs.accessToken))
        #expect(await flow.refresh(try #require(bobs.refreshToken)).status == 200)
    }

    @Test("a revoked API key goes after the cutoff; active ones stay")
    func revokedAPIKey() async throws {
        let flow = Self.flow()
        let (revokedKey, revoked) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "old")
        let (keptKey, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "new")
        #expect(try await flow.server.revokeAPIKey(revoked.id, of: CodeFlow.alice))
        flow.clock.advance(by: Self.day)
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await flow.store.apiKey(at: SHA256.hash(revokedKey)) != nil, "not yet past the cutoff")
        flow.clock.advance(by: 1)
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await flow.store.apiKey(at: SHA256.hash(revokedKey)) == nil)
        #expect(try await flow.store.apiKey(at: SHA256.hash(keptKey))?.isActive == true)
        #expect(try await !flow.server.revokeAPIKey(revoked.id, of: CodeFlow.alice))
    }

    @Test("a family revoked by reuse goes with its refresh tokens; its access tokens stay dead (RFC 9700 §4.14.2)")
    func revokedFamily() async throws {
        let flow = Self.flow()
        let first = try await flow.signIn()
        let old = try #require(first.refreshToken)
        let second = try CodeFlow.Tokens(await flow.refresh(old))
        #expect(await flow.refresh(old).errorCode == "invalid_grant")
        #expect(try await family(of: old, in: flow)?.isLive == false)

        flow.clock.advance(by: Self.day + 1)
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await family(of: old, in: flow) == nil)
        #expect(try await flow.store.familyID(forRefreshToken: SHA256.hash(old)) == nil)
        #expect(try await flow.store.familyID(forRefreshToken: SHA256.hash(try #require(second.refreshToken))) == nil)
        #expect(await !flow.verifies(second.accessToken))
        #expect(await flow.refresh(try #require(second.refreshToken)).errorCode == "invalid_grant")
    }

    @Test("a live family whose refresh token never expires is kept, and works after its access tokens are purged")
    func liveFamilyKept() async throws {
        let flow = Self.flow()
        let tokens = try await flow.signIn()
        let refresh = try #require(tokens.refreshToken)
        flow.clock.advance(by: 30 * Self.day)
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await !isStored(accessToken: tokens.accessToken, in: flow))
        #expect(try await family(of: refresh, in: flow)?.isLive == true)
        let refreshed = try CodeFlow.Tokens(await flow.refresh(refresh))
        #expect(await flow.verifies(refreshed.accessToken))
    }

    @Test("the refresh family of a revoked authorization goes after the cutoff, though its refresh token never expires")
    func familyOfRevokedAuthorization() async throws {
        let flow = Self.flow()
        let tokens = try await flow.signIn()
        let refresh = try #require(tokens.refreshToken)
        #expect(try await flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.webApp.clientID))
        flow.clock.advance(by: Self.day + 1)
        _ = try await flow.server.purge(deadFor: Self.day)
        #expect(try await flow.store.familyID(forRefreshToken: SHA256.hash(refresh)) == nil)
        #expect(await flow.refresh(refresh).errorCode == "invalid_grant")
    }
}
