import Granted

/// Requests as a client or a browser sends them, for driving an `AuthorizationServer` through
/// its public endpoints. Paths are the defaults of `EndpointPaths`; nil parameters are left out.
public enum RequestBuilder {
    /// A form POST to `path`, authenticated as `client` when given (RFC 6749 §2.3.1, §3.2).
    public static func form(
        _ path: String, _ parameters: [(String, String?)], as client: ClientAuth?
    ) -> OAuthRequest {
        let (fields, headers) = client?.apply(to: parameters) ?? (parameters, [:])
        return OAuthRequest.form(path, FormEncoder.encode(fields), headers: headers)
    }

    /// `grant_type=client_credentials` (RFC 6749 §4.4.2).
    public static func clientCredentials(
        scope: String? = nil, as client: ClientAuth, path: String = "/token"
    ) -> OAuthRequest {
        form(path, [("grant_type", "client_credentials"), ("scope", scope)], as: client)
    }

    /// `grant_type=authorization_code` (RFC 6749 §4.1.3; RFC 7636 §4.5).
    public static func authorizationCode(
        _ code: String, redirectURI: String?, verifier: String? = nil, as client: ClientAuth,
        path: String = "/token"
    ) -> OAuthRequest {
        form(
            path,
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                ("code_verifier", verifier),
            ], as: client)
    }

    /// `grant_type=refresh_token` (RFC 6749 §6).
    public static func refreshToken(
        _ token: String, scope: String? = nil, as client: ClientAuth, path: String = "/token"
    ) -> OAuthRequest {
        form(path, [("grant_type", "refresh_token"), ("refresh_token", token), ("scope", scope)], as: client)
    }

    /// A revocation request (RFC 7009 §2.1).
    public static func revocation(
        _ token: String, hint: String? = nil, as client: ClientAuth, path: String = "/revoke"
    ) -> OAuthRequest {
        form(path, [("token", token), ("token_type_hint", hint)], as: client)
    }

    /// An introspection request (RFC 7662 §2.1).
    public static func introspection(
        _ token: String, hint: String? = nil, as client: ClientAuth, path: String = "/introspect"
    ) -> OAuthRequest {
        form(path, [("token", token), ("token_type_hint", hint)], as: client)
    }

    /// `GET path?…` at the authorization endpoint with `parameters` in the query (RFC 6749 §4.1.1).
    public static func authorize(_ parameters: [(String, String?)], path: String = "/authorize") -> OAuthRequest {
        OAuthRequest(method: .get, path: path, query: FormEncoder.encode(parameters))
    }

    /// The parameters of a code request (RFC 6749 §4.1.1; RFC 7636 §4.3; OpenID Connect Core
    /// §3.1.2.1), ready for `authorize(_:)`; add more with `extra`.
    public static func codeRequestParameters(
        client: ClientID, redirectURI: String?, scope: String? = nil, state: String? = "xyz",
        challenge: PKCEPair? = nil, nonce: String? = nil, extra: [(String, String?)] = []
    ) -> [(String, String?)] {
        [
            ("response_type", "code"), ("client_id", client.rawValue), ("redirect_uri", redirectURI),
            ("scope", scope), ("state", state), ("nonce", nonce), ("code_challenge", challenge?.challenge),
            ("code_challenge_method", challenge == nil ? nil : "S256"),
        ] + extra
    }

    /// A code request at the authorization endpoint; see `codeRequestParameters`.
    public static func codeAuthorization(
        client: ClientID, redirectURI: String?, scope: String? = nil, state: String? = "xyz",
        challenge: PKCEPair? = nil, nonce: String? = nil, path: String = "/authorize"
    ) -> OAuthRequest {
        authorize(
            codeRequestParameters(
                client: client, redirectURI: redirectURI, scope: scope, state: state, challenge: challenge,
                nonce: nonce), path: path)
    }

    /// A request to a protected resource with `Authorization: Bearer token` (RFC 6750 §2.1).
    public static func bearer(_ token: String, method: OAuthRequest.Method = .get, path: String = "/resource") -> OAuthRequest {
        OAuthRequest(method: method, path: path, headers: ["Authorization": "Bearer \(token)"])
    }
}
