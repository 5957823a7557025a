import DemoServer
import Foundation
import Granted
import _CryptoExtras

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The authorization server's signing keys, as a resource server elsewhere learns them: its
/// metadata (RFC 8414 §3) names `jwks_uri`, whose JWK Set (RFC 7517 §5) holds the RSA keys that
/// sign JWT access tokens (RFC 9068 §4). Fetched at start, and again when a token names a `kid`
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
    private var verifiers: [any SignatureVerifier] = []
    private var knownKeyIDs: Set<String> = []
    private var lastFetch: Date?

    public init(
        issuer: String, clock: any WallClock = SystemClock(), refreshInterval: TimeInterval = 30,
        fetch: @escaping Fetch = IssuerKeys.urlSession
    ) {
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

    /// Reads the metadata, then the JWK Set; keeps the RSA signature keys (RS256).
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
        let set = try JSONSerialization.jsonObject(with: try await fetch(jwksURL)) as? [String: Any]
        guard let keys = set?["keys"] as? [[String: Any]] else { throw Problem.jwks("no keys array") }
        var fresh: [any SignatureVerifier] = []
        for key in keys {
            guard key["kty"] as? String == "RSA", (key["use"] as? String ?? "sig") == "sig",
                (key["alg"] as? String ?? "RS256") == "RS256",
                let n = (key["n"] as? String).flatMap({ Base64URL.decode($0) }),
                let e = (key["e"] as? String).flatMap({ Base64URL.decode($0) }),
                let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { continue }
            fresh.append(RS256Verifier(key: publicKey, keyID: key["kid"] as? String))
        }
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
