/// A registered client (RFC 6749 §2): its kind, redirect URIs, what it may ask for. Secrets are
/// kept only as hashes (`SecretHash`).
public struct Client: Sendable, Hashable {
    /// How the client authenticates at the token endpoint, which makes it confidential or public
    /// (RFC 6749 §2.1, §2.3): each kind carries exactly what it needs.
    public enum Authentication: Sendable, Hashable {
        /// A public client: `client_id` alone (§2.1, §3.2.1); PKCE for every code request.
        case none
        /// A confidential client with a shared secret, kept only as its hash, sent by the methods
        /// it may use (§2.3.1).
        case clientSecret(SecretHash, methods: SecretMethods = .all)
        /// A confidential client that signs JWT assertions with its private key (`private_key_jwt`,
        /// RFC 7523 §2.2; RFC 7591 §2): registered with its public keys, checked through the
        /// server's `PublicKeyVerification` (without one it cannot authenticate).
        case privateKeyJWT(PublicKeys)
    }

    /// Where a `private_key_jwt` client's public keys are: given by value (`jwks`) or by
    /// reference (`jwks_uri`), never both (RFC 7591 §2).
    public enum PublicKeys: Sendable, Hashable {
        case jwks(JWKSet)
        case jwksURI(String)
    }

    /// Where a confidential client may send its secret (RFC 6749 §2.3.1; RFC 7591 §2).
    public struct SecretMethods: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `client_secret_basic`: HTTP Basic.
        public static let basic = SecretMethods(rawValue: 1)
        /// `client_secret_post`: in the form body.
        public static let post = SecretMethods(rawValue: 2)
        /// `client_secret_jwt`: an HS256 assertion (RFC 7523 §2.2), which needs a secret the
        /// server can derive (`DerivedClientSecret`); a hashed one never verifies. Not in `.all`.
        public static let jwt = SecretMethods(rawValue: 4)
        public static let all: SecretMethods = [.basic, .post]
    }

    /// The client's properties, shared by every copy: a registry hands out a client with one
    /// reference count instead of one per array, set and string it holds (a client credentials
    /// request copies the client several times). Changing a property makes a new one.
    private struct Properties: Sendable, Hashable {
        let id: ClientID
        var name: String
        var authentication: Authentication
        var redirectURIs: [String]
        var grantTypes: Set<GrantType>
        var allowedScopes: ScopeSet?
        var registeredRequiresPKCE: Bool
        var isResourceServer: Bool
        var requiresPushedAuthorizationRequests: Bool
        var postLogoutRedirectURIs: [String]
        var backchannelLogoutURI: String?
        var backchannelLogoutSessionRequired: Bool
        var tokenEndpointAuthSigningAlgorithm: JWSAlgorithm?
        var requiresDPoP: Bool
    }
    private final class Storage: Sendable {
        let properties: Properties
        init(_ properties: Properties) { self.properties = properties }
    }
    private var storage: Storage

    private mutating func update(_ change: (inout Properties) -> Void) {
        var properties = storage.properties
        change(&properties)
        storage = Storage(properties)
    }

    public static func == (lhs: Client, rhs: Client) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.properties == rhs.storage.properties
    }

    public func hash(into hasher: inout Hasher) { storage.properties.hash(into: &hasher) }

    public var id: ClientID { storage.properties.id }
    /// Shown to the user on a consent page.
    public var name: String {
        get { storage.properties.name }
        set { update { $0.name = newValue } }
    }
    public var authentication: Authentication {
        get { storage.properties.authentication }
        set { update { $0.authentication = newValue } }
    }
    /// Compared by exact string match (RFC 9700 §4.1.3).
    public var redirectURIs: [String] {
        get { storage.properties.redirectURIs }
        set { update { $0.redirectURIs = newValue } }
    }
    public var grantTypes: Set<GrantType> {
        get { storage.properties.grantTypes }
        set { update { $0.grantTypes = newValue } }
    }
    /// Nil lets the client ask for any scope the server knows.
    public var allowedScopes: ScopeSet? {
        get { storage.properties.allowedScopes }
        set { update { $0.allowedScopes = newValue } }
    }
    /// PKCE for every authorization request of this confidential client too, as registered
    /// (RFC 7636; public clients need it whatever this says, `requiresPKCE`).
    public var registeredRequiresPKCE: Bool {
        get { storage.properties.registeredRequiresPKCE }
        set { update { $0.registeredRequiresPKCE = newValue } }
    }
    /// A protected resource that introspects the access tokens it is sent (RFC 7662 §4: the
    /// resource servers are the callers specifically authorized). Tokens carry no audience yet,
    /// so it may introspect every access token; audiences (RFC 8707) will narrow that.
    public var isResourceServer: Bool {
        get { storage.properties.isResourceServer }
        set { update { $0.isResourceServer = newValue } }
    }
    /// Its authorization requests must be pushed (RFC 9126 §6 `require_pushed_authorization_requests`).
    public var requiresPushedAuthorizationRequests: Bool {
        get { storage.properties.requiresPushedAuthorizationRequests }
        set { update { $0.requiresPushedAuthorizationRequests = newValue } }
    }
    /// Where the client may be sent after signing out, compared by exact string match
    /// (RP-Initiated Logout 1.0 §3.1).
    public var postLogoutRedirectURIs: [String] {
        get { storage.properties.postLogoutRedirectURIs }
        set { update { $0.postLogoutRedirectURIs = newValue } }
    }
    /// Where the server POSTs a `logout_token` when a session it signed in to ends
    /// (Back-Channel Logout 1.0 §2.2); nil: the client is not told.
    public var backchannelLogoutURI: String? {
        get { storage.properties.backchannelLogoutURI }
        set { update { $0.backchannelLogoutURI = newValue } }
    }
    /// The client needs `sid` in logout tokens (Back-Channel Logout 1.0 §2.2); Granted always sends
    /// it when the session has one.
    public var backchannelLogoutSessionRequired: Bool {
        get { storage.properties.backchannelLogoutSessionRequired }
        set { update { $0.backchannelLogoutSessionRequired = newValue } }
    }

    /// The one `alg` its JWT assertions may use (OpenID Connect Registration 1.0 §2
    /// `token_endpoint_auth_signing_alg`): an assertion signed otherwise is refused; nil accepts
    /// any algorithm its method allows.
    public var tokenEndpointAuthSigningAlgorithm: JWSAlgorithm? {
        get { storage.properties.tokenEndpointAuthSigningAlgorithm }
        set { update { $0.tokenEndpointAuthSigningAlgorithm = newValue } }
    }
    /// Every token request must carry a DPoP proof (RFC 9449 §5.2 `dpop_bound_access_tokens`).
    public var requiresDPoP: Bool {
        get { storage.properties.requiresDPoP }
        set { update { $0.requiresDPoP = newValue } }
    }

    public init(
        id: ClientID, name: String? = nil, authentication: Authentication = .none, redirectURIs: [String] = [],
        grantTypes: Set<GrantType>, allowedScopes: ScopeSet? = nil, requiresPKCE: Bool = false,
        resourceServer: Bool = false, requiresPushedAuthorizationRequests: Bool = false,
        postLogoutRedirectURIs: [String] = [], backchannelLogoutURI: String? = nil,
        backchannelLogoutSessionRequired: Bool = false, tokenEndpointAuthSigningAlgorithm: JWSAlgorithm? = nil,
        requiresDPoP: Bool = false
    ) {
        storage = Storage(
            Properties(
                id: id, name: name ?? id.rawValue, authentication: authentication, redirectURIs:
                redirectURIs, grantTypes: grantTypes, allowedScopes: allowedScopes,
                registeredRequiresPKCE: requiresPKCE, isResourceServer: resourceServer,
                requiresPushedAuthorizationRequests: requiresPushedAuthorizationRequests,
                postLogoutRedirectURIs: postLogoutRedirectURIs, backchannelLogoutURI:
                backchannelLogoutURI, backchannelLogoutSessionRequired: backchannelLogoutSessionRequired,
                tokenEndpointAuthSigningAlgorithm: tokenEndpointAuthSigningAlgorithm, requiresDPoP: requiresDPoP))
    }

    /// A confidential client can keep a secret (RFC 6749 §2.1).
    public var isConfidential: Bool {
        switch authentication {
        case .none: false
        case .clientSecret, .privateKeyJWT: true
        }
    }

    /// Whether its code requests must carry a PKCE challenge: public clients always (RFC 9700
    /// §2.1.1), confidential ones when registered so.
    public var requiresPKCE: Bool { registeredRequiresPKCE || !isConfidential }

    /// The secret's hash, for a confidential client.
    var secretHash: SecretHash? {
        switch authentication {
        case .none, .privateKeyJWT: nil
        case .clientSecret(let hash, _): hash
        }
    }

    /// The methods by their registered names (RFC 7591 §2 `token_endpoint_auth_method`).
    public var authenticationMethods: Set<ClientAuthenticationMethod> {
        switch authentication {
        case .none: return [.none]
        case .clientSecret(_, let methods):
            var names = Set<ClientAuthenticationMethod>()
            if methods.contains(.basic) { names.insert(.clientSecretBasic) }
            if methods.contains(.post) { names.insert(.clientSecretPost) }
            if methods.contains(.jwt) { names.insert(.clientSecretJWT) }
            return names
        case .privateKeyJWT: return [.privateKeyJWT]
        }
    }

    /// Whether the client may authenticate by `method` (RFC 6749 §2.3): what the token endpoint
    /// asks on every request, answered without building `authenticationMethods`.
    public func accepts(_ method: ClientAuthenticationMethod) -> Bool {
        switch authentication {
        case .none: method == .none
        case .clientSecret(_, let methods):
            (method == .clientSecretBasic && methods.contains(.basic))
                || (method == .clientSecretPost && methods.contains(.post))
                || (method == .clientSecretJWT && methods.contains(.jwt))
        case .privateKeyJWT: method == .privateKeyJWT
        }
    }

    public func allows(_ grantType: GrantType) -> Bool { grantTypes.contains(grantType) }
    public func allows(scopes: ScopeSet) -> Bool { allowedScopes.map(scopes.isSubset(of:)) ?? true }
}
