/// Grant types (RFC 6749 §4, §8.3): an open registry, so a raw-value struct, not an enum.
public struct GrantType: RawRepresentable, Sendable, Hashable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let authorizationCode = GrantType(rawValue: "authorization_code")
    public static let clientCredentials = GrantType(rawValue: "client_credentials")
    public static let refreshToken = GrantType(rawValue: "refresh_token")
    /// The implicit grant has no `grant_type` on the wire; this value lets a client be allowed it.
    public static let implicit = GrantType(rawValue: "implicit")
    /// The device authorization grant (RFC 8628 §3.4).
    public static let deviceCode = GrantType(rawValue: "urn:ietf:params:oauth:grant-type:device_code")

    /// What the token endpoint answers (RFC 6749 §4.1.3, §4.4.2, §6; RFC 8628 §3.4), in the order
    /// the metadata lists them; the endpoint dispatches on exactly these.
    public static let tokenEndpoint: [GrantType] = [.authorizationCode, .clientCredentials, .refreshToken, .deviceCode]
    /// Everything Granted implements: the token endpoint's grants and the implicit grant (§4.2).
    public static let supported: [GrantType] = tokenEndpoint + [.implicit]
}

/// Client authentication methods at the token endpoint (RFC 7591 §2, RFC 8414 §2).
public struct ClientAuthenticationMethod: RawRepresentable, Sendable, Hashable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1).
    public static let clientSecretBasic = ClientAuthenticationMethod(rawValue: "client_secret_basic")
    /// `client_id` and `client_secret` in the form body (RFC 6749 §2.3.1, NOT RECOMMENDED but allowed).
    public static let clientSecretPost = ClientAuthenticationMethod(rawValue: "client_secret_post")
    /// A public client: `client_id` only (RFC 6749 §2.1, §3.2.1).
    public static let none = ClientAuthenticationMethod(rawValue: "none")
    /// A JWT assertion MACed with the client secret (RFC 7523 §2.2; OpenID Connect Core §9).
    public static let clientSecretJWT = ClientAuthenticationMethod(rawValue: "client_secret_jwt")
    /// A JWT assertion signed with the client's private key (RFC 7523 §2.2; OpenID Connect Core §9).
    public static let privateKeyJWT = ClientAuthenticationMethod(rawValue: "private_key_jwt")

    /// The methods that carry a client secret (RFC 6749 §2.3.1).
    public static let secretBased: [ClientAuthenticationMethod] = [.clientSecretBasic, .clientSecretPost]
    /// What every endpoint that authenticates clients accepts, in the metadata's order: a secret,
    /// a public client's id alone, and the JWT assertions (RFC 7523 §2.2); `private_key_jwt`
    /// only on a server with a `PublicKeyVerification`, and introspection never `none`.
    public static let tokenEndpoint: [ClientAuthenticationMethod] =
        secretBased + [.none, .clientSecretJWT, .privateKeyJWT]
    /// What dynamic registration accepts as `token_endpoint_auth_method` (RFC 7591 §2).
    public static let registrable: [ClientAuthenticationMethod] = tokenEndpoint
}

/// PKCE code challenge methods (RFC 7636 §4.2).
public struct CodeChallengeMethod: RawRepresentable, Sendable, Hashable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let s256 = CodeChallengeMethod(rawValue: "S256")
    public static let plain = CodeChallengeMethod(rawValue: "plain")
}

/// Token type hints (RFC 7009 §2.1, RFC 7662 §2.1; registry RFC 7009 §4.1.2): an open registry,
/// so a raw-value struct. A hint only orders the lookup; an unknown one is ignored (RFC 7009 §2.1).
public struct TokenTypeHint: RawRepresentable, Sendable, Hashable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// RFC 7009 §2.1: an access token (RFC 6749 §1.4).
    public static let accessToken = TokenTypeHint(rawValue: "access_token")
    /// RFC 7009 §2.1: a refresh token (RFC 6749 §1.5).
    public static let refreshToken = TokenTypeHint(rawValue: "refresh_token")
}
