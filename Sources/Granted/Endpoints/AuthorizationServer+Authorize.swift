import Foundation

/// The authorization endpoint (RFC 6749 §3.1, §4.1.1, §4.2.1; OpenID Connect Core §3.1.2).
extension AuthorizationServer {
    /// Validates an authorization request (GET query, or POST form, Core §3.1.2.1). Errors about
    /// the client or its redirect URI are for the user; every later one goes to the client.
    public func validate(_ request: OAuthRequest) async -> AuthorizationValidation {
        let parameters: FormParameters
        do {
            switch request.method {
            case .get:
                parameters = try FormParameters(query: request.query, limits: policy.inputLimits)
            case .post where request.hasFormBody:
                parameters = try FormParameters(parsing: request.body, limits: policy.inputLimits)
            default:
                return userFacing(.invalidRequest("the authorization endpoint accepts GET or a form POST"))
            }
        } catch {
            return userFacing(error)
        }
        // Client and redirect URI first: until both are known good, nothing is redirected.
        let client: Client
        let redirectURI: String
        let givenRedirectURI: String?
        do throws(OAuthError) {
            guard let id = try parameters.single("client_id") else {
                throw .invalidRequest("client_id is required")
            }
            guard let found = try await seam({ try await clients.client(ClientID(id)) }) else {
                throw .invalidRequest("the client is unknown")
            }
            client = found
            givenRedirectURI = try parameters.single("redirect_uri")
            // OpenID Connect Core §3.1.2.1: redirect_uri is REQUIRED in an OpenID Connect request.
            if givenRedirectURI == nil, Self.asksForOpenID(parameters) {
                throw .invalidRequest("redirect_uri is required")
            }
            redirectURI = try RedirectURIRules.resolve(givenRedirectURI, client: client, policy: policy)
        } catch {
            return userFacing(error)
        }
        // From here on, errors go back to the client (§4.1.2.1, §4.2.2.1).
        let state = try? parameters.single("state")  // a repeated state is refused below
        let rawType = try? parameters.single("response_type")
        let parsedType = rawType.flatMap(ResponseType.init(parsing:))
        let fallbackMode: ResponseMode = (parsedType ?? .code).defaultsToFragment ? .fragment : .query
        var mode = fallbackMode
        do throws(OAuthError) {
            if let raw = try parameters.single("response_mode") {
                guard let requested = ResponseMode(rawValue: raw) else {
                    throw .invalidRequest("response_mode is not supported")
                }
                mode = requested
            }
            let validated = try validateRest(
                parameters, client: client, redirectURI: redirectURI,
                redirectURIWasGiven: givenRedirectURI != nil, rawType: rawType, state: state, mode: mode)
            return .valid(validated)
        } catch {
            // A forbidden mode (query with tokens) must not carry the error either.
            let safeMode = mode == .query && fallbackMode == .fragment ? .fragment : mode
            let response = AuthorizationResponse.redirect(
                to: redirectURI, mode: safeMode, parameters: error.redirectParameters + [("state", state)],
                issuer: issuer)
            return .redirect(response, error)
        }
    }

    private func validateRest(
        _ parameters: FormParameters, client: Client, redirectURI: String, redirectURIWasGiven: Bool,
        rawType: String?, state: String?, mode: ResponseMode
    ) throws(OAuthError) -> AuthorizationRequest {
        _ = try parameters.single("state")
        guard let rawType else { throw .invalidRequest("response_type is required") }
        guard let responseType = ResponseType(parsing: rawType), isSupported(responseType) else {
            throw .unsupportedResponseType
        }
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
        let openID = scopes.contains(.openid)
        if responseType.contains(.idToken) && !openID {
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
        var prompt = Set<AuthorizationRequest.Prompt>()
        if let raw = try parameters.single("prompt") {
            for part in raw.split(separator: " ") {
                guard let value = AuthorizationRequest.Prompt(rawValue: String(part)) else {
                    throw .invalidRequest("prompt has an unknown value")
                }
                prompt.insert(value)
            }
            // Core §3.1.2.1: none with any other value is an error.
            if prompt.contains(.none) && prompt.count > 1 {
                throw .invalidRequest("prompt=none cannot be combined with other values")
            }
        }
        var maxAge: Int?
        if let raw = try parameters.single("max_age") {
            guard let value = Int(raw), value >= 0 else { throw .invalidRequest("max_age must be a non-negative integer") }
            maxAge = value
        }
        var hints: [String: String] = [:]
        for name in Self.hintParameters {
            if let value = try parameters.single(name) { hints[name] = value }
        }
        return AuthorizationRequest(
            client: client, redirectURI: redirectURI, redirectURIWasGiven: redirectURIWasGiven,
            responseType: responseType, responseMode: mode, scopes: scopes, state: state, nonce: nonce,
            challenge: challenge, prompt: prompt, maxAge: maxAge, hints: hints, parameters: parameters)
    }

    /// Response types that carry an ID token need a signer (OpenID Connect Core §3.2, §3.3).
    func isSupported(_ responseType: ResponseType) -> Bool {
        !responseType.contains(.idToken) || canSignIDTokens
    }

    private static func asksForOpenID(_ parameters: FormParameters) -> Bool {
        guard let scope = try? parameters.single("scope") else { return false }
        return scope.split(separator: " ").contains("openid")
    }

    static let hintParameters = [
        "display", "ui_locales", "claims_locales", "login_hint", "id_token_hint", "acr_values",
    ]

    private func userFacing(_ error: OAuthError) -> AuthorizationValidation {
        var response = OAuthResponse(
            status: 400,
            headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
            body: [])
        let text = HTML.escape(error.description ?? error.code)
        response.body = Array(
            "<!doctype html><title>Authorization error</title><h1>Authorization error</h1><p>\(HTML.escape(error.code)): \(text)</p>".utf8)
        return .userFacing(error, response: response)
    }
}
