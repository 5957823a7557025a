import Foundation

/// `grant_type=refresh_token` at the token endpoint (RFC 6749 §6; RFC 9700 §4.14.2).
extension AuthorizationServer {
    func refresh(_ client: Client, form: FormParameters, now: Date) async throws(OAuthError) -> TokenResponse {
        guard let presented = try form.single("refresh_token") else {
            throw .invalidRequest("refresh_token is required")
        }
        let digest = SHA256.hash(presented)
        guard let familyID = try await seam({ try await store.familyID(forRefreshToken: digest) }),
            let (family, authorization) = try await seam({ try await store.family(familyID) })
        else { throw .invalidGrant("the refresh token is invalid") }
        // §6: bound to the client it was issued to.
        guard family.client == client.id else { throw .invalidGrant("the refresh token is invalid") }
        guard let authorization, authorization.isActive else {
            throw .invalidGrant("the user revoked this authorization")
        }
        // §6: the same or a narrower scope, never wider.
        var scopes = family.scopes
        if let requested = try form.single("scope") {
            scopes = try ScopeSet.parse(requested)
            guard scopes.isSubset(of: family.scopes) else {
                throw .invalidScope("the requested scope exceeds the original grant")
            }
        }
        let rules = policy.refreshRules(for: client)
        // Derived, not random: a grace retry of `presented` answers the same next token as its
        // first use did, so two holders of it converge (RFC 9700 §4.14.2; outside review 11).
        let next = serverKey.refreshToken(following: presented, prefix: policy.refreshTokenPrefix)
        if rules.rotate {
            try await seam { try await store.insertRefreshToken(at: next.digest, family: familyID) }
        }
        let accessExpiry = policy.accessTokenExpiry(from: now)
        let clientID = client.id
        let use = try await seam {
            try await store.updateFamily(familyID) { family -> RefreshFamily.Use in
                guard family != nil else { return .revoked }
                return family?.use(
                    digest, by: clientID, rotatingTo: next.digest, accessTokenExpiry: accessExpiry,
                    at: now, rules: rules) ?? .revoked
            }
        }
        switch use {
        case .granted: break
        case .expired: throw .invalidGrant("the refresh token has expired")
        case .revoked, .wrongClient: throw .invalidGrant("the refresh token is invalid")
        case .replayed: throw .invalidGrant("the refresh token was already used")
        }
        let issued = try await issueAccessToken(
            client: client.id, subject: family.subject, scopes: scopes, family: familyID,
            authorization: family.authorization, now: now)
        var idToken: String?
        if scopes.contains(.openid) {
            // OpenID Connect Core §12.2: a refreshed ID token keeps sub, auth_time; no nonce.
            idToken = try await self.idToken(
                client: client.id, subject: family.subject, nonce: nil, authTime: family.authTime,
                scopes: scopes, accessToken: issued.value, code: nil, now: now)
        }
        return TokenResponse(
            accessToken: issued.value, expiresIn: TokenResponse.expiresIn(issued.expiry, from: now),
            scopes: scopes, refreshToken: rules.rotate ? next.value : nil, idToken: idToken)
    }
}
