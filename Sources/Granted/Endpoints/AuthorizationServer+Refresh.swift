import Foundation

/// `grant_type=refresh_token` (RFC 6749 §6; RFC 9700 §4.14.2): the stored state the grant needs.
extension AuthorizationServer {
    /// Reads the family, checks the request, rotates atomically.
    func refreshPlan(
        _ request: RefreshTokenGrant.Request, client: Client, resources: Audience?, boundKey: String? = nil,
        now: Date
    ) async throws(OAuthError) -> TokenPlan {
        let digest = SHA256.hash(request.refreshToken)
        guard let familyID = try await seam({ try await store.familyID(forRefreshToken: digest) }),
            let (family, authorization) = try await seam({ try await store.family(familyID) })
        else { throw .invalidGrant("the refresh token is invalid") }
        try RefreshTokenGrant.checkKey(of: family, presented: boundKey)
        let scopes = try RefreshTokenGrant.scopes(
            for: request, family: family, authorization: authorization, client: client)
        let target = try RefreshTokenGrant.audience(
            requested: resources, family: family, scopes: scopes, policy: policy)
        let rules = policy.refreshRules(for: client)
        let next = try await issuing.rotatedRefreshToken(
            following: request.refreshToken, for: familyID, recorded: rules.rotate)
        let accessExpiry = policy.accessTokenExpiry(from: now)
        let clientID = client.id
        let use = try await seam {
            try await store.updateFamily(familyID) { family in
                RefreshTokenGrant.use(
                    &family, presented: digest, client: clientID, rotatingTo: next.digest,
                    accessTokenExpiry: accessExpiry, at: now, rules: rules)
            }
        }
        return try RefreshTokenGrant.plan(
            after: use, family: family, scopes: target.scopes, audience: target.audience,
            rotatedTo: rules.rotate ? next.value : nil)
    }
}
