import Foundation

/// The entry point: an immutable value of policy and seams. Every endpoint is a method that
/// takes an `OAuthRequest` and answers an `OAuthResponse`; the host routes and does the I/O.
///
/// ```swift
/// let server = AuthorizationServer(issuer: "https://auth.example.com", clients: clients)
/// let response = await server.token(request)   // POST /token
/// ```
public struct AuthorizationServer: Sendable {
    /// Everything the server holds, behind one reference: a host's copy of the server (into a
    /// route's closure, per request) costs one retain, not a copy of the policy and every seam.
    private final class Storage: Sendable {
        let issuer: String
        let policy: Policy
        let clients: any ClientStore
        let store: any GrantStore
        let clock: any WallClock
        let random: any RandomSource
        let secretHasher: any SecretHasher
        let claims: (any ClaimsSource)?
        let signingKeys: SigningKeys?
        let paths: EndpointPaths
        let serverKey: ServerKey
        let publicKeyVerification: (any PublicKeyVerification)?
        let jwkSets: (any JWKSetSource)?
        let issuing: Issuer

        init(
            issuer: String, policy: Policy, clients: any ClientStore, store: any GrantStore,
            clock: any WallClock, random: any RandomSource, secretHasher: any SecretHasher,
            claims: (any ClaimsSource)?, signingKeys: SigningKeys?, paths: EndpointPaths,
            serverKey: ServerKey, publicKeyVerification: (any PublicKeyVerification)?,
            jwkSets: (any JWKSetSource)?
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
            self.serverKey = serverKey
            self.publicKeyVerification = publicKeyVerification
            self.jwkSets = jwkSets
            self.issuing = Issuer(
                issuer: issuer, policy: policy, store: store, random: random, claims: claims,
                signingKeys: signingKeys, serverKey: serverKey)
        }
    }
    private let storage: Storage

    /// The issuer identifier (RFC 8414 §2): an https URL without query or fragment.
    public var issuer: String { storage.issuer }
    public var policy: Policy { storage.policy }
    public var clients: any ClientStore { storage.clients }
    public var store: any GrantStore { storage.store }
    public var clock: any WallClock { storage.clock }
    public var random: any RandomSource { storage.random }
    /// Hashes client secrets; the one used everywhere, also to read client files
    /// (`InMemoryClientStore(json:hashingWith:)`).
    public var secretHasher: any SecretHasher { storage.secretHasher }
    /// What the host knows about users (userinfo, ID token claims, introspection's username).
    public var claims: (any ClaimsSource)? { storage.claims }
    /// Keys that sign ID tokens; nil turns OpenID Connect off (no ID tokens, no userinfo, no JWKS).
    /// A symmetric active key (HS256) counts only with `Policy.allowsSymmetricIDTokenSignatures`:
    /// every client that can check such a token could forge one (OpenID Connect Core §10.1).
    public var signingKeys: SigningKeys? { storage.signingKeys }
    /// Where the host serves each endpoint, for the metadata and `handle(_:)`.
    public var paths: EndpointPaths { storage.paths }
    /// Derives what the server must answer again without storing it (a refresh grace retry);
    /// processes sharing a store must share it.
    public var serverKey: ServerKey { storage.serverKey }
    /// Turns a `private_key_jwt` client's registered JWK into a verifier (RFC 7523 §2.2); nil
    /// leaves `private_key_jwt` off (not in the metadata, refused at every endpoint).
    public var publicKeyVerification: (any PublicKeyVerification)? { storage.publicKeyVerification }
    /// Reads the JWK Set of a client registered with `jwks_uri`; nil: such clients cannot
    /// authenticate.
    public var jwkSets: (any JWKSetSource)? { storage.jwkSets }

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
        // Core §10.1: HS256 with one server key is an explicit opt-in, never what a key implies.
        let signingKeys = signingKeys.flatMap { keys in
            keys.active.algorithm.isSymmetric && !policy.allowsSymmetricIDTokenSignatures ? nil : keys
        }
        storage = Storage(
            issuer: issuer, policy: policy, clients: clients, store: store, clock: clock, random: random,
            secretHasher: secretHasher, claims: claims, signingKeys: signingKeys, paths: paths,
            serverKey: serverKey, publicKeyVerification: publicKeyVerification, jwkSets: jwkSets)
    }

    /// Mints and records what the grants decide.
    var issuing: Issuer { storage.issuing }
}
