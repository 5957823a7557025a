import Foundation

/// The authorization endpoint's response types (RFC 6749 §4.1.1, §4.2.1; OAuth 2.0 Multiple
/// Response Types; OpenID Connect Core §3.1.2.1, §3.2.2.1, §3.3.2.1): which requests are valid
/// for a client, and what an approval issues (a code, an implicit access token, an ID token).
enum AuthorizationResponseGrant {
    /// What an approval issues; the issuer mints and records it.
    struct Plan: Sendable, Hashable {
        /// What the user approved: the code's scopes, and the ID token's.
        let scopes: ScopeSet
        /// The implicit access token's scopes: `scopes` narrowed to the request's resources.
        let accessTokenScopes: ScopeSet
        /// `code` in the response type (§4.1.2).
        let issuesCode: Bool
        /// `token` in the response type (§4.2.2): an access token, never a refresh token.
        let issuesAccessToken: Bool
        /// `id_token` in the response type (Core §3.2.2.5, §3.3.2.5).
        let idToken: IDTokenPlan?
        /// §4.2.2 / §5.1: scope is reported when tokens come from here, or when it was narrowed.
        let reportsScope: Bool
    }

    /// Checks everything after the client and its redirect URI are known good; the errors
    /// thrown here go back to the client (§4.1.2.1, §4.2.2.1).
    static func request(
        _ parameters: FormParameters, client: Client, redirectURI: String, redirectURIWasGiven: Bool,
        rawType: String?, state: String?, mode: ResponseMode, policy: Policy, canSignIDTokens: Bool,
        isPushed: Bool = false
    ) throws(OAuthError) -> AuthorizationRequest {
        _ = try parameters.single("state")
        guard let rawType else { throw .invalidRequest("response_type is required") }
        guard let responseType = ResponseType(parsing: rawType),
            isSupported(responseType, canSignIDTokens: canSignIDTokens)
        else { throw .unsupportedResponseType }
        // Multiple Response Types §2.1: tokens never go in the query.
        if mode == .query && responseType.defaultsToFragment {
            throw .invalidRequest("response_mode=query is not allowed with this response_type")
        }
        if parameters.contains("request") { throw .requestNotSupported }
        if parameters.contains("request_uri") { throw .requestURINotSupported }
        if responseType.contains(.code) && !client.allows(.authorizationCode) {
            throw .unauthorizedClient("the client may not use the authorization code grant")
        }
        if (responseType.contains(.token) || responseType.contains(.idToken)) && !client.allows(.implicit) {
            throw .unauthorizedClient("the client may not receive tokens from the authorization endpoint")
        }
        let scopes = try ScopeRules.resolve(try parameters.single("scope"), client: client, policy: policy)
        // RFC 8707 §2: checked here, so a bad `resource` is redirected with `state` (§2 end).
        let resources = ResourceRules.audience(
            requested: try ResourceRules.requested(parameters, policy: policy), policy: policy)
        if responseType.contains(.idToken) && !scopes.contains(.openid) {
            throw .invalidRequest("response_type id_token requires the openid scope")
        }
        let nonce = try parameters.single("nonce")
        // Core §3.2.2.1, §3.3.2.11: nonce is required when an id_token comes from this endpoint.
        if responseType.contains(.idToken) && nonce == nil {
            throw .invalidRequest("nonce is required for this response_type")
        }
        var challenge: PKCEChallenge?
        if responseType.contains(.code) {
            let required =
                client.requiresPKCE || !client.isConfidential || policy.requiresPKCEForConfidentialClients
            challenge = try PKCE.challenge(
                try parameters.single("code_challenge"), method: try parameters.single("code_challenge_method"),
                required: required, allowsPlain: policy.allowsPlainPKCE)
        }
        // RFC 9449 §10: a JWK SHA-256 thumbprint (RFC 7638), 43 base64url characters.
        let keyThumbprint = try parameters.single("dpop_jkt")
        if let keyThumbprint, keyThumbprint.utf8.count != 43 || Base64URL.decode(keyThumbprint)?.count != 32 {
            throw .invalidRequest("dpop_jkt is not a JWK SHA-256 thumbprint")
        }
        var hints: [String: String] = [:]
        for name in hintParameters {
            if let value = try parameters.single(name) { hints[name] = value }
        }
        return AuthorizationRequest(
            client: client, redirectURI: redirectURI, redirectURIWasGiven: redirectURIWasGiven,
            responseType: responseType, responseMode: mode, scopes: scopes, resources: resources, state: state, nonce: nonce,
            challenge: challenge, prompt: try prompt(parameters), maxAge: try maxAge(parameters), hints: hints,
            parameters: parameters, isPushed: isPushed,
            keyThumbprint: responseType.contains(.code) ? keyThumbprint : nil)
    }

