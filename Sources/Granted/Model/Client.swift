/// A registered client (RFC 6749 §2): its type, redirect URIs, what it may ask for and how it
/// authenticates. Secrets are kept only as hashes (`SecretHash`).
public struct Client: Sendable, Hashable {
    public let id: ClientID
    /// Shown to the user on a consent page.
    public var name: String
    /// Nil for a public client (RFC 6749 §2.1).
    public var secretHash: SecretHash?
    /// Compared by exact string match (RFC 9700 §4.1.3).
    public var redirectURIs: [String]
    public var grantTypes: Set<GrantType>
    /// Nil lets the client ask for any scope the server knows.
    public var allowedScopes: ScopeSet?
    /// How the client authenticates at the token endpoint; `none` makes it public.
    public var authenticationMethods: Set<ClientAuthenticationMethod>
    /// PKCE for every authorization request of this client, whatever the policy (RFC 7636).
    public var requiresPKCE: Bool
    /// A protected resource that introspects the access tokens it is sent (RFC 7662 §4: the
    /// resource servers are the callers specifically authorized). Tokens carry no audience yet,
    /// so it may introspect every access token; issue 14 narrows that to tokens for it.
    public var isResourceServer: Bool

    public init(
        id: ClientID, name: String? = nil, secretHash: SecretHash? = nil,
        redirectURIs: [String] = [], grantTypes: Set<GrantType>,
        allowedScopes: ScopeSet? = nil,
        authenticationMethods: Set<ClientAuthenticationMethod>? = nil,
        requiresPKCE: Bool = false, resourceServer: Bool = false
    ) {
        self.id = id
        self.name = name ?? id.rawValue
        self.secretHash = secretHash
        self.redirectURIs = redirectURIs
        self.grantTypes = grantTypes
        self.allowedScopes = allowedScopes
        self.authenticationMethods =
            authenticationMethods
            ?? (secretHash == nil ? [.none] : [.clientSecretBasic, .clientSecretPost])
        self.requiresPKCE = requiresPKCE || secretHash == nil
        self.isResourceServer = resourceServer
    }

    /// A confidential client can keep a secret (RFC 6749 §2.1).
    public var isConfidential: Bool { secretHash != nil && !authenticationMethods.contains(.none) }
    public func allows(_ grantType: GrantType) -> Bool { grantTypes.contains(grantType) }
    public func allows(scopes: ScopeSet) -> Bool { allowedScopes.map(scopes.isSubset(of:)) ?? true }
}
