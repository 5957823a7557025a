import Foundation
import Granted

/// What `demo-server`'s flags set (the README's "The demo server" section lists them).
public struct DemoConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Defaults to `http://HOST:PORT`.
    public var issuer: String
    public var accessTokenLifetime: TimeInterval = 14 * 24 * 3600
    public var authorizationCodeLifetime: TimeInterval = 30
    public var idTokenLifetime: TimeInterval = 3600
    /// How long a device code and its user code live (RFC 8628 §3.2 `expires_in`).
    public var deviceCodeLifetime: TimeInterval = 600
    /// The seconds a device waits between polls (RFC 8628 §3.2 `interval`).
    public var devicePollInterval: TimeInterval = 5
    public var fixtures: DemoFixtures
    /// Signs ID tokens; its public key is in the JWK Set.
    public var signer: any Signer
    /// Where grants live: in memory by default, or a database every demo process shares.
    public var store: any GrantStore = InMemoryGrantStore()
    /// Where clients live beside the grants, when that is a database: the fixtures' clients are
    /// written into it when the demo starts, and clients registered through `/register`
    /// or `granted clients add` are read from it. Nil: the fixtures' clients, in memory.
    public var clients: (any ClientRegistry)?
    /// Derives registered clients' secrets and keys user codes and DPoP nonces: a database that
    /// outlives the process needs the same key at every start (`--server-key-file`).
    public var serverKey = ServerKey()
    public var clock: any WallClock = SystemClock()
    public var random: any RandomSource = SystemRandom()
    /// Largest request body read, on every route (413 beyond).
    public var maxBodyBytes = 64 * 1024
    /// More resource servers elsewhere (`--resource`), given JWT access tokens like the fixtures'.
    public var extraResources: [ResourceIdentifier] = []
    /// Fetches the documents of clients whose `client_id` is an https URL
    /// (`--client-metadata-documents`); nil: only the fixtures' clients exist.
    public var clientMetadataDocuments: (any ClientMetadataDocumentSource)?

    public enum Problem: Error, CustomStringConvertible {
        case issuerNotAResource(String)
        public var description: String {
            switch self {
            case .issuerNotAResource(let issuer):
                "the issuer \(issuer) must be an absolute URI without a fragment: it names the demo's API (RFC 8707)"
            }
        }
    }

    /// The demo's own API (`/user`, `/messages`) as a resource (RFC 8707 §2): the issuer URL.
    public var apiResource: ResourceIdentifier {
        get throws(Problem) {
            guard let identifier = ResourceIdentifier(rawValue: issuer) else { throw .issuerNotAResource(issuer) }
            return identifier
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, issuer: String? = nil, fixtures: DemoFixtures,
        signer: any Signer
    ) {
        self.host = host
        self.port = port
        self.issuer = issuer ?? Self.defaultIssuer(host: host, port: port)
        self.fixtures = fixtures
        self.signer = signer
    }

    /// `http://HOST:PORT`, with an IPv6 literal in brackets (RFC 3986 §3.2.2).
    public static func defaultIssuer(host: String, port: Int) -> String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// Granted's policy: the contract's lifetimes, the fixtures' scopes (`message.send`) known,
    /// the resources: the demo's API (opaque tokens, the default audience) and those elsewhere,
    /// and open dynamic registration (RFC 7591 §3) into the fixtures' in-memory client store.
    func policy() throws(Problem) -> Policy {
        var policy = Policy()
        var resources = ResourceRegistry()
        resources.register(ProtectedResource(try apiResource), isDefault: true)
        for resource in fixtures.resources { resources.register(resource) }
        for identifier in extraResources { resources.register(ProtectedResource(identifier, tokenFormat: .jwt)) }
        policy.resources = resources
        policy.accessTokenLifetime = accessTokenLifetime
        policy.authorizationCodeLifetime = authorizationCodeLifetime
        policy.idTokenLifetime = idTokenLifetime
        policy.deviceCodeLifetime = deviceCodeLifetime
        policy.devicePollingInterval = devicePollInterval
        policy.knownScopes = policy.knownScopes.union(fixtures.scopes).union([ResourceAPI.sendScope])
        policy.registration = .open
        // Open registration limits nothing a registered scope could: every client may ask for
        // every scope, and the user's consent decides (an MCP client steps up later).
        policy.registrationScopes = policy.knownScopes
        return policy
    }
}
