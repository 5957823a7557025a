import DemoServer
import Foundation
import Granted
import GrantedCrypto

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The authorization server's signing keys, as a resource server elsewhere learns them: its
/// metadata (RFC 8414 §3) names `jwks_uri`, whose JWK Set (RFC 7517 §5) holds the keys that
/// sign JWT access tokens (RFC 9068 §4); GrantedCrypto's `PublicKeyVerification` builds a
/// verifier for each, pinned to the algorithm its JWK names. Fetched at start, and again when a token names a `kid`
/// it does not know (a key rotation), at most once per `refreshInterval`.
public actor IssuerKeys {
    /// What fetching a URL answers: the body, or an error. A seam so tests answer in process.
    public typealias Fetch = @Sendable (URL) async throws -> Data

    public enum Problem: Error, CustomStringConvertible {
        case metadata(String)
        case jwks(String)
        public var description: String {
            switch self {
            case .metadata(let why): "the authorization server's metadata: \(why)"
            case .jwks(let why): "the authorization server's JWK Set: \(why)"
            }
        }
    }

    public let issuer: String
    private let fetch: Fetch
    private let clock: any WallClock
    private let refreshInterval: TimeInterval
    private let verification: any PublicKeyVerification
    private var verifiers: [any SignatureVerifier] = []
    private var knownKeyIDs: Set<String> = []
    private var lastFetch: Date?

    public init(
        issuer: String, clock: any WallClock = SystemClock(), refreshInterval: TimeInterval = 30,
        verification: any PublicKeyVerification = CryptoKeyVerification(),
        fetch: @escaping Fetch = IssuerKeys.urlSession
    ) {
        self.verification = verification
        self.issuer = issuer
        self.fetch = fetch
        self.clock = clock
        self.refreshInterval = refreshInterval
    }

    /// `URLSession`'s answer for a 2xx; any other status is an error.
    public static let urlSession: Fetch = { url in
        let (data, response) = try await URLSession.shared.data(from: url)
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            throw Problem.jwks("\(url) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return data
    }

    /// The verifiers to check a token with: the current keys, fetched again first when the
    /// token's `kid` is new and the last fetch is older than the refresh interval.
    public func verifiers(forKeyID keyID: String?) async -> [any SignatureVerifier] {
        let stale = lastFetch.map { clock.now.timeIntervalSince($0) >= refreshInterval } ?? true
        let unknown = keyID.map { !knownKeyIDs.contains($0) } ?? verifiers.isEmpty
        if unknown && stale {
            try? await refresh()
        }
        return verifiers
    }

    /// Reads the metadata, then the JWK Set; keeps a verifier for each signing key whose `alg`
    /// GrantedCrypto verifies (RS256, PS256, ES256, EdDSA). Keys of other types, `use: enc`, RSA
    /// under 2048 bits or without `alg` are skipped: the token never picks the algorithm.
    public func refresh() async throws {
        lastFetch = clock.now
        let metadataURL = issuer + "/.well-known/oauth-authorization-server"
        guard let url = URL(string: metadataURL) else { throw Problem.metadata("\(metadataURL) is not a URL") }
        let metadata = try JSONSerialization.jsonObject(with: try await fetch(url)) as? [String: Any]
        guard let metadata, metadata["issuer"] as? String == issuer else {
            // RFC 8414 §3.3: the issuer in the document must be the one it was fetched for.
            throw Problem.metadata("its issuer is not \(issuer)")
        }
        guard let jwksText = metadata["jwks_uri"] as? String, let jwksURL = URL(string: jwksText) else {
            throw Problem.metadata("no jwks_uri")
        }
        let set: JWKSet
        do {
            set = try JWKSet(json: Array(try await fetch(jwksURL)))
        } catch let error as JWK.ParseError {
            throw Problem.jwks("not a JWK Set (\(error))")
        }
        let fresh = verification.verifiers(for: set)
        verifiers = fresh
        knownKeyIDs = Set(fresh.compactMap(\.keyID))
    }
}

extension IssuerKeys {
    /// The `kid` of a Bearer JWT's header, to notice a key the server has not fetched yet.
    public static func keyID(of request: OAuthRequest) -> String? {
        guard let header = request.headers["authorization"], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else { return nil }
        let token = header.dropFirst(7)
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first,
            let bytes = Base64URL.decode(first),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return nil }
        return object["kid"] as? String
    }
}
