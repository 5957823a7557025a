import Foundation
import Granted

/// `AuthorizationServer.purge(deadFor:)` over the store: what can never work again goes once it
/// has been dead longer than the cutoff, and everything live keeps working.
extension GrantStoreContract {
    static let day: TimeInterval = 24 * 3600

    static func flow(_ makeStore: MakeStore, accessTokenLifetime: TimeInterval? = 14 * 24 * 3600) async throws
        -> ContractFlow
    {
        var policy = Policy()
        policy.accessTokenLifetime = accessTokenLifetime
        return ContractFlow(store: try await makeStore(), policy: policy)
    }

    static func isStored(accessToken token: String, in flow: ContractFlow) async throws -> Bool {
        try await flow.store.accessToken(at: Digest256(hashing: token)) != nil
    }

    static func codeState(_ code: String, in flow: ContractFlow) async throws -> AuthorizationCode.State? {
        try await flow.store.updateCode(at: Digest256(hashing: code)) { $0.state }
    }

    static func family(of refreshToken: String, in flow: ContractFlow) async throws -> RefreshFamily? {
        guard let id = try await flow.store.familyID(forRefreshToken: Digest256(hashing: refreshToken)) else { return nil }
        return try await flow.store.family(id)?.family
    }

    /// An expired access token goes once dead longer than the cutoff, not before.
    public static func housekeepingExpiredAccessToken(_ makeStore: MakeStore) async throws {
        for (seconds, removed) in [(86_399.0, false), (86_400, false), (86_401, true)] {
            let flow = try await flow(makeStore, accessTokenLifetime: 3600)
            let token = try await flow.issueToken()
            flow.clock.advance(by: 3600 + seconds)
            let live = try await flow.issueToken()
            try expectEqual(try await flow.server.purge(deadFor: day), removed ? 1 : 0, "deleted, dead for \(seconds) s")
            try expectEqual(try await isStored(accessToken: token, in: flow), !removed, "expired token, \(seconds) s")
            try expect(try await isStored(accessToken: live, in: flow), "the live token is kept")
            try expect(await flow.verifies(live), "the live token works")
        }
    }

