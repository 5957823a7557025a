import Foundation

/// The entry point: an immutable value of policy and seams. Every endpoint is a method that
/// takes an `OAuthRequest` and answers an `OAuthResponse`; the host routes and does the I/O.
///
/// ```swift
/// let server = AuthorizationServer(issuer: "https://auth.example.com", clients: clients)
/// let response = await server.token(request)   // POST /token
/// ```
public struct AuthorizationServer: Sendable {
    /// The issuer identifier (RFC 8414 §2): an https URL without query or fragment.
    public let issuer: String
    public let policy: Policy
    public let clients: any ClientStore
    public let store: any GrantStore
    public let clock: any WallClock
    public let random: any RandomSource
    /// Hashes client secrets; the one used everywhere, also to read client files
    /// (`InMemoryClientStore(json:hashingWith:)`).
    public let secretHasher: any SecretHasher
    /// What the host knows about users (userinfo, ID token claims, introspection's username).
    public let claims: (any ClaimsSource)?
    /// Keys that sign ID tokens; nil turns OpenID Connect off (no ID tokens, no userinfo, no JWKS).
    public let signingKeys: SigningKeys?
    /// Where the host serves each endpoint, for the metadata and `handle(_:)`.
    public let paths: EndpointPaths

    public init(
        issuer: String,
        policy: Policy = Policy(),
        clients: any ClientStore = InMemoryClientStore(),
        store: any GrantStore = InMemoryGrantStore(),
        clock: any WallClock = SystemClock(),
        random: any RandomSource = SystemRandom(),
        secretHasher: any SecretHasher = SHA256SecretHasher(),
        claims: (any ClaimsSource)? = nil,
        signingKeys: SigningKeys? = nil,
        paths: EndpointPaths = EndpointPaths()
    ) {
        self.issuer = issuer
        self.policy = policy
        self.clients = clients
        self.store = store
        self.clock = clock
        self.random = random
        self.secretHasher = secretHasher
        self.claims = claims
        self.signingKeys = signingKeys
        self.paths = paths
        self.issuing = Issuer(
            issuer: issuer, policy: policy, store: store, random: random, claims: claims,
            signingKeys: signingKeys)
    }

    /// Mints and records what the grants decide.
    let issuing: Issuer
}
