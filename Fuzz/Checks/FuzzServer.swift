import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// One server for all inputs, with clients the seed corpus knows, and a sentinel token no input
/// can know: it must stay live whatever the fuzzer sends.
final class FuzzServer: Sendable {
    static let shared = FuzzServer()

    let store: InMemoryGrantStore
    let server: AuthorizationServer
    let sentinel: Digest256
    static let sentinelValue = "gat_sentinel-never-sent-by-any-input-0123456789abcdef"
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let signingKey = Array("fuzz-signing-key-of-thirty-two-bytes!!".utf8)

    private init() {
        let hasher = SHA256SecretHasher()
        let clients = InMemoryClientStore([
            Client(
                id: "service", authentication: .clientSecret(hasher.hash("service-secret")), grantTypes: [.clientCredentials],
                allowedScopes: ["public", "profile"]),
            Client(
                id: "web", authentication: .clientSecret(hasher.hash("web-secret")),
                redirectURIs: ["https://web.example/cb", "http://127.0.0.1:8765/cb"],
                grantTypes: [.authorizationCode, .refreshToken, .implicit],
                postLogoutRedirectURIs: ["https://web.example/bye"]),
            Client(id: "spa", redirectURIs: ["https://spa.example/cb"], grantTypes: [.authorizationCode, .refreshToken]),
            Client(id: "tv", grantTypes: [.deviceCode, .refreshToken]),
        ])
        var policy = Policy()
        policy.knownScopes = ["public", "profile", "openid", "email", "message.send"]
        policy.allowsSymmetricIDTokenSignatures = true  // the fuzzer checks the ID tokens it gets
        store = InMemoryGrantStore()
        let keys = try? HS256Signer(key: FuzzServer.signingKey, keyID: "k1")
        server = AuthorizationServer(
            issuer: "https://as.example", policy: policy, clients: clients, store: store,
            clock: FixedClock(now: FuzzServer.start), signingKeys: keys.flatMap { try? SigningKeys(active: $0) })
        sentinel = Digest256(hashing: FuzzServer.sentinelValue)
        store.insertSync(
            AccessToken(client: "service", subject: nil, scopes: ["public"], issuedAt: FuzzServer.start, expiresAt: nil),
            at: sentinel)
    }

    /// Whether the sentinel still verifies.
    func sentinelIsLive() async -> Bool {
        let request = OAuthRequest(method: .get, path: "/", headers: ["Authorization": "Bearer \(Self.sentinelValue)"])
        if case .allowed = await server.resourceGuard().check(request, requiring: ["public"]) { return true }
        return false
    }

    /// Splits fuzz bytes into a request: `METHOD \0 header lines \0 body`; header lines are
    /// `Name: value` separated by newlines.
    static func request(from bytes: [UInt8], path: String) -> OAuthRequest {
        let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        let method = parts.count > 1 ? OAuthRequest.Method(rawValue: String(decoding: parts[0], as: UTF8.self)) : .post
        var headers = HeaderFields()
        if parts.count > 2 {
            for line in parts[1].split(separator: UInt8(ascii: "\n")) {
                let text = String(decoding: line, as: UTF8.self)
                guard let colon = text.firstIndex(of: ":") else { continue }
                headers.append(
                    String(text[..<colon]), String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
        } else {
            headers.append("Content-Type", "application/x-www-form-urlencoded")
        }
        let body = parts.last.map(Array.init) ?? []
        return OAuthRequest(method: method, path: path, headers: headers, body: body)
    }
}
