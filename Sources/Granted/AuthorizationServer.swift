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
    public let secretHasher: any SecretHasher
    /// What the host knows about users (userinfo, ID token claims, introspection's username).
    public let claims: (any ClaimsSource)?
    /// Which clients may introspect which tokens (RFC 7662 §2.1, §4); by default a client its own
    /// tokens, and a resource server access tokens.
    public let introspectionAccess: IntrospectionAccess
    /// Keys that sign ID tokens; nil turns OpenID Connect off (no ID tokens, no userinfo, no JWKS).
    /// A symmetric active key (HS256) counts only with `Policy.allowsSymmetricIDTokenSignatures`:
    /// every client that can check such a token could forge one (OpenID Connect Core §10.1).
    public let signingKeys: SigningKeys?
    /// Where the host serves each endpoint, for the metadata and `handle(_:)`.
    public let paths: EndpointPaths
    /// Derives what the server must answer again without storing it (a refresh grace retry);
    /// processes sharing a store must share it.
    public let serverKey: ServerKey

    public init(
        issuer: String,
        policy: Policy = Policy(),
        clients: any ClientStore = InMemoryClientStore(),
        store: any GrantStore = InMemoryGrantStore(),
        clock: any WallClock = SystemClock(),
        random: any RandomSource = SystemRandom(),
        secretHasher: any SecretHasher = SHA256SecretHasher(),
        claims: (any ClaimsSource)? = nil,
        introspectionAccess: IntrospectionAccess = .issuedToCallerOrResourceServer,
        signingKeys: SigningKeys? = nil,
        paths: EndpointPaths = EndpointPaths(),
        serverKey: ServerKey = ServerKey()
    ) {
        self.issuer = issuer
        self.policy = policy
        self.clients = clients
        self.store = store
        self.clock = clock
        self.random = random
        self.secretHasher = secretHasher
        self.claims = claims
        self.introspectionAccess = introspectionAccess
        // Core §10.1: HS256 with one server key is an explicit opt-in, never what a key implies.
        self.signingKeys = signingKeys.flatMap { keys in
            keys.active.algorithm.isSymmetric && !policy.allowsSymmetricIDTokenSignatures ? nil : keys
        }
        self.paths = paths
        self.serverKey = serverKey
    }

    /// Runs a seam call, turning any failure of the host's I/O into `server_error` so that no
    /// storage detail reaches a client.
    @inline(__always)
    func seam<T>(_ body: () async throws -> T) async throws(OAuthError) -> T {
        do { return try await body() } catch { throw .serverError }
    }
}
