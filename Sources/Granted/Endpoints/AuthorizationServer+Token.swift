import Foundation

/// The token endpoint (RFC 6749 §3.2).
extension AuthorizationServer {
    /// Answers a token request: POST, form-encoded, client authenticated, then the grant's rules.
    public func token(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .post else { return OAuthError.methodNotAllowed(allow: [.post]) }
        do {
            return try await tokenResponse(request)
        } catch {
            return error.tokenEndpointResponse
        }
    }

    private func tokenResponse(_ request: OAuthRequest) async throws(OAuthError) -> OAuthResponse {
        guard request.hasFormBody else {
            throw .invalidRequest("the body must be application/x-www-form-urlencoded")
        }
        let form = try FormParameters(parsing: request.body, limits: policy.inputLimits)
        guard let grant = try form.single("grant_type") else {
            throw .invalidRequest("grant_type is required")
        }
        let grantType = GrantType(rawValue: grant)
        guard GrantType.tokenEndpoint.contains(grantType) else { throw .unsupportedGrantType }
        let client = try await authenticateClient(request, form: form)
        guard client.allows(grantType) else {
            throw .unauthorizedClient("the client may not use this grant type")
        }
        let now = clock.now
        switch grantType {
        case .clientCredentials:
            return try await clientCredentials(client, form: form, now: now).response
        case .authorizationCode:
            return try await exchangeCode(client, form: form, now: now).response
        case .refreshToken:
            return try await refresh(client, form: form, now: now).response
        default:
            throw .unsupportedGrantType
        }
    }

    /// §4.4.2: an app-only access token; no refresh token (§4.4.3).
    private func clientCredentials(_ client: Client, form: FormParameters, now: Date) async throws(OAuthError) -> TokenResponse {
        let scopes = try ClientCredentialsGrant.scopes(
            for: client, requested: try form.single("scope"), policy: policy)
        let issued = try await issueAccessToken(
            client: client.id, subject: nil, scopes: scopes, family: nil, authorization: nil, now: now)
        return TokenResponse(
            accessToken: issued.value, expiresIn: TokenResponse.expiresIn(issued.expiry, from: now),
            scopes: scopes)
    }

    /// Mints an access token and stores its digest.
    func issueAccessToken(
        client: ClientID, subject: Subject?, scopes: ScopeSet, family: FamilyID?,
        authorization: AuthorizationID?, now: Date
    ) async throws(OAuthError) -> (value: String, expiry: Date?) {
        let minted = random.mintSecret(prefix: policy.accessTokenPrefix)
        let expiry = policy.accessTokenExpiry(from: now)
        let token = AccessToken(
            client: client, subject: subject, scopes: scopes, issuedAt: now, expiresAt: expiry,
            family: family, authorization: authorization)
        try await seam { try await store.insert(token, at: minted.digest) }
        return (minted.value, expiry)
    }
}
