import Foundation
import Granted

/// `purge(before:)` on records: it deletes what has been dead since before the cutoff, and what
/// hangs from a user authorization or refresh family it deletes; it keeps everything else.
extension GrantStoreContract {
    /// Expired, revoked and redeemed records go; live and never-expiring ones stay. Answers the count.
    public static func purgeDeadRecords(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        try await store.insert(Records.token(expiresIn: 60), at: Records.digest("gat_short"))
        try await store.insert(Records.token(expiresIn: 3600), at: Records.digest("gat_long"))
        try await store.insert(Records.token(expiresIn: nil), at: Records.digest("gat_forever"))
        try await store.insert(Records.token(expiresIn: nil), at: Records.digest("gat_revoked"))
        _ = try await store.updateAccessToken(at: Records.digest("gat_revoked")) { $0.revoke(at: t0 + 1) }
        try await store.insert(Records.code(lifetime: 30), at: Records.digest("gac_expired"))
        try await store.insert(Records.code(lifetime: 600), at: Records.digest("gac_redeemed"))
        _ = try await store.updateCode(at: Records.digest("gac_redeemed")) { $0.redeem(at: t0 + 2) }
        try await store.insert(Records.code(lifetime: 600), at: Records.digest("gac_live"))
        let revokedKey = Records.apiKey(name: "old")
        try await store.insert(revokedKey, at: Records.digest("gak_old"))
        _ = try await store.updateAPIKey(revokedKey.id) { $0.revoke(at: t0 + 3) }
        try await store.insert(Records.apiKey(name: "new"), at: Records.digest("gak_new"))

        try expectEqual(try await store.purge(before: t0 + 120), 5, "2 tokens, 2 codes, a key")
        for gone in ["gat_short", "gat_revoked"] {
            try expect(try await store.accessToken(at: Records.digest(gone)) == nil, "\(gone) is deleted")
        }
        for kept in ["gat_long", "gat_forever"] {
            try expect(try await store.accessToken(at: Records.digest(kept)) != nil, "\(kept) is kept")
        }
        for gone in ["gac_expired", "gac_redeemed"] {
            try expect(try await store.updateCode(at: Records.digest(gone)) { $0 } == nil, "\(gone) is deleted")
        }
        try expect(try await store.updateCode(at: Records.digest("gac_live")) { $0 } != nil, "the live code is kept")
        try expect(try await store.apiKey(at: Records.digest("gak_old")) == nil, "the revoked key is deleted")
        try expect(try await store.apiKey(at: Records.digest("gak_new")) != nil, "the active key is kept")
        try expectEqual(try await store.purge(before: t0 + 120), 0, "a second purge")
    }

    /// A revoked authorization goes with its family, its refresh tokens, its codes and every
    /// access token that hangs from it, though each of those is live by itself.
    public static func purgeCascadesFromAuthorization(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let revoked = Records.authorization()
        let kept = Records.authorization(subject: "bob")
        for authorization in [revoked, kept] {
            let name = authorization.subject.rawValue
            try await Records.store(authorization, in: store)
            let family = Records.family(authorization: authorization.id, accessTokensExpireBy: nil)
            try await store.updateFamily(family.id) { $0 = family }
            try await store.insertRefreshToken(at: Records.digest("grt_\(name)"), family: family.id)
            try await store.insert(
                Records.token(subject: authorization.subject, expiresIn: nil, family: family.id,
                    authorization: authorization.id),
                at: Records.digest("gat_family_\(name)"))
            try await store.insert(
                Records.token(subject: authorization.subject, expiresIn: nil, authorization: authorization.id),
                at: Records.digest("gat_implicit_\(name)"))
            try await store.insert(
                Records.code(lifetime: 3600, authorization: authorization.id), at: Records.digest("gac_\(name)"))
        }
        _ = try await store.updateAuthorization(revoked.id) { $0.revoke(at: t0 + 10) }

        try expectEqual(try await store.purge(before: t0 + 10), 0, "not dead before the cutoff")
        try expectEqual(try await store.purge(before: t0 + 11), 6, "authorization, family, refresh token, 2 tokens, code")
        try expect(try await store.authorization(revoked.id) == nil, "the revoked authorization is deleted")
        try expect(try await store.familyID(forRefreshToken: Records.digest("grt_alice")) == nil, "its refresh token")
        try expect(try await store.accessToken(at: Records.digest("gat_family_alice")) == nil, "its family's token")
        try expect(try await store.accessToken(at: Records.digest("gat_implicit_alice")) == nil, "its own token")
        try expect(try await store.updateCode(at: Records.digest("gac_alice")) { $0 } == nil, "its code")

        try expectEqual(try await store.authorization(kept.id), kept, "bob's authorization is kept")
        try expect(try await store.familyID(forRefreshToken: Records.digest("grt_bob")) != nil, "bob's refresh token")
        try expect(try await store.accessToken(at: Records.digest("gat_family_bob")) != nil, "bob's family token")
        try expect(try await store.accessToken(at: Records.digest("gat_implicit_bob")) != nil, "bob's token")
        try expect(try await store.updateCode(at: Records.digest("gac_bob")) { $0 } != nil, "bob's code")
    }

