import Foundation
@_spi(Testing) @testable import Granted
import GrantedTesting
import Testing

/// The simulation must catch a store that breaks the contract, not only pass a good one.
@Suite("Grant simulation: a broken store is caught")
struct BrokenStoreTests {
    @Test("a non-atomic updateCode lets a code be redeemed twice, and the simulation says so")
    func nonAtomicCode() async throws {
        var caught: [Divergence] = []
        for seed in 0..<40 as Range<UInt64> {
            var simulation = GrantSimulation(seed: seed, store: NonAtomicStore(breaking: .code), faultPercent: 0)
            if let divergence = await simulation.run(steps: 40) { caught.append(divergence) }
        }
        let first = try #require(caught.first, "no seed caught the double redemption")
        #expect(first.action.hasPrefix("exchange ("), "\(first)")
        #expect(first.expected == "exactly one 200", "\(first)")
        // The divergence names its seed, and that seed replays it.
        var replay = GrantSimulation(seed: first.seed, store: NonAtomicStore(breaking: .code), faultPercent: 0)
        #expect(await replay.run(steps: 40)?.action.hasPrefix("exchange (") == true)
    }

    @Test("a check-then-insert insertOnce lets one jti authenticate twice, and the simulation says so (RFC 7523 §3 item 7)")
    func nonAtomicOneTimeUse() async throws {
        var caught: [Divergence] = []
        for seed in 0..<60 as Range<UInt64> {
            var simulation = GrantSimulation(seed: seed, store: NonAtomicStore(breaking: .oneTimeUse), faultPercent: 0)
            if let divergence = await simulation.run(steps: 40) { caught.append(divergence) }
        }
        let first = try #require(caught.first, "no seed caught the second use of a jti")
        #expect(first.action.hasPrefix("client assertion ("), "\(first)")
        #expect(first.expected == "exactly 1 200", "\(first)")
    }

    @Test("a store that forgets a jti when its exp passes, before any purge, is caught (RFC 7523 §3 item 7)")
    func expiringOneTimeUse() async throws {
        var caught: [Divergence] = []
        for seed in 0..<60 as Range<UInt64> {
            let store = NonAtomicStore(breaking: .expiry)
            var simulation = GrantSimulation(seed: seed, store: store, faultPercent: 0)
            store.clock.withLock { $0 = simulation.clock }
            if let divergence = await simulation.run(steps: 40) { caught.append(divergence) }
        }
        let first = try #require(caught.first, "no seed reused a jti past its exp before a purge")
        #expect(first.action.hasPrefix("client assertion ("), "\(first)")
        #expect(first.expected == "401" || first.expected == "exactly 0 200", "\(first)")
    }

    @Test("a store that drops a family's key thumbprint lets its refresh token work without the key, and the DPoP step says so (RFC 9449 §5)")
    func unboundFamily() async throws {
        var caught: [Divergence] = []
        for seed in 0..<40 as Range<UInt64> {
            var simulation = GrantSimulation(seed: seed, store: NonAtomicStore(breaking: .familyKey), faultPercent: 0)
            if let divergence = await simulation.run(steps: 40) { caught.append(divergence) }
        }
        let first = try #require(caught.first, "no seed refreshed a bound family without its key")
        #expect(first.action.hasPrefix("dpop refresh, "), "\(first)")
        #expect(first.expected == "400 invalid_dpop_proof", "\(first)")
    }

    @Test("the same runs over the atomic store find nothing")
    func atomicControl() async {
        for seed in 0..<40 as Range<UInt64> {
            var simulation = GrantSimulation(seed: seed, store: InMemoryGrantStore(), faultPercent: 0)
            let divergence = await simulation.run(steps: 40)
            #expect(divergence == nil, "\(divergence.map(String.init(describing:)) ?? "")")
        }
    }
}

/// The in-memory store with one rule broken. `.code`: `updateCode` reads the code, lets other
/// tasks run, then writes what the transition made of its copy, so two redemptions can both see
/// `issued`. `.oneTimeUse`: `insertOnce` checks, lets other tasks run, then inserts, so two uses
/// of one `jti` can both see it absent. `.expiry`: `insertOnce` treats a digest whose expiry has
/// passed on `clock` as absent, freeing a `jti` before any purge. `.familyKey`: `updateFamily`
/// stores every family without its key thumbprint, unbinding a DPoP-bound refresh token.
final class NonAtomicStore: GrantStore {
    enum Broken { case code, oneTimeUse, expiry, familyKey }
    let inner = InMemoryGrantStore()
    let broken: Broken
    let uses = Locked<[Digest256: Date]>([:])
    let clock = Locked<ManualClock?>(nil)

    init(breaking broken: Broken) { self.broken = broken }

