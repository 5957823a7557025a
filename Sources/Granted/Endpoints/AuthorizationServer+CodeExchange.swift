import Foundation

/// `grant_type=authorization_code` at the token endpoint (RFC 6749 §4.1.3, §4.1.4).
extension AuthorizationServer {
    func exchangeCode(_ client: Client, form: FormParameters, now: Date) async throws(OAuthError) -> TokenResponse {
        guard let code = try form.single("code") else { throw .invalidRequest("code is required") }
        let redirectURI = try form.single("redirect_uri")
        let verifier = try form.single("code_verifier")
        let clientID = client.id
        let outcome = try await seam {
            try await store.updateCode(at: SHA256.hash(code)) { stored in
                AuthorizationCodeGrant.redeem(
                    &stored, client: clientID, redirectURI: redirectURI, verifier: verifier, at: now)
            }
        }
        switch outcome {
        case nil:
            throw .invalidGrant("the code is invalid")
        case .refused(let reason)?:
            throw .invalidGrant(reason)
        case .replayed(let code)?:
            // §4.1.2: deny, and revoke every token the first redemption issued.
            try await revokeFamily(of: code, now: now)
            throw .invalidGrant("the code was already used")
        case .granted(let code)?:
            return try await issueTokens(for: code, client: client, now: now)
        }
    }

    /// The tokens of a redeemed code: an access token, a refresh token when policy says so, and
    /// an ID token for an OpenID Connect request.
    private func issueTokens(for code: AuthorizationCode, client: Client, now: Date) async throws(OAuthError) -> TokenResponse {
        let authorizationID = code.authorization
        let authorization = try await seam { try await store.authorization(authorizationID) }
        guard let authorization, authorization.isActive else {
            throw .invalidGrant("the user revoked this authorization")
        }
        let refresh = policy.issuesRefreshTokens && client.allows(.refreshToken)
            ? random.mintSecret(prefix: policy.refreshTokenPrefix) : nil
        let accessExpiry = policy.accessTokenExpiry(from: now)
        let family = RefreshFamily(
            id: code.family, client: client.id, subject: code.subject, scopes: code.scopes,
            authorization: code.authorization, authTime: code.authTime, createdAt: now,
            expiresAt: policy.refreshTokenLifetime.map { now + $0 }, current: refresh?.digest,
            accessTokensExpireBy: accessExpiry)
        // A replay that raced this redemption may have left the family revoked already: then it
        // stays revoked and the tokens below are born dead, exactly as if the replay had come
        // after them (§4.1.2). The answer does not depend on the interleaving.
        try await seam {
            try await store.updateFamily(family.id) { existing in
                if existing == nil { existing = family }
            }
        }
        // The family first, then its refresh token's index entry: housekeeping never sees an
        // entry whose family is not there yet (it would purge it as an orphan).
        if let refresh {
            try await seam { try await store.insertRefreshToken(at: refresh.digest, family: family.id) }
        }
        let issued = try await issueAccessToken(
            client: client.id, subject: code.subject, scopes: code.scopes, family: family.id,
            authorization: code.authorization, now: now)
        var idToken: String?
        if code.scopes.contains(.openid) {
            idToken = try await self.idToken(
                client: client.id, subject: code.subject, nonce: code.nonce, authTime: code.authTime,
                scopes: code.scopes, accessToken: issued.value, code: nil, now: now)
        }
        return TokenResponse(
            accessToken: issued.value, expiresIn: TokenResponse.expiresIn(issued.expiry, from: now),
            scopes: code.scopes, refreshToken: refresh?.value, idToken: idToken)
    }

    /// Revokes the family a replayed code's redemption created, or leaves a revoked one in its
    /// place if the redemption has not stored it yet.
    private func revokeFamily(of code: AuthorizationCode, now: Date) async throws(OAuthError) {
        let tombstone = RefreshFamily(
            id: code.family, client: code.client, subject: code.subject, scopes: code.scopes,
            authorization: code.authorization, authTime: code.authTime, createdAt: now, expiresAt: now,
            current: nil, accessTokensExpireBy: now, state: .revoked(at: now))
        try await seam {
            try await store.updateFamily(code.family) { family in
                if family == nil { family = tombstone } else { family?.revoke(at: now) }
            }
        }
    }
}