    /// What approving `request` for `approved` issues; nil when nothing is left to approve (the
    /// answer is then `access_denied`).
    /// - Parameter approved: what the user approved; nil approves everything asked. Only scopes
    ///   asked for count.
    /// - Throws: `invalidScope` when an implicit token would carry no scope its resources accept.
    static func plan(
        for request: AuthorizationRequest, approved: ScopeSet?, authTime: Date, policy: Policy
    ) throws(OAuthError) -> Plan? {
        var scopes = approved.map { $0.intersection(request.scopes) } ?? request.scopes
        // `openid` is not the user's to withhold: it is what makes this an OpenID Connect request.
        if request.isOpenIDConnect && !scopes.isEmpty { scopes = scopes.union([.openid]) }
        guard !scopes.isEmpty else { return nil }
        let type = request.responseType
        let accessTokenScopes =
            type.contains(.token) ? try ResourceRules.scopes(scopes, for: request.resources, policy: policy) : scopes
        return Plan(
            scopes: scopes, accessTokenScopes: accessTokenScopes, issuesCode: type.contains(.code), issuesAccessToken: type.contains(.token),
            idToken: type.contains(.idToken)
                ? IDTokenPlan(nonce: request.nonce, authTime: authTime, releasesClaims: type == .idToken) : nil,
            reportsScope: type.contains(.token) || accessTokenScopes != request.scopes)
    }

    /// Response types that carry an ID token need a signer (OpenID Connect Core §3.2, §3.3).
    static func isSupported(_ responseType: ResponseType, canSignIDTokens: Bool) -> Bool {
        !responseType.contains(.idToken) || canSignIDTokens
    }

    /// Parameters the engine does not act on but hands to the host (Core §3.1.2.1).
    static let hintParameters = [
        "display", "ui_locales", "claims_locales", "login_hint", "id_token_hint", "acr_values",
    ]

    /// `prompt` (Core §3.1.2.1): known values only, and `none` alone.
    private static func prompt(_ parameters: FormParameters) throws(OAuthError) -> Set<AuthorizationRequest.Prompt> {
        var prompt = Set<AuthorizationRequest.Prompt>()
        guard let raw = try parameters.single("prompt") else { return prompt }
        for part in raw.split(separator: " ") {
            guard let value = AuthorizationRequest.Prompt(rawValue: String(part)) else {
                throw .invalidRequest("prompt has an unknown value")
            }
            prompt.insert(value)
        }
        if prompt.contains(.none) && prompt.count > 1 {
            throw .invalidRequest("prompt=none cannot be combined with other values")
        }
        return prompt
    }

    /// `max_age` (Core §3.1.2.1): a non-negative number of seconds.
    private static func maxAge(_ parameters: FormParameters) throws(OAuthError) -> Int? {
        guard let raw = try parameters.single("max_age") else { return nil }
        guard let value = Int(raw), value >= 0 else { throw .invalidRequest("max_age must be a non-negative integer") }
        return value
    }
}
