import Foundation
import Granted

/// One-time uses (`GrantStore.insertOnce`): a client assertion's `jti` (RFC 7523 §3), later a
/// DPoP proof's (RFC 9449 §11.1).
extension GrantStoreContract {
    /// The first insert of a digest answers true, every later one false until purge deletes it;
    /// other digests are independent.
    public static func oneTimeUse(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let first = Records.digest("jti-1")
        try expect(try await store.insertOnce(first, expiresAt: t0 + 60), "a fresh digest is inserted")
        try expect(!(try await store.insertOnce(first, expiresAt: t0 + 60)), "the same digest again")
        try expect(!(try await store.insertOnce(first, expiresAt: t0 + 600)), "again, with a later expiry")
        try expect(try await store.insertOnce(Records.digest("jti-2"), expiresAt: t0 + 60), "another digest")
    }

    /// Of 50 concurrent inserts of one digest, exactly one answers true.
    public static func oneTimeUseOnce(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let digest = Records.digest("jti-concurrent")
        let expiresAt = Records.t0 + 60
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 { group.addTask { try await store.insertOnce(digest, expiresAt: expiresAt) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try expectEqual(accepted, 1, "concurrent inserts of one digest that answered true")
    }

    /// Purge deletes a one-time use whose expiry is strictly before the cutoff, and counts it;
    /// afterwards the digest can be inserted again.
    public static func purgeOneTimeUses(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let early = Records.digest("jti-early")
        let atCutoff = Records.digest("jti-at-cutoff")
        let late = Records.digest("jti-late")
        _ = try await store.insertOnce(early, expiresAt: t0 + 10)
        _ = try await store.insertOnce(atCutoff, expiresAt: t0 + 20)
        _ = try await store.insertOnce(late, expiresAt: t0 + 30)
        try expectEqual(try await store.purge(before: t0 + 20), 1, "records purged")
        try expectEqual(try await store.purge(before: t0 + 20), 0, "a second purge")
        try expect(try await store.insertOnce(early, expiresAt: t0 + 40), "a purged digest is free again")
        try expect(!(try await store.insertOnce(atCutoff, expiresAt: t0 + 40)), "expiring at the cutoff stays")
        try expect(!(try await store.insertOnce(late, expiresAt: t0 + 40)), "a later one stays")
    }
}
