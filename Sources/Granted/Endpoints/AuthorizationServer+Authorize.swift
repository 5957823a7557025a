import Foundation

/// The authorization endpoint (RFC 6749 §3.1, §4.1.1, §4.2.1; OpenID Connect Core §3.1.2).
extension AuthorizationServer {
    /// Validates an authorization request (GET query, or POST form, Core §3.1.2.1). Errors about
    /// the client or its redirect URI are for the user; every later one goes to the client.
    public func validate(_ request: OAuthRequest) async -> AuthorizationValidation {
        let parameters: FormParameters
        do {
            parameters = try FormParameters(queryOrFormPost: request, limits: policy.inputLimits, endpoint: "authorization")
        } catch {
            return userFacing(error)
        }
        // Client and redirect URI first: until both are known good, nothing is redirected.
        let client: Client
        do throws(OAuthError) {
            guard let id = try parameters.single("client_id") else {
                throw .invalidRequest("client_id is required")
            }
            guard let found = try await seam({ try await clients.client(ClientID(id)) }) else {
                throw .invalidRequest("the client is unknown")
            }
            client = found
            // RFC 9126 §4: a pushed request runs with the parameters the client pushed. Any other
            // request_uri (a request object by reference, Core §6.2) is request_uri_not_supported.
            if let requestURI = try parameters.single("request_uri"), requestURI.hasPrefix(Policy.requestURIPrefix) {
                let pushed = try await usePushedRequest(parameters, client: client)
                return validate(pushed, client: client, isPushed: true)
            }
            if policy.requiresPushedAuthorizationRequests || client.requiresPushedAuthorizationRequests {
                throw .invalidRequest("this client must push its authorization requests")
            }
        } catch {
            return userFacing(error)
        }
        return validate(parameters, client: client, isPushed: false)
    }

    /// Validates the request of a known client: its redirect URI, then everything else.
    func validate(_ parameters: FormParameters, client: Client, isPushed: Bool) -> AuthorizationValidation {
        let redirectURI: String
        let givenRedirectURI: String?
        do throws(OAuthError) {
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
            let validated = try AuthorizationResponseGrant.request(
                parameters, client: client, redirectURI: redirectURI,
                redirectURIWasGiven: givenRedirectURI != nil, rawType: rawType, state: state, mode: mode,
                policy: policy, canSignIDTokens: canSignIDTokens, isPushed: isPushed)
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

    /// Response types that carry an ID token need a signer (OpenID Connect Core §3.2, §3.3).
    func isSupported(_ responseType: ResponseType) -> Bool {
        AuthorizationResponseGrant.isSupported(responseType, canSignIDTokens: canSignIDTokens)
    }

    private static func asksForOpenID(_ parameters: FormParameters) -> Bool {
        guard let scope = try? parameters.single("scope") else { return false }
        return scope.split(separator: " ").contains("openid")
    }

    func userFacing(_ error: OAuthError) -> AuthorizationValidation {
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
