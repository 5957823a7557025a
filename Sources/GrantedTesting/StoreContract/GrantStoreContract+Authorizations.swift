import Foundation
import Granted

/// User authorizations: at most one active per user and client, found by that pair; revoked
/// ones stay listed until housekeeping removes them.
extension GrantStoreContract {
    /// Creating, approving more and revoking the pair's authorization; after a revocation the
    /// pair has none, and the next approval creates a new one beside the revoked one.
    public static func authorizationUpsert(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let first = Records.authorization(scopes: [.openid])
        let none = try await store.updateAuthorization(subject: "alice", client: "web-app") { $0 }
        try expect(none == nil, "no authorization before the first approval")
        try await Records.store(first, in: store)
        try expectEqual(try await store.authorization(first.id), first, "created")

        try await store.updateAuthorization(subject: "alice", client: "web-app") { $0?.approve([.email], at: t0 + 1) }
        let approved = try require(try await store.authorization(first.id), "authorization missing")
        try expectEqual(approved.scopes, [.email, .openid], "scopes add up")
        try expectEqual(approved.updatedAt, t0 + 1, "updatedAt")
        try expectEqual(approved.createdAt, t0, "createdAt")

        let other = Records.authorization(client: "other-app", at: t0 + 2)
        try await Records.store(other, in: store)
        let bobs = Records.authorization(subject: "bob", at: t0 + 3)
        try await Records.store(bobs, in: store)
        let active = try await store.updateAuthorization(subject: "alice", client: "web-app") { $0?.id }
        try expectEqual(active, first.id, "another client's or user's authorization is separate")

        try expectEqual(try await store.updateAuthorization(first.id) { $0.revoke(at: t0 + 4) }, true, "revoke")
        let afterRevoke = try await store.updateAuthorization(subject: "alice", client: "web-app") { $0 }
        try expect(afterRevoke == nil, "a revoked authorization is not the pair's active one")

        let second = Records.authorization(scopes: [.profile], at: t0 + 5)
        let created = try await store.updateAuthorization(subject: "alice", client: "web-app") { current -> Bool in
            guard current == nil else { return false }
            current = second
            return true
        }
        try expect(created, "a new active authorization after the revocation")
        try expectEqual(
            try await store.updateAuthorization(subject: "alice", client: "web-app") { $0?.id }, second.id,
            "the new one is the pair's active one")
        try expectEqual(try await store.authorization(first.id)?.state, .revoked(at: t0 + 4), "the old one is kept")
        try expectEqual(
            try await store.authorizations(of: "alice").map(\.id), [first.id, other.id, second.id], "oldest first")
        try expectEqual(try await store.authorizations(of: "bob"), [bobs], "bob's")
        try expectEqual(try await store.authorizations(of: "carol"), [], "nobody's")
    }

    /// By id: a transition changes the stored authorization; an unknown id answers nil.
    /// Revoking through the pair frees it.
    public static func authorizationByID(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let authorization = Records.authorization()
        try await Records.store(authorization, in: store)
        try expectEqual(try await store.updateAuthorization(authorization.id) { $0.subject }, "alice", "read by id")
        try await store.updateAuthorization(authorization.id) { $0.approve([.phone], at: t0 + 1) }
        try expectEqual(try await store.authorization(authorization.id)?.scopes, [.openid, .phone], "approved by id")
        let unknown = AuthorizationID(uuid: UUID())
        try expect(try await store.updateAuthorization(unknown) { $0.revoke(at: t0) } == nil, "an unknown id")
        try expect(try await store.authorization(unknown) == nil, "an unknown id is not created")

        let revoked = try await store.updateAuthorization(subject: "alice", client: "web-app") {
            $0?.revoke(at: t0 + 2) ?? false
        }
        try expect(revoked, "revoked through the pair")
        try expectEqual(try await store.authorization(authorization.id)?.state, .revoked(at: t0 + 2), "kept revoked")
        try expectEqual(try await store.authorization(authorization.id)?.updatedAt, t0 + 2, "revocation updates")
        let active = try await store.updateAuthorization(subject: "alice", client: "web-app") { $0 }
        try expect(active == nil, "the pair has no active authorization")
    }

    /// 50 approvals of one pair at once, as the authorization endpoint makes them: one creates the
    /// authorization, the others add to it, and all answer its id.
    public static func authorizationCreatedOnce(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let now = Records.t0
        let ids = try await Records.race(50) {
            let candidate = Records.authorization(scopes: [.openid])
            return try await store.updateAuthorization(subject: "alice", client: "web-app") { current in
                if var existing = current {
                    existing.approve([.email], at: now)
                    current = existing
                    return existing.id
                }
                current = candidate
                return candidate.id
            }
        }
        try expectEqual(Set(ids).count, 1, "distinct ids answered")
        let stored = try await store.authorizations(of: "alice")
        try expectEqual(stored.map(\.id), [ids[0]], "one authorization")
        try expectEqual(stored.first?.scopes, [.email, .openid], "the later approvals added to it")
    }
}