    /// A revoked family goes with its refresh tokens and access tokens; its authorization stays.
    /// A family whose refresh token never expires stays as long as it is not revoked.
    public static func purgeCascadesFromFamily(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let authorization = Records.authorization()
        try await Records.store(authorization, in: store)
        let revoked = Records.family(authorization: authorization.id, accessTokensExpireBy: nil)
        let live = Records.family(authorization: authorization.id, accessTokensExpireBy: t0 + 60)
        for (family, name) in [(revoked, "revoked"), (live, "live")] {
            try await store.updateFamily(family.id) { $0 = family }
            try await store.insertRefreshToken(at: Records.digest("grt_\(name)_1"), family: family.id)
            try await store.insertRefreshToken(at: Records.digest("grt_\(name)_2"), family: family.id)
            try await store.insert(
                Records.token(subject: "alice", expiresIn: nil, family: family.id, authorization: authorization.id),
                at: Records.digest("gat_\(name)"))
        }
        _ = try await store.updateFamily(revoked.id) { $0?.revoke(at: t0 + 5) }

        try expectEqual(try await store.purge(before: t0 + 86_400), 4, "family, 2 refresh tokens, its token")
        try expect(try await store.family(revoked.id) == nil, "the revoked family is deleted")
        for name in ["grt_revoked_1", "grt_revoked_2"] {
            try expect(try await store.familyID(forRefreshToken: Records.digest(name)) == nil, "\(name) is deleted")
        }
        try expect(try await store.accessToken(at: Records.digest("gat_revoked")) == nil, "its token is deleted")
        try expectEqual(try await store.family(live.id)?.family, live, "the live family is kept")
        try expect(try await store.familyID(forRefreshToken: Records.digest("grt_live_2")) != nil, "its refresh token")
        try expect(try await store.accessToken(at: Records.digest("gat_live")) != nil, "its token")
        try expectEqual(try await store.authorization(authorization.id), authorization, "the authorization is kept")
    }

    /// A record dead exactly at the cutoff is kept; one second later it goes.
    public static func purgeCutoffIsExclusive(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        try await store.insert(Records.token(expiresIn: 60), at: Records.digest("gat_token"))
        try await store.insert(Records.code(lifetime: 60), at: Records.digest("gac_code"))
        let authorization = Records.authorization()
        try await Records.store(authorization, in: store)
        _ = try await store.updateAuthorization(authorization.id) { $0.revoke(at: t0 + 60) }
        let key = Records.apiKey()
        try await store.insert(key, at: Records.digest("gak_key"))
        _ = try await store.updateAPIKey(key.id) { $0.revoke(at: t0 + 60) }
        let family = Records.family(current: nil, accessTokensExpireBy: t0 + 60)
        try await store.updateFamily(family.id) { $0 = family }

        try expectEqual(try await store.purge(before: t0 + 60), 0, "dead exactly at the cutoff")
        try expectEqual(try await store.purge(before: t0 + 61), 5, "token, code, authorization, key, family")
    }
}