    /// Purge answers how many records it deleted.
    public static func housekeepingCount(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore, accessTokenLifetime: 60)
        for _ in 0..<3 { _ = try await flow.issueToken() }
        _ = try await flow.code()
        flow.clock.advance(by: 60 + day + 1)
        try expectEqual(try await flow.server.purge(deadFor: day), 4, "3 tokens and a code")
        try expectEqual(try await flow.server.purge(deadFor: day), 0, "a second purge")
    }

    /// Tokens that never expire are never purged.
    public static func housekeepingEverlastingTokens(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore, accessTokenLifetime: nil)
        let token = try await flow.issueToken()
        flow.clock.advance(by: 10 * 365 * day)
        try expectEqual(try await flow.server.purge(deadFor: day), 0, "deleted")
        try expect(await flow.verifies(token), "the token still works")
    }

    /// A redeemed code is kept until the cutoff, so a replay is still caught (RFC 6749 §4.1.2).
    public static func housekeepingRedeemedCodeKeptForReplay(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore)
        let code = try await flow.code()
        let tokens = try ContractFlow.Tokens(await flow.exchange(code))
        flow.clock.advance(by: 3600)
        _ = try await flow.server.purge(deadFor: day)
        try expectEqual(try await codeState(code, in: flow), .redeemed(at: ContractFlow.start), "the code is kept")
        try expectEqual(ContractFlow.errorCode(of: await flow.exchange(code)), "invalid_grant", "the replay")
        try expect(await !flow.verifies(tokens.accessToken), "the replay revoked the first redemption's token")
    }

    /// A redeemed code goes once redeemed longer ago than the cutoff.
    public static func housekeepingRedeemedCodeRemoved(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore)
        let code = try await flow.code()
        _ = try ContractFlow.Tokens(await flow.exchange(code))
        flow.clock.advance(by: day + 1)
        _ = try await flow.server.purge(deadFor: day)
        try expect(try await codeState(code, in: flow) == nil, "the code is deleted")
    }

    /// An expired, never redeemed code goes once dead longer than the cutoff; a live one stays.
    public static func housekeepingExpiredCode(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore)
        let expired = try await flow.code()
        flow.clock.advance(by: 30 + day + 1)
        let live = try await flow.code()
        _ = try await flow.server.purge(deadFor: day)
        try expect(try await codeState(expired, in: flow) == nil, "the expired code is deleted")
        try expect(try await codeState(live, in: flow) != nil, "the live code is kept")
        try expectEqual(await flow.exchange(live).status, 200, "the live code works")
    }

    /// A revoked authorization goes after the cutoff; active ones stay, and keep working.
    public static func housekeepingRevokedAuthorization(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore)
        let alices = try await flow.signIn()
        let bobs = try await flow.signIn(subject: ContractFlow.bob)
        let revoked = try require(try await flow.server.authorizations(of: ContractFlow.alice).first, "alice's")
        let kept = try require(try await flow.server.authorizations(of: ContractFlow.bob).first, "bob's")
        try expect(try await flow.server.revokeAuthorization(revoked.id, of: ContractFlow.alice), "revoked")
        flow.clock.advance(by: day + 1)
        _ = try await flow.server.purge(deadFor: day)
        try expect(try await flow.store.authorization(revoked.id) == nil, "the revoked authorization is deleted")
        try expectEqual(try await flow.store.authorization(kept.id)?.isActive, true, "bob's is kept")
        try expect(await !flow.verifies(alices.accessToken), "a token whose authorization was purged stays dead")
        try expect(await flow.verifies(bobs.accessToken), "bob's token works")
        let refresh = try require(bobs.refreshToken, "bob's refresh token")
        try expectEqual(await flow.refresh(refresh).status, 200, "bob's refresh token works")
    }

    /// A revoked API key goes after the cutoff; active ones stay.
    public static func housekeepingRevokedAPIKey(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore)
        let (revokedKey, revoked) = try await flow.server.createAPIKey(for: ContractFlow.alice, name: "old")
        let (keptKey, _) = try await flow.server.createAPIKey(for: ContractFlow.alice, name: "new")
        try expect(try await flow.server.revokeAPIKey(revoked.id, of: ContractFlow.alice), "revoked")
        flow.clock.advance(by: day)
        _ = try await flow.server.purge(deadFor: day)
        try expect(try await flow.store.apiKey(at: Digest256(hashing: revokedKey)) != nil, "not yet past the cutoff")
        flow.clock.advance(by: 1)
        _ = try await flow.server.purge(deadFor: day)
        try expect(try await flow.store.apiKey(at: Digest256(hashing: revokedKey)) == nil, "past the cutoff")
        try expectEqual(try await flow.store.apiKey(at: Digest256(hashing: keptKey))?.isActive, true, "the active key")
        try expect(try await !flow.server.revokeAPIKey(revoked.id, of: ContractFlow.alice), "a deleted key")
    }

    /// A family revoked by reuse goes with its refresh tokens; its access tokens stay dead
    /// (RFC 9700 §4.14.2).
    public static func housekeepingRevokedFamily(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore)
        let first = try await flow.signIn()
        let old = try require(first.refreshToken, "a refresh token")
        let second = try ContractFlow.Tokens(await flow.refresh(old))
        let newer = try require(second.refreshToken, "a rotated refresh token")
        try expectEqual(ContractFlow.errorCode(of: await flow.refresh(old)), "invalid_grant", "the reuse")
        try expectEqual(try await family(of: old, in: flow)?.state.isActive, false, "the reuse revoked the family")

        flow.clock.advance(by: day + 1)
        _ = try await flow.server.purge(deadFor: day)
        try expect(try await family(of: old, in: flow) == nil, "the family is deleted")
        try expect(try await flow.store.familyID(forRefreshToken: Digest256(hashing: old)) == nil, "the old refresh token")
        try expect(try await flow.store.familyID(forRefreshToken: Digest256(hashing: newer)) == nil, "the newer one")
        try expect(await !flow.verifies(second.accessToken), "its access token stays dead")
        try expectEqual(ContractFlow.errorCode(of: await flow.refresh(newer)), "invalid_grant", "the newer one")
    }

    /// A live family whose refresh token never expires is kept, and works after its access tokens
    /// are purged.
    public static func housekeepingLiveFamilyKept(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore)
        let tokens = try await flow.signIn()
        let refresh = try require(tokens.refreshToken, "a refresh token")
        flow.clock.advance(by: 30 * day)
        _ = try await flow.server.purge(deadFor: day)
        try expect(try await !isStored(accessToken: tokens.accessToken, in: flow), "the expired token is deleted")
        try expectEqual(try await family(of: refresh, in: flow)?.state.isActive, true, "the family is kept")
        let refreshed = try ContractFlow.Tokens(await flow.refresh(refresh))
        try expect(await flow.verifies(refreshed.accessToken), "a refreshed token works")
    }

    /// The refresh family of a revoked authorization goes after the cutoff, though its refresh
    /// token never expires.
    public static func housekeepingFamilyOfRevokedAuthorization(_ makeStore: MakeStore) async throws {
        let flow = try await flow(makeStore)
        let tokens = try await flow.signIn()
        let refresh = try require(tokens.refreshToken, "a refresh token")
        try expect(
            try await flow.server.revokeAuthorization(of: ContractFlow.alice, for: ContractFlow.webApp.clientID),
            "revoked")
        flow.clock.advance(by: day + 1)
        _ = try await flow.server.purge(deadFor: day)
        try expect(try await flow.store.familyID(forRefreshToken: Digest256(hashing: refresh)) == nil, "the refresh token")
        try expectEqual(ContractFlow.errorCode(of: await flow.refresh(refresh)), "invalid_grant", "refresh")
    }
}
