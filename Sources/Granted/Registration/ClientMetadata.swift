/// A client's metadata as registered through the registration endpoint (RFC 7591 §2), after
/// validation and with the defaults filled in: what the registration and read responses echo
/// (§3.2.1; RFC 7592 §3) and what the client is built from. Built by `init(json:policy:)`.
public struct ClientMetadata: Sendable, Hashable {
    /// Compared by exact string match when used (RFC 9700 §4.1.3); required for redirect-based grants.
    public var redirectURIs: [String] = []
    /// Default `client_secret_basic` (§2).
    public var tokenEndpointAuthMethod: ClientAuthenticationMethod = .clientSecretBasic
    /// Default `authorization_code` (§2).
    public var grantTypes: [GrantType] = [.authorizationCode]
    /// Default `code` (§2); consistent with `grantTypes` (§2.1).
    public var responseTypes: [ResponseType] = [.code]
    public var clientName: String?
    /// What the client may ask for; nil: any scope the server knows.
    public var scope: ScopeSet?
    public var clientURI: String?
    public var logoURI: String?
    public var tosURI: String?
    public var policyURI: String?
    public var contacts: [String]?
    public var softwareID: String?
    public var softwareVersion: String?
    /// `jwks` or `jwks_uri` (§2: never both).
    public var publicKeys: Client.PublicKeys?
    /// OpenID Connect RP-Initiated Logout 1.0 §3.1.
    public var postLogoutRedirectURIs: [String]?
    /// OpenID Connect Back-Channel Logout 1.0 §2.2.
    public var backchannelLogoutURI: String?
    public var backchannelLogoutSessionRequired: Bool?
    /// RFC 9126 §6: its authorization requests must be pushed.
    public var requirePushedAuthorizationRequests: Bool?
    /// The one `alg` of its JWT assertions (OpenID Connect Registration 1.0 §2); only with
    /// `client_secret_jwt` or `private_key_jwt`.
    public var tokenEndpointAuthSigningAlgorithm: JWSAlgorithm?
    /// RFC 9449 §5.2: every token request carries a DPoP proof.
    public var dpopBoundAccessTokens: Bool?

    public init() {}

    /// Whether the method needs a client secret issued (`client_secret_basic`, `_post`, `_jwt`).
    public var needsSecret: Bool {
        tokenEndpointAuthMethod == .clientSecretBasic || tokenEndpointAuthMethod == .clientSecretPost
            || tokenEndpointAuthMethod == .clientSecretJWT
    }

    /// The client these metadata describe, under `id`, with the issued secret's hash when the
    /// method needs one (`needsSecret`). A secret method without a hash, or `private_key_jwt`
    /// without keys, gives a client that can never authenticate, never a public one.
    public func client(id: ClientID, secretHash: SecretHash?) -> Client {
        let unverifiable = SecretHash(scheme: "unverifiable", value: [])
        let authentication: Client.Authentication
        switch tokenEndpointAuthMethod {
        case .none: authentication = .none
        case .clientSecretBasic: authentication = .clientSecret(secretHash ?? unverifiable, methods: .basic)
        case .clientSecretPost: authentication = .clientSecret(secretHash ?? unverifiable, methods: .post)
        case .privateKeyJWT:
            authentication = .privateKeyJWT(publicKeys ?? .jwks(JWKSet(keys: [])))
        default: authentication = .clientSecret(secretHash ?? unverifiable, methods: .jwt)
        }
        return Client(
            id: id, name: clientName, authentication: authentication, redirectURIs: redirectURIs,
            grantTypes: Set(grantTypes), allowedScopes: scope,
            requiresPushedAuthorizationRequests: requirePushedAuthorizationRequests ?? false,
            postLogoutRedirectURIs: postLogoutRedirectURIs ?? [], backchannelLogoutURI: backchannelLogoutURI,
            backchannelLogoutSessionRequired: backchannelLogoutSessionRequired ?? false,
            tokenEndpointAuthSigningAlgorithm: tokenEndpointAuthSigningAlgorithm,
            requiresDPoP: dpopBoundAccessTokens ?? false)
    }
}
