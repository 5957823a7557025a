import Foundation
import Granted

/// Access tokens: stored under their digest, changed by one transition, read with their parents.
extension GrantStoreContract {
    /// An access token is found only under the digest it was stored at, with every field intact:
    /// its audience whole (RFC 8707 §2), and empty when it was stored empty.
    public static func accessTokenRoundTrip(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let appOnly = Records.token(audience: [])
        let userToken = Records.token(
            client: "web-app", subject: "alice", scopes: [.openid, .email, .profile], expiresIn: nil,
            family: FamilyID(uuid: UUID()), authorization: AuthorizationID(uuid: UUID()))
        try await store.insert(appOnly, at: Records.digest("gat_app"))
        try await store.insert(userToken, at: Records.digest("gat_user"))
        try expectEqual(try await store.accessToken(at: Records.digest("gat_app"))?.token, appOnly, "app-only token")
        let record = try require(try await store.accessToken(at: Records.digest("gat_user")), "user token missing")
        try expectEqual(record.token, userToken, "user token")
        try expect(record.family == nil && record.authorization == nil, "parents that were never stored are nil")
        try expect(try await store.accessToken(at: Records.digest("gat_other")) == nil, "unknown digest answers nil")
    }

    /// A transition changes the stored token and reports its outcome, and what it did not change
    /// is kept; a missing one answers nil.
    public static func accessTokenUpdate(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let digest = Records.digest("gat_one")
        var expected = Records.token()
        try await store.insert(expected, at: digest)
        let now = Records.t0 + 5
        try expectEqual(try await store.updateAccessToken(at: digest) { $0.revoke(at: now) }, true, "first revoke")
        try expectEqual(try await store.updateAccessToken(at: digest) { $0.revoke(at: now + 1) }, false, "second revoke")
        expected.revoke(at: now)
        try expectEqual(try await store.accessToken(at: digest)?.token, expected, "the token after revoke")
        try expectEqual(try await store.updateAccessToken(at: digest) { $0.state }, .revoked(at: now), "read-only transition")
        try expect(
            try await store.updateAccessToken(at: Records.digest("gat_two")) { $0.revoke(at: now) } == nil,
            "a missing token answers nil")
        try expect(try await store.accessToken(at: Records.digest("gat_two")) == nil, "a missing token is not created")
    }

    /// `accessToken(at:)` reads the token with its family and user authorization, as they are now,
    /// each with every field (the token's audience and the family's resources included).
    public static func accessTokenJoin(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let authorization = Records.authorization()
        let family = Records.family(authorization: authorization.id)
        try await Records.store(authorization, in: store)
        try await store.updateFamily(family.id) { $0 = family }
        let token = Records.token(
            client: "web-app", subject: "alice", expiresIn: 3600, family: family.id, authorization: authorization.id)
        let digest = Records.digest("gat_joined")
        try await store.insert(token, at: digest)
        let now = Records.t0 + 1

        var record = try require(try await store.accessToken(at: digest), "token missing")
        try expectEqual(record, AccessTokenRecord(token: token, family: family, authorization: authorization), "joined")
        try expect(record.isActive(at: now), "token, family and authorization are live")

        _ = try await store.updateFamily(family.id) { $0?.revoke(at: now) }
        record = try require(try await store.accessToken(at: digest), "token missing")
        try expectEqual(record.family?.state, .revoked(at: now), "the family as it is now")
        try expect(!record.isActive(at: now), "a revoked family ends its tokens")

        let other = Records.authorization(client: "other-app")
        try await Records.store(other, in: store)
        let implicitDigest = Records.digest("gat_implicit")
        try await store.insert(
            Records.token(client: "other-app", subject: "alice", authorization: other.id), at: implicitDigest)
        try expectEqual(
            try await store.accessToken(at: implicitDigest)?.authorization, other, "authorization without a family")
        _ = try await store.updateAuthorization(other.id) { $0.revoke(at: now) }
        record = try require(try await store.accessToken(at: implicitDigest), "token missing")
        try expect(record.family == nil, "no family")
        try expect(!record.isActive(at: now), "a revoked authorization ends its tokens")

        let orphan = Records.digest("gat_orphan")
        try await store.insert(Records.token(family: FamilyID(uuid: UUID())), at: orphan)
        record = try require(try await store.accessToken(at: orphan), "token missing")
        try expect(record.family == nil && !record.isActive(at: now), "a family the store lacks counts as revoked")
    }

    /// Concurrent transitions on one token all take effect, one after another: each of 40 adds a
    /// scope of its own, and the token ends with every one. A store that wrote back what it read
    /// before another call's write (a lost update) would drop some.
    public static func accessTokenUpdatesSerialize(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let digest = Records.digest("gat_serialized")
        try await store.insert(Records.token(), at: digest)
        let added = try await Records.race(40) {
            let scope = Scope(rawValue: "s-\(UUID().uuidString)")
            let seen = try await store.updateAccessToken(at: digest) { token in
                let count = token.scopes.count
                token = Records.token(scopes: ScopeSet(Array(token.scopes) + [scope]))
                return count
            }
            return (scope, try require(seen, "token missing"))
        }
        let token = try require(try await store.accessToken(at: digest), "token missing").token
        try expectEqual(token.scopes.count, 41, "scopes after 40 concurrent additions")
        try expect(added.allSatisfy { token.scopes.contains($0.0) }, "every addition kept")
        try expectEqual(Set(added.map(\.1)), Set(1...40), "each transition kept saw a different count")
        try expectEqual(token, Records.token(scopes: token.scopes), "the rest of the token kept")
    }
}
