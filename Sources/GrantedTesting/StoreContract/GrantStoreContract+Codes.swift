import Foundation
import Granted

/// Authorization codes: one transition at a time, so a code is redeemed once (RFC 6749 §4.1.2).
extension GrantStoreContract {
    /// A code comes back with every field, optional ones present or nil, its resources whole or
    /// empty (RFC 8707 §2.1).
    public static func codeRoundTrip(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let full = Records.code()
        let plain = Records.plainCode()
        try await store.insert(full, at: Records.digest("gac_full"))
        try await store.insert(plain, at: Records.digest("gac_plain"))
        try expectEqual(try await store.updateCode(at: Records.digest("gac_full")) { $0 }, full, "full code")
        try expectEqual(try await store.updateCode(at: Records.digest("gac_plain")) { $0 }, plain, "plain code")
        try expect(
            try await store.updateCode(at: Records.digest("gac_other")) { $0 } == nil, "an unknown code answers nil")
    }

    /// Each transition's change is kept, and reported: granted, replayed, expired, revoked; what it
    /// did not change is kept too.
    public static func codeTransitions(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let redeemed = Records.digest("gac_redeemed")
        let expired = Records.digest("gac_expired")
        let revoked = Records.digest("gac_revoked")
        var expected = Records.code()
        try await store.insert(expected, at: redeemed)
        for digest in [expired, revoked] { try await store.insert(Records.code(), at: digest) }
        let t0 = Records.t0

        try expectEqual(try await store.updateCode(at: redeemed) { $0.redeem(at: t0 + 1) }, .granted, "first use")
        try expectEqual(try await store.updateCode(at: redeemed) { $0.state }, .redeemed(at: t0 + 1), "kept redeemed")
        _ = expected.redeem(at: t0 + 1)
        try expectEqual(try await store.updateCode(at: redeemed) { $0 }, expected, "the rest of the code kept")
        try expectEqual(try await store.updateCode(at: redeemed) { $0.redeem(at: t0 + 2) }, .replayed, "second use")

        try expectEqual(try await store.updateCode(at: expired) { $0.redeem(at: t0 + 30) }, .expired, "at expiry")
        try expectEqual(
            try await store.updateCode(at: expired) { $0.state }, .issued(expiresAt: t0 + 30), "expiry changes nothing")

        try await store.updateCode(at: revoked) { $0.revoke(at: t0 + 3) }
        try expectEqual(try await store.updateCode(at: revoked) { $0.state }, .revoked(at: t0 + 3), "kept revoked")
        try expectEqual(try await store.updateCode(at: revoked) { $0.redeem(at: t0 + 4) }, .revoked, "revoked code")
    }

    /// A code redeemed by 100 tasks at once is granted exactly once; the rest are replays.
    public static func codeRedeemedOnce(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let digest = Records.digest("gac_raced")
        try await store.insert(Records.code(), at: digest)
        let now = Records.t0 + 1
        let outcomes = try await Records.race(100) { try await store.updateCode(at: digest) { $0.redeem(at: now) } }
        try expectEqual(outcomes.filter { $0 == .granted }.count, 1, "granted redemptions")
        try expectEqual(outcomes.filter { $0 == .replayed }.count, 99, "replayed redemptions")
        try expectEqual(try await store.updateCode(at: digest) { $0.state }, .redeemed(at: now), "final state")
    }
}
