import Foundation

/// The resource owner's decision (RFC 6749 §4.1.2, §4.2.2): the host signed the user in and asked
/// consent with its own UI; these answer the redirect back to the client.
extension AuthorizationServer {
    /// Issues what the request asked for (a code, tokens) for the approved scopes, records the
    /// user's authorization of the client, and redirects (303) to the client.
    /// - Parameters:
    ///   - scopes: what the user approved; nil approves everything asked. Only scopes asked for
    ///     count; when fewer than asked are approved, the response says so in `scope`.
    ///   - authTime: when the user last authenticated (OpenID Connect `auth_time`); too old for the
    ///     request's `prompt=login` or `max_age`, the answer is `login_required` (Core §3.1.2.1).
    public func approve(
        _ request: AuthorizationRequest, subject: Subject, scopes approved: ScopeSet? = nil,
        authTime: Date
    ) async -> OAuthResponse {
        var scopes = approved.map { $0.intersection(request.scopes) } ?? request.scopes
        // `openid` is not the user's to withhold: it is what makes this an OpenID Connect request.
        if request.isOpenIDConnect && !scopes.isEmpty { scopes = scopes.union([.openid]) }
        guard !scopes.isEmpty else { return deny(request) }
        let now = clock.now
        do {
            try ReauthenticationRules.check(request, authTime: authTime, now: now, policy: policy)
            let parameters = try await issueAuthorizationResponse(
                request, subject: subject, scopes: scopes, authTime: authTime, now: now)
            return AuthorizationResponse.redirect(
                to: request.redirectURI, mode: request.responseMode, parameters: parameters, issuer: issuer)
        } catch {
            return reject(request, with: error)
        }
    }

    /// The user said no: `access_denied` (§4.1.2.1).
    public func deny(_ request: AuthorizationRequest) -> OAuthResponse {
        reject(request, with: .accessDenied)
    }

    /// Sends an error the host decided on to the client, e.g. `login_required` for `prompt=none`
    /// without a session (OpenID Connect Core §3.1.2.6), with `state`.
    public func reject(_ request: AuthorizationRequest, with error: OAuthError) -> OAuthResponse {
        AuthorizationResponse.redirect(
            to: request.redirectURI, mode: request.responseMode,
            parameters: error.redirectParameters + [("state", request.state)], issuer: issuer)
    }

    private func issueAuthorizationResponse(
        _ request: AuthorizationRequest, subject: Subject, scopes: ScopeSet, authTime: Date, now: Date
    ) async throws(OAuthError) -> [(String, String?)] {
        let authorization = try await recordAuthorization(
            subject: subject, client: request.client.id, scopes: scopes, now: now)
        var parameters: [(String, String?)] = []
        var code: String?
        var accessToken: String?
        if request.responseType.contains(.code) {
            let minted = random.mintSecret(prefix: policy.authorizationCodePrefix)
            let record = AuthorizationCode(
                client: request.client.id, redirectURI: request.redirectURIWasGiven ? request.redirectURI : nil,
                scopes: scopes, subject: subject, authTime: authTime, nonce: request.nonce,
                challenge: request.challenge, authorization: authorization, family: FamilyID(random: random),
                issuedAt: now, lifetime: policy.authorizationCodeLifetime)
            try await seam { try await store.insert(record, at: minted.digest) }
            code = minted.value
            parameters.append(("code", minted.value))
        }
        if request.responseType.contains(.token) {
            // §4.2.2: an access token in the fragment; never a refresh token.
            let issued = try await issueAccessToken(
                client: request.client.id, subject: subject, scopes: scopes, family: nil,
                authorization: authorization, now: now)
            accessToken = issued.value
            parameters.append(("access_token", issued.value))
            parameters.append(("token_type", "Bearer"))
            parameters.append(("expires_in", TokenResponse.expiresIn(issued.expiry, from: now).map(String.init)))
        }
        if request.responseType.contains(.idToken) {
            parameters.append(
                ("id_token", try await idToken(
                    client: request.client.id, subject: subject, nonce: request.nonce, authTime: authTime,
                    scopes: scopes, accessToken: accessToken, code: code,
                    releasesClaims: request.responseType == .idToken, now: now)))
        }
        // §4.2.2 / §5.1: scope is reported when tokens come from here, or when it was narrowed.
        if accessToken != nil || scopes != request.scopes {
            parameters.append(("scope", scopes.description))
        }
        parameters.append(("state", request.state))
        return parameters
    }

    /// Adds the approval to the user's authorization of the client, creating one if none is active.
    func recordAuthorization(
        subject: Subject, client: ClientID, scopes: ScopeSet, now: Date
    ) async throws(OAuthError) -> AuthorizationID {
        let candidate = AuthorizationID(random: random)
        return try await seam {
            try await store.updateAuthorization(subject: subject, client: client) { current in
                if var existing = current {
                    existing.approve(scopes, at: now)
                    current = existing
                    return existing.id
                }
                current = UserAuthorization(id: candidate, subject: subject, client: client, scopes: scopes, at: now)
                return candidate
            }
        }
    }
}
