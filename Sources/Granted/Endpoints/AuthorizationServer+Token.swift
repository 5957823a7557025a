import Foundation

/// The token endpoint (RFC 6749 §3.2): parse, authenticate the client, let the grant decide,
/// issue, render.
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
        // RFC 9449 §5: a proof binds what is issued to its key; checked before any grant runs.
        let boundKey = try await tokenRequestKey(request, now: now)
        // RFC 9449 §5.2: a client registered with `dpop_bound_access_tokens` never goes without a
        // proof. §5.2 names no error; `invalid_dpop_proof` as for a bound code or refresh token
        // sent without one. Before any grant runs, so a code stays redeemable.
        if client.requiresDPoP, boundKey == nil {
            throw .invalidDPoPProof("this client must send a DPoP proof with every token request")
        }
        // RFC 8707 §2.2: every grant takes `resource`; checked before any state changes.
        let resources = try ResourceRules.requested(form, policy: policy)
        var plan: TokenPlan
        switch grantType {
        case .clientCredentials:
            plan = try ClientCredentialsGrant.plan(
                client: client, scope: try form.single("scope"), resources: resources, policy: policy)
        case .authorizationCode:
            plan = try await codeExchangePlan(
                AuthorizationCodeGrant.Request(form), client: client, resources: resources, boundKey: boundKey,
                now: now)
        case .refreshToken:
            plan = try await refreshPlan(
                RefreshTokenGrant.Request(form), client: client, resources: resources, boundKey: boundKey, now: now)
        case .deviceCode:
            plan = try await deviceCodePlan(
                DeviceCodeGrant.Request(form), client: client, resources: resources, now: now)
        default:
            throw .unsupportedGrantType
        }
        plan.keyThumbprint = boundKey
        plan.bindsRefreshToken = !client.isConfidential  // RFC 9449 §5
        var response = try await issuing.issue(plan, now: now).response
        // RFC 9449 §8.2: with nonces required, a successful DPoP response carries the next one, so
        // the client need not be refused once when the window turns. One HMAC, no store call.
        if boundKey != nil, policy.dpop.requiresNonce, let dpopVerifier {
            response.headers.append("DPoP-Nonce", dpopVerifier.nonce(at: now))
        }
        return response
    }

}
