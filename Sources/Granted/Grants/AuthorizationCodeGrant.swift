import Foundation

/// The authorization code grant at the token endpoint (RFC 6749 §4.1.3, §4.1.4; RFC 7636 §4.6):
/// the redemption as one pure transition the store applies atomically, then the plan of what
/// the redeemed code issues.
enum AuthorizationCodeGrant {
    /// The token request's parameters (§4.1.3).
    struct Request: Sendable, Hashable {
        let code: String
        let redirectURI: String?
        let verifier: String?

        init(code: String, redirectURI: String? = nil, verifier: String? = nil) {
            self.code = code
            self.redirectURI = redirectURI
            self.verifier = verifier
        }

        /// - Throws: `invalidRequest` for a missing or repeated parameter (§3.2).
        init(_ form: FormParameters) throws(OAuthError) {
            guard let code = try form.single("code") else { throw .invalidRequest("code is required") }
            self.code = code
            redirectURI = try form.single("redirect_uri")
            verifier = try form.single("code_verifier")
        }
    }

    enum Outcome: Sendable, Hashable {
        case granted(AuthorizationCode)
        /// §4.1.2, §10.5: the code was already redeemed; what it issued must be revoked.
        case replayed(AuthorizationCode)
        case refused(String)
        /// RFC 8707 §2.2: a `resource` the code was not issued for; the code is left unused.
        case wrongTarget
        /// RFC 9449 §10: the code was bound to a key (`dpop_jkt`) the request's proof is not of;
        /// the code is left unused.
        case wrongKey
    }

    /// Checks the binding (client, redirect URI, PKCE), then redeems. A check that fails leaves
    /// the code as it was, so a forged request cannot burn a legitimate client's code.
    static func redeem(
        _ code: inout AuthorizationCode, client: ClientID, redirectURI: String?, verifier: String?,
        resources: Audience? = nil, keyThumbprint: String? = nil, at now: Date
    ) -> Outcome {
        guard code.client == client else { return .refused("the code was issued to another client") }
        if case .redeemed = code.state {
            _ = code.redeem(at: now)
            return .replayed(code)
        }
        if let bound = code.redirectURI, bound != redirectURI {
            return .refused("redirect_uri does not match the authorization request")
        }
        switch (code.challenge, verifier) {
        case (let challenge?, let verifier?):
            guard PKCE.verify(verifier, against: challenge) else {
                return .refused("code_verifier does not match the code challenge")
            }
        case (.some, nil):
            return .refused("code_verifier is required")
        case (nil, .some):
            // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade.
            return .refused("code_verifier was sent but no code_challenge was")
        case (nil, nil):
            break
        }
        if let resources, !resources.isSubset(of: code.resources) { return .wrongTarget }
        if let bound = code.keyThumbprint, bound != keyThumbprint { return .wrongKey }
        switch code.redeem(at: now) {
        case .granted: return .granted(code)
        case .expired: return .refused("the code has expired")
        case .revoked: return .refused("the code was revoked")
        case .replayed: return .replayed(code)
        }
    }

    /// What a redeemed code issues (§4.1.4): an access token in a new family, a refresh token
    /// when the policy and the client allow it, and an ID token for an OpenID Connect request.
    /// - Parameters:
    ///   - authorization: the user authorization the code hangs from, as stored now.
    ///   - resources: the token request's `resource` parameters, already checked by `redeem` to
    ///     be within the code's (RFC 8707 §2.2); nil: all of them.
    /// - Throws: `invalidGrant` when the user revoked it after the code was issued.
    static func plan(
        for code: AuthorizationCode, client: Client, authorization: UserAuthorization?,
        resources: Audience? = nil, policy: Policy, now: Date
    ) throws(OAuthError) -> TokenPlan {
        guard let authorization, authorization.isActive else {
            throw .invalidGrant("the user revoked this authorization")
        }
        let audience = try ResourceRules.narrow(code.resources, to: resources)
        let start = FamilyStart(
            id: code.family, authTime: code.authTime,
            expiresAt: policy.refreshTokenLifetime.map { now + $0 },
            issuesRefreshToken: policy.issuesRefreshTokens && client.allows(.refreshToken),
            scopes: code.scopes, resources: code.resources, sessionID: code.sessionID)
        return TokenPlan(
            client: client.id, subject: code.subject,
            scopes: try ResourceRules.scopes(code.scopes, for: audience, policy: policy), audience: audience,
            authorization: code.authorization, authTime: code.authTime, family: .start(start), idToken: OpenIDConnectRules.idToken(for: code))
    }

    /// The family a replayed code's redemption created, revoked (§4.1.2): stored in its place
    /// when the redemption has not stored it yet, so the tokens it is about to issue are born dead.
    static func revokedFamily(of code: AuthorizationCode, at now: Date) -> RefreshFamily {
        RefreshFamily(
            id: code.family, client: code.client, subject: code.subject, scopes: code.scopes,
            authorization: code.authorization, authTime: code.authTime, createdAt: now, expiresAt: now,
            current: nil, accessTokensExpireBy: now, state: .revoked(at: now), resources: code.resources,
            sessionID: code.sessionID)
    }
}