    func updateCode<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AuthorizationCode) -> Outcome
    ) async throws -> Outcome? {
        guard broken == .code else { return try await inner.updateCode(at: digest, transition) }
        guard var copy = try await inner.updateCode(at: digest, { $0 }) else { return nil }
        for _ in 0..<3 { await Task.yield() }
        let outcome = transition(&copy)
        let written = copy
        _ = try await inner.updateCode(at: digest) { $0 = written }
        return outcome
    }

    func insert(_ token: AccessToken, at digest: Digest256) async throws { try await inner.insert(token, at: digest) }
    func accessToken(at digest: Digest256) async throws -> AccessTokenRecord? { try await inner.accessToken(at: digest) }
    func updateAccessToken<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AccessToken) -> Outcome
    ) async throws -> Outcome? { try await inner.updateAccessToken(at: digest, transition) }
    func insert(_ code: AuthorizationCode, at digest: Digest256) async throws { try await inner.insert(code, at: digest) }
    func insertRefreshToken(at digest: Digest256, family: FamilyID) async throws {
        try await inner.insertRefreshToken(at: digest, family: family)
    }
    func familyID(forRefreshToken digest: Digest256) async throws -> FamilyID? {
        try await inner.familyID(forRefreshToken: digest)
    }
    func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome {
        guard broken == .familyKey else { return try await inner.updateFamily(id, transition) }
        return try await inner.updateFamily(id) { family in
            let outcome = transition(&family)
            family = family.map(\.unbound)
            return outcome
        }
    }
    func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)? {
        try await inner.family(id)
    }
    func updateAuthorization<Outcome: Sendable>(
        subject: Subject, client: ClientID, _ transition: @Sendable (inout UserAuthorization?) -> Outcome
    ) async throws -> Outcome { try await inner.updateAuthorization(subject: subject, client: client, transition) }
    func updateAuthorization<Outcome: Sendable>(
        _ id: AuthorizationID, _ transition: @Sendable (inout UserAuthorization) -> Outcome
    ) async throws -> Outcome? { try await inner.updateAuthorization(id, transition) }
    func authorization(_ id: AuthorizationID) async throws -> UserAuthorization? { try await inner.authorization(id) }
    func authorizations(of subject: Subject) async throws -> [UserAuthorization] {
        try await inner.authorizations(of: subject)
    }
    func insert(_ key: APIKey, at digest: Digest256) async throws { try await inner.insert(key, at: digest) }
    func apiKey(at digest: Digest256) async throws -> APIKey? { try await inner.apiKey(at: digest) }
    func apiKeys(of subject: Subject) async throws -> [APIKey] { try await inner.apiKeys(of: subject) }
    func updateAPIKey<Outcome: Sendable>(
        _ id: APIKeyID, _ transition: @Sendable (inout APIKey) -> Outcome
    ) async throws -> Outcome? { try await inner.updateAPIKey(id, transition) }
    func insert(_ device: DeviceAuthorization, at digest: Digest256) async throws -> Bool {
        try await inner.insert(device, at: digest)
    }
    func updateDeviceAuthorization<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? { try await inner.updateDeviceAuthorization(at: digest, transition) }
    func updateDeviceAuthorization<Outcome: Sendable>(
        userCode lookup: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? { try await inner.updateDeviceAuthorization(userCode: lookup, transition) }
    func updateSession<Outcome: Sendable>(
        _ id: SessionID, _ transition: @Sendable (inout SignInSession?) -> Outcome
    ) async throws -> Outcome { try await inner.updateSession(id, transition) }
    func insertOnce(_ digest: Digest256, expiresAt: Date) async throws -> Bool {
        switch broken {
        case .code, .familyKey:
            return try await inner.insertOnce(digest, expiresAt: expiresAt)
        case .oneTimeUse:
            guard uses.withLock({ $0[digest] == nil }) else { return false }
            for _ in 0..<3 { await Task.yield() }
            uses.withLock { $0[digest] = expiresAt }
            return true
        case .expiry:
            let now = clock.withLock { $0?.now } ?? .distantPast
            return uses.withLock { map in
                if let until = map[digest], now <= until { return false }
                map[digest] = expiresAt
                return true
            }
        }
    }
    func purge(before cutoff: Date) async throws -> Int {
        uses.withLock { map in map = map.filter { $0.value >= cutoff } }
        return try await inner.purge(before: cutoff)
    }
    func insert(_ request: PushedRequest, at digest: Digest256) async throws {
        try await inner.insert(request, at: digest)
    }
    func updatePushedRequest<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout PushedRequest) -> Outcome
    ) async throws -> Outcome? { try await inner.updatePushedRequest(at: digest, transition) }
}

extension RefreshFamily {
    /// This family as a store that forgot its key binding returns it.
    fileprivate var unbound: RefreshFamily {
        RefreshFamily(
            id: id, client: client, subject: subject, scopes: scopes, authorization: authorization, authTime: authTime,
            createdAt: createdAt, expiresAt: expiresAt, current: current, accessTokensExpireBy: accessTokensExpireBy,
            state: revokedAt.map { .revoked(at: $0) } ?? .active, previous: previous, lastUsedAt: lastUsedAt,
            resources: resources, sessionID: sessionID)
    }
}
