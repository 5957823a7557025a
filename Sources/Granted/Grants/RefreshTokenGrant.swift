import Foundation

/// The refresh token grant (RFC 6749 §6; RFC 9700 §4.14.2): a checked request against the stored
/// family, the rotation as one pure transition, and the plan of what a granted use issues.
enum RefreshTokenGrant {
    /// The token request's parameters (§6).
    struct Request: Sendable, Hashable {
        let refreshToken: String
        let scope: String?

        init(refreshToken: String, scope: String? = nil) {
            self.refreshToken = refreshToken
            self.scope = scope
        }

        /// - Throws: `invalidRequest` for a missing or repeated parameter (§3.2).
        init(_ form: FormParameters) throws(OAuthError) {
            guard let token = try form.single("refresh_token") else {
                throw .invalidRequest("refresh_token is required")
            }
            refreshToken = token
            scope = try form.single("scope")
        }
    }

    /// Checks the request against the family as read before the rotation: bound to the client
    /// it was issued to, under a live user authorization, and for the same or a narrower scope.
    /// - Returns: the scopes to issue.
    /// - Throws: `invalidGrant` (§5.2) or `invalidScope` (§6: never wider than the original grant).
    static func scopes(
        for request: Request, family: RefreshFamily, authorization: UserAuthorization?, client: Client
    ) throws(OAuthError) -> ScopeSet {
        guard family.client == client.id else { throw .invalidGrant("the refresh token is invalid") }
        guard let authorization, authorization.isActive else {
            throw .invalidGrant("the user revoked this authorization")
        }
        guard let requested = request.scope else { return family.scopes }
        let scopes = try ScopeSet.parse(requested)
        guard scopes.isSubset(of: family.scopes) else {
            throw .invalidScope("the requested scope exceeds the original grant")
        }
        return scopes
    }

    /// RFC 9449 §5: a family bound to a key (a public client's, started with a DPoP proof)
    /// refreshes only with a proof of that key; checked before the rotation, so a refused
    /// request changes nothing. - Throws: `invalidDPoPProof`.
    static func checkKey(of family: RefreshFamily, presented: String?) throws(OAuthError) {
        guard let bound = family.keyThumbprint else { return }
        guard presented == bound else { throw .invalidDPoPProof("the refresh token is bound to another DPoP key") }
    }

    /// The rotation, applied by the store atomically to the family as it is now: a family that
    /// is gone counts as revoked.
    static func use(
        _ family: inout RefreshFamily?, presented: Digest256, client: ClientID, rotatingTo next: Digest256,
        accessTokenExpiry: Date?, at now: Date, rules: RefreshFamily.Rules
    ) -> RefreshFamily.Use {
        guard family != nil else { return .revoked }
        return family?.use(
            presented, by: client, rotatingTo: next, accessTokenExpiry: accessTokenExpiry, at: now, rules: rules)
            ?? .revoked
    }

    /// The audience of the new access token and the scopes it carries there (RFC 8707 §2.2): the
    /// family's resources, or the subset the request names; checked before anything is written.
    /// - Throws: `invalidTarget` for a resource the family was not granted, `invalidScope` when
    ///   none of `scopes` is accepted there.
    static func audience(
        requested: Audience?, family: RefreshFamily, scopes: ScopeSet, policy: Policy
    ) throws(OAuthError) -> (audience: Audience, scopes: ScopeSet) {
        let audience = try ResourceRules.narrow(family.resources, to: requested)
        return (audience, try ResourceRules.scopes(scopes, for: audience, policy: policy))
    }

    /// What a use issues: a granted one a new access token (and ID token for `openid`, Core
    /// §12.2: keeps `sub` and `auth_time`, no nonce) in the same family; the others an error.
    /// - Parameter rotatedTo: the new refresh token when the family rotates.
    /// - Throws: `invalidGrant` for every use but `granted`.
    static func plan(
        after use: RefreshFamily.Use, family: RefreshFamily, scopes: ScopeSet, audience: Audience,
        rotatedTo: String?
    ) throws(OAuthError) -> TokenPlan {
        switch use {
        case .granted: break
        case .expired: throw .invalidGrant("the refresh token has expired")
        case .revoked, .wrongClient: throw .invalidGrant("the refresh token is invalid")
        case .replayed: throw .invalidGrant("the refresh token was already used")
        }
        return TokenPlan(
            client: family.client, subject: family.subject, scopes: scopes, audience: audience,
            authorization: family.authorization, authTime: family.authTime,
            family: .continued(family.id, refreshToken: rotatedTo),
            idToken: scopes.contains(.openid) ? IDTokenPlan(nonce: nil, authTime: family.authTime, sessionID: family.sessionID) : nil)
    }
}
