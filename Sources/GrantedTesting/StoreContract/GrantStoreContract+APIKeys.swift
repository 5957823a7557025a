import Foundation
import Granted

/// Per-user API keys: found by digest, listed by user, revoked by id.
extension GrantStoreContract {
    public static func apiKeys(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let first = Records.apiKey(name: "laptop", createdAt: t0)
        let second = Records.apiKey(name: "ci", createdAt: t0 + 10)
        let other = Records.apiKey(subject: "bob", name: "script", createdAt: t0)
        try await store.insert(second, at: Records.digest("gak_2"))
        try await store.insert(first, at: Records.digest("gak_1"))
        try await store.insert(other, at: Records.digest("gak_3"))
        try expectEqual(try await store.apiKey(at: Records.digest("gak_1")), first, "by digest")
        try expect(try await store.apiKey(at: Records.digest("gak_4")) == nil, "an unknown digest")
        try expectEqual(try await store.apiKeys(of: "alice").map(\.id), [first.id, second.id], "alice's, oldest first")
        try expectEqual(try await store.apiKeys(of: "bob"), [other], "bob's")
        try expectEqual(try await store.apiKeys(of: "carol"), [], "nobody's")

        let now = t0 + 20
        try expectEqual(try await store.updateAPIKey(first.id) { $0.revoke(at: now) }, true, "revoke")
        try expectEqual(try await store.updateAPIKey(first.id) { $0.revoke(at: now + 1) }, false, "revoke again")
        try expectEqual(try await store.apiKey(at: Records.digest("gak_1"))?.state, .revoked(at: now), "kept revoked")
        try expectEqual(
            try await store.apiKeys(of: "alice").map(\.isActive), [false, true], "revoked keys are still listed")
        try expect(
            try await store.updateAPIKey(APIKeyID(uuid: UUID())) { $0.revoke(at: now) } == nil, "an unknown id")
    }

    /// Inserting a key at a digest that is already stored keeps the stored key, whatever the new
    /// one says: re-importing a fixture's key never revives a revoked one nor moves it to another
    /// user (outside review 9).
    public static func apiKeyReimportKeepsStored(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let digest = Records.digest("gak_fixture")
        let original = Records.apiKey(name: "fixtures", createdAt: t0)
        try await store.insert(original, at: digest)
        _ = try await store.updateAPIKey(original.id) { $0.revoke(at: t0 + 1) }
        let again = Records.apiKey(name: "fixtures", createdAt: t0 + 2)
        try await store.insert(again, at: digest)
        let other = Records.apiKey(subject: "bob", name: "stolen", createdAt: t0 + 3)
        try await store.insert(other, at: digest)
        let stored = try await store.apiKey(at: digest)
        try expectEqual(stored?.id, original.id, "the first key is kept")
        try expectEqual(stored?.state, .revoked(at: t0 + 1), "it stays revoked")
        try expectEqual(stored?.subject, original.subject, "it keeps its user")
        try expectEqual(try await store.apiKeys(of: "alice").map(\.id), [original.id], "one key for alice")
        try expectEqual(try await store.apiKeys(of: "bob"), [], "none for bob")
        try expect(
            try await store.updateAPIKey(again.id) { $0.revoke(at: t0 + 4) } == nil, "the refused key has no id")
    }
}
