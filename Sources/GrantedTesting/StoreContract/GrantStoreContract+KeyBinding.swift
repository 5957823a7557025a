import Foundation
import Granted

/// DPoP key bindings (RFC 9449 §5, §6, §10): the JWK thumbprint an access token, a refresh
/// family or a code is bound to, kept through every transition.
extension GrantStoreContract {
    /// A bound token, family and code come back with their thumbprint, an unbound one without;
    /// a revocation, a rotation and a redemption keep the binding.
    public static func keyBindingRoundTrip(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        let jkt = Records.thumbprint
        let bound = Records.token(keyThumbprint: jkt)
        let unbound = Records.token()
        try await store.insert(bound, at: Records.digest("gat_bound"))
        try await store.insert(unbound, at: Records.digest("gat_unbound"))
        try expectEqual(try await store.accessToken(at: Records.digest("gat_bound"))?.token, bound, "bound token")
        try expectEqual(try await store.accessToken(at: Records.digest("gat_unbound"))?.token, unbound, "unbound token")
        _ = try await store.updateAccessToken(at: Records.digest("gat_bound")) { $0.revoke(at: t0 + 1) }
        try expectEqual(
            try await store.accessToken(at: Records.digest("gat_bound"))?.token.keyThumbprint, jkt,
            "a revoked token keeps its binding")

        let code = Records.code(keyThumbprint: jkt)
        try await store.insert(code, at: Records.digest("gac_bound"))
        let redeemed = try await store.updateCode(at: Records.digest("gac_bound")) { stored -> AuthorizationCode in
            _ = stored.redeem(at: t0 + 1)
            return stored
        }
        try expectEqual(redeemed?.keyThumbprint, jkt, "a redeemed code keeps its dpop_jkt")
        try expectEqual(
            try await store.updateCode(at: Records.digest("gac_bound")) { $0 }, redeemed, "the redeemed code read back")

        let family = Records.family(keyThumbprint: jkt)
        try await store.updateFamily(family.id) { $0 = family }
        try expectEqual(try await store.family(family.id)?.family, family, "bound family")
        let rules = RefreshFamily.Rules(rotate: true)
        let use = try await store.updateFamily(family.id) { stored in
            stored?.use(
                Records.digest("grt_first"), by: family.client, rotatingTo: Records.digest("grt_second"),
                accessTokenExpiry: t0 + 7200, at: t0 + 2, rules: rules)
        }
        try expectEqual(use, .granted, "the rotation")
        try expectEqual(try await store.family(family.id)?.family.keyThumbprint, jkt, "a rotated family keeps its binding")
    }
}
