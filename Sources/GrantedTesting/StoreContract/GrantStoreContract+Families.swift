import Foundation
import Granted

/// Refresh families (RFC 6749 §6; RFC 9700 §4.14.2): a transition on an absent family sees nil
/// and creates it by setting it; concurrent creators meet one family.
extension GrantStoreContract {
    /// Each refresh token digest maps to its family; unknown digests to nil.
    public static func refreshTokenMapping(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let first = FamilyID(uuid: UUID())
        let second = FamilyID(uuid: UUID())
        try await store.insertRefreshToken(at: Records.digest("grt_1"), family: first)
        try await store.insertRefreshToken(at: Records.digest("grt_2"), family: first)
        try await store.insertRefreshToken(at: Records.digest("grt_3"), family: second)
        try expectEqual(try await store.familyID(forRefreshToken: Records.digest("grt_1")), first, "grt_1")
        try expectEqual(try await store.familyID(forRefreshToken: Records.digest("grt_2")), first, "grt_2")
        try expectEqual(try await store.familyID(forRefreshToken: Records.digest("grt_3")), second, "grt_3")
        try expect(try await store.familyID(forRefreshToken: Records.digest("grt_4")) == nil, "unknown digest")
    }

    /// Absent: the transition sees nil, and leaving it nil stores nothing. Setting it creates the
    /// family, with every field (its resources whole, or empty: RFC 8707 §2.2); later
    /// transitions see and change it. `family(_:)` adds its authorization.
    public static func familyUpsert(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let authorization = Records.authorization()
        let family = Records.family(authorization: authorization.id, expiresAt: Records.t0 + 86_400)
        let sawNil = try await store.updateFamily(family.id) { $0 == nil }
        try expect(sawNil, "an absent family is nil to the transition")
        try expect(try await store.family(family.id) == nil, "a transition that leaves nil creates nothing")

        let created = try await store.updateFamily(family.id) { existing -> Bool in
            guard existing == nil else { return false }
            existing = family
            return true
        }
        try expect(created, "setting an absent family creates it")
        var read = try require(try await store.family(family.id), "created family missing")
        try expectEqual(read.family, family, "created family")
        try expect(read.authorization == nil, "its authorization is not stored yet")

        try await Records.store(authorization, in: store)
        read = try require(try await store.family(family.id), "family missing")
        try expectEqual(read.authorization, authorization, "the family's authorization")

        let now = Records.t0 + 9
        try expectEqual(try await store.updateFamily(family.id) { $0?.revoke(at: now) }, true, "revoke")
        var revoked = family
        revoked.revoke(at: now)
        try expectEqual(try await store.family(family.id)?.family, revoked, "kept revoked, and the rest kept")

        let unscoped = Records.family(resources: [])
        try await store.updateFamily(unscoped.id) { $0 = unscoped }
        try expectEqual(try await store.family(unscoped.id)?.family, unscoped, "a family without resources")
        let unknown = FamilyID(uuid: UUID())
        try expect(try await store.family(unknown) == nil, "an unknown family")
        try expect(try await store.updateFamily(unknown) { $0?.revoke(at: now) } == nil, "revoking an absent family")
    }

    /// Rotation keeps everything a refresh changes: current and previous generations, the retry
    /// flag, last use and the access tokens' expiry; and everything it does not, such as the
    /// family's resources.
    public static func familyRotation(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let rules = RefreshFamily.Rules(rotate: true, gracePeriod: 60, idleLifetime: 3600)
        let first = Records.digest("grt_first")
        let second = Records.digest("grt_second")
        let third = Records.digest("grt_third")
        var expected = Records.family(current: first)
        let id = expected.id
        try await store.updateFamily(id) { [expected] in $0 = expected }

        let t1 = Records.t0 + 10
        let t2 = Records.t0 + 20
        let rotated = try await store.updateFamily(id) {
            $0?.use(first, by: "web-app", rotatingTo: second, accessTokenExpiry: t1 + 7200, at: t1, rules: rules)
        }
        try expectEqual(rotated, .granted, "first use")
        _ = expected.use(first, by: "web-app", rotatingTo: second, accessTokenExpiry: t1 + 7200, at: t1, rules: rules)
        try expectEqual(try await store.family(id)?.family, expected, "after rotation")

        // The rotated-out token, retried within the grace period (a lost response): once.
        let retried = try await store.updateFamily(id) {
            $0?.use(first, by: "web-app", rotatingTo: third, accessTokenExpiry: t2 + 7200, at: t2, rules: rules)
        }
        try expectEqual(retried, .granted, "retry within the grace period")
        _ = expected.use(first, by: "web-app", rotatingTo: third, accessTokenExpiry: t2 + 7200, at: t2, rules: rules)
        let stored = try require(try await store.family(id)?.family, "family missing")
        try expectEqual(stored, expected, "after the retry")
        try expectEqual(stored.previous?.retried, true, "the retry is remembered")

        let wrong = try await store.updateFamily(id) {
            $0?.use(third, by: "other-app", rotatingTo: first, accessTokenExpiry: nil, at: t2, rules: rules)
        }
        try expectEqual(wrong, .wrongClient, "another client")
        try expectEqual(try await store.family(id)?.family, expected, "another client changes nothing")

        let replay = try await store.updateFamily(id) {
            $0?.use(second, by: "web-app", rotatingTo: first, accessTokenExpiry: nil, at: t2 + 1, rules: rules)
        }
        try expectEqual(replay, .replayed, "a stale generation")
        try expectEqual(try await store.family(id)?.family.state, .revoked(at: t2 + 1), "a replay revokes the family")
    }

    /// 50 tasks race to create one family or revoke it: exactly one sees it absent, and the
    /// revocations that follow the creation are all kept (the exchange-versus-replay race).
    public static func familyCreatedOnce(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let family = Records.family()
        let now = Records.t0 + 1
        let creations = try await Records.race(50) {
            try await store.updateFamily(family.id) { existing -> Bool in
                guard existing == nil else {
                    existing?.revoke(at: now)
                    return false
                }
                existing = family
                return true
            }
        }
        try expectEqual(creations.filter { $0 }.count, 1, "transitions that saw no family")
        try expectEqual(try await store.family(family.id)?.family.state, .revoked(at: now), "final state")
    }

    /// Concurrent transitions on one family all take effect, one after another: each of 40 adds a
    /// resource of its own, and the family ends with every one (no lost update).
    public static func familyUpdatesSerialize(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let family = Records.family(resources: [])
        _ = try await store.updateFamily(family.id) { $0 = family }
        let added = try await Records.race(40) {
            let resource = try require(
                ResourceIdentifier(rawValue: "https://api.example.com/\(UUID().uuidString)"), "a resource identifier")
            let count = try await store.updateFamily(family.id) { current -> Int in
                guard let stored = current else { return -1 }
                current = Records.family(
                    family.id, authorization: family.authorization, resources: stored.resources.union([resource]))
                return stored.resources.count
            }
            return (resource, count)
        }
        let stored = try require(try await store.family(family.id)?.family, "family missing")
        try expectEqual(stored.resources.count, 40, "resources after 40 concurrent additions")
        try expect(added.allSatisfy { stored.resources.contains($0.0) }, "every addition kept")
        try expectEqual(Set(added.map(\.1)), Set(0..<40), "each transition kept saw a different count")
    }
}
