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
    /// A symmetric active key (HS256) counts only with `Policy.allowsSymmetricIDTokenSignatures`:
    /// every client that can check such a token could forge one (OpenID Connect Core §10.1).
    public let signingKeys: SigningKeys?
    /// Where the host serves each endpoint, for the metadata and `handle(_:)`.
    public let paths: EndpointPaths
    /// Derives what the server must answer again without storing it (a refresh grace retry);
    /// processes sharing a store must share it.
    public let serverKey: ServerKey
    /// Turns a `private_key_jwt` client's registered JWK into a verifier (RFC 7523 §2.2); nil
    /// leaves `private_key_jwt` off (not in the metadata, refused at every endpoint).
    public let publicKeyVerification: (any PublicKeyVerification)?
    /// Reads the JWK Set of a client registered with `jwks_uri`; nil: such clients cannot
    /// authenticate.
    public let jwkSets: (any JWKSetSource)?

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
        paths: EndpointPaths = EndpointPaths(),
        serverKey: ServerKey = ServerKey(),
        publicKeyVerification: (any PublicKeyVerification)? = nil,
        jwkSets: (any JWKSetSource)? = nil
    ) {
        self.issuer = issuer
        self.policy = policy
        self.clients = clients
        self.store = store
        self.clock = clock
        self.random = random
        self.secretHasher = secretHasher
        self.claims = claims
        // Core §10.1: HS256 with one server key is an explicit opt-in, never what a key implies.
        let signingKeys = signingKeys.flatMap { keys in
            keys.active.algorithm.isSymmetric && !policy.allowsSymmetricIDTokenSignatures ? nil : keys
        }
        self.signingKeys = signingKeys
        self.paths = paths
        self.serverKey = serverKey
        self.publicKeyVerification = publicKeyVerification
        self.jwkSets = jwkSets
        self.issuing = Issuer(
            issuer: issuer, policy: policy, store: store, random: random, claims: claims,
            signingKeys: signingKeys, serverKey: serverKey)
    }

    /// Mints and records what the grants decide.
    let issuing: Issuer
}
