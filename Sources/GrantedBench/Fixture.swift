import Foundation
@_spi(Benchmarks) import Granted

/// A server whose store already holds many live access tokens, and one confidential client.
struct Fixture {
    static let clientID: ClientID = "bench-client"
    /// A generated secret of 256 bits, as a host would hand out.
    static let clientSecret = "vJ1rQ0b9Xk7mW2sT5yH8nC4pL6dF3gA0zE1uR9iO7qM"
    static let issuer = "https://auth.example.com"

    let server: AuthorizationServer
    let store: InMemoryGrantStore
    let prefilled: Int

    /// - Parameters:
    ///   - prefill: live access tokens inserted straight into the store (not through an endpoint).
    ///   - willIssue: tokens the scenario will add, so the store reserves room for them too and
    ///     never rehashes in a timed run.
    init(prefill: Int, willIssue: Int = 0, policy: Policy = Policy(), signingKeys: SigningKeys? = nil) {
        let clients = InMemoryClientStore([
            Client(
                id: Self.clientID, name: "Bench", authentication: .clientSecret(SHA256SecretHasher().hash(Self.clientSecret)),
                grantTypes: [.clientCredentials, .authorizationCode, .refreshToken])
        ])
        let start = nanoseconds()
        let rssBefore = Machine.residentBytes
        store = InMemoryGrantStore(expectedTokens: prefill + willIssue)
        server = AuthorizationServer(
            issuer: Self.issuer, policy: policy, clients: clients, store: store, signingKeys: signingKeys)
        Self.fill(store, count: prefill, now: Date(), policy: server.policy)
        prefilled = prefill
        var rss = ""
        if let before = rssBefore, let after = Machine.residentBytes {
            rss = ", resident memory +\((after - before) / 1_048_576) MiB"
        }
        note("prefilled \(Format.count(prefill)) tokens in \(Format.seconds(nanoseconds() - start))\(rss)")
    }

    /// Inserts `count` app-only tokens under the SHA-256 of counter-derived bytes (distinct from
    /// any real token's digest), all sharing one client id and scope set as real ones do.
    private static func fill(_ store: InMemoryGrantStore, count: Int, now: Date, policy: Policy) {
        let scopes = policy.defaultScopes
        let expiry = policy.accessTokenLifetime.map { now + $0 }
        let token = AccessToken(
            client: clientID, subject: nil, scopes: scopes, issuedAt: now, expiresAt: expiry)
        for i in 0..<count { store.insertSync(token, at: prefillDigest(i)) }
    }

    /// The key of the `i`th prefilled token: the SHA-256 of "granted!" and the counter.
    static func prefillDigest(_ i: Int) -> Digest256 {
        var seed: (UInt64, UInt64) = (0x6772_616e_7465_6421, UInt64(i))
        return withUnsafeBytes(of: &seed) { Digest256(hashing: $0) }
    }

    /// `Authorization: Basic ...` for the bench client (RFC 6749 §2.3.1).
    static var basicAuthorization: String {
        BasicCredentials(clientID: clientID, secret: clientSecret).headerValue
    }

    /// The access token of a 200 token response, read straight from its JSON bytes.
    static func accessToken(fromBody body: [UInt8]) -> String? {
        FlowFixture.string(#""access_token":""#, in: body)
    }

    /// Issues `count` access tokens through the token endpoint and returns their values.
    func issueTokens(_ count: Int) async -> [String] {
        let request = OAuthRequest.form(
            "/token", "grant_type=client_credentials&scope=public",
            headers: ["Authorization": Self.basicAuthorization])
        var tokens: [String] = []
        tokens.reserveCapacity(count)
        for _ in 0..<count {
            let response = await server.token(request)
            guard response.status == 200, let token = Self.accessToken(fromBody: response.body) else {
                fail("token request answered \(response.status): \(response.bodyText)")
            }
            tokens.append(token)
        }
        return tokens
    }
}

/// An HTTP/1.1 request as the host's HTTP parser leaves it: method, target, header names and
/// values and body as byte ranges of the bytes read from the socket. `makeRequest()` is the
/// mapping every host writes (strings from bytes, the body copied into an array), so a scenario
/// that calls it per operation measures from raw request bytes, not from a prebuilt value.
struct RawRequest {
    private(set) var bytes: [UInt8]
    private let method: Range<Int>
    private let target: Range<Int>
    private let headers: [(name: Range<Int>, value: Range<Int>)]
    private let body: Range<Int>

    /// A copy with `value` written over `slot`, a range of the same length: how a scenario makes
    /// the request of one operation when only a token or code in it changes (a rotated refresh
    /// token, a fresh code). The client's work of composing the request is not the server's, so
    /// per operation the harness only copies the bytes, as a host receives them into a buffer.
    func filling(_ slot: Range<Int>, with value: String) -> RawRequest {
        var copy = self
        let written: Bool = copy.bytes.withUnsafeMutableBufferPointer { buffer in
            var value = value
            return value.withUTF8 { utf8 in
                guard utf8.count == slot.count else { return false }
                _ = UnsafeMutableBufferPointer(rebasing: buffer[slot]).update(fromContentsOf: utf8)
                return true
            }
        }
        guard written else { fail("a value of \(value.utf8.count) bytes for a slot of \(slot.count)") }
        return copy
    }

    /// The range of the first occurrence of `marker` in the body, to fill per operation.
    func bodySlot(of marker: String) -> Range<Int> {
        let needle = Array(marker.utf8)
        guard let start = body.first(where: { bytes[$0..<min($0 + needle.count, bytes.count)].elementsEqual(needle) })
        else { fail("no \(marker) in the body") }
        return start..<(start + needle.count)
    }

    /// Splits `text` (CRLF line ends, a blank line before the body) once, at setup.
    init(_ text: String) {
        let bytes = Array(text.utf8)
        self.bytes = bytes
        let crlf: [UInt8] = [0x0D, 0x0A]
        var lines: [Range<Int>] = []
        var position = 0
        var bodyStart = bytes.count
        while position < bytes.count {
            guard let end = (position..<(bytes.count - 1)).first(where: { bytes[$0..<($0 + 2)].elementsEqual(crlf) })
            else { fail("raw request without a blank line") }
            if end == position {
                bodyStart = end + 2
                break
            }
            lines.append(position..<end)
            position = end + 2
        }
        let requestLine = lines.removeFirst()
        let spaces = requestLine.filter { bytes[$0] == 0x20 }
        method = requestLine.lowerBound..<spaces[0]
        target = (spaces[0] + 1)..<spaces[1]
        headers = lines.map { line in
            let colon = line.first { bytes[$0] == UInt8(ascii: ":") }!
            var valueStart = colon + 1
            while valueStart < line.upperBound && bytes[valueStart] == 0x20 { valueStart += 1 }
            return (line.lowerBound..<colon, valueStart..<line.upperBound)
        }
        body = bodyStart..<bytes.count
    }

    /// A request with the given headers and form body, e.g. for the token endpoint.
    static func http(
        _ method: String, _ target: String, headers: [(String, String)], body: String = ""
    ) -> RawRequest {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: auth.example.com\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + body
        return RawRequest(text)
    }

    /// `POST /token` from the confidential bench client (`client_secret_basic`), asking for JSON,
    /// with the form `body` (RFC 6749 §4.4.2).
    static func token(body: String) -> RawRequest {
        http(
            "POST", "/token",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Authorization", Fixture.basicAuthorization),
                ("Accept", "application/json"),
            ],
            body: body)
    }

    /// The host's mapping to Granted's request value.
    @inline(__always)
    func makeRequest() -> OAuthRequest {
        bytes.withUnsafeBufferPointer { raw in
            func string(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: raw[range]), as: UTF8.self)
            }
            // The fields in one array of the right size, as a host maps its parser's header list.
            let fields = HeaderFields(headers.map { HeaderFields.Field(name: string($0.name), value: string($0.value)) })
            return OAuthRequest(
                method: OAuthRequest.Method(rawValue: string(method)), target: string(target), headers: fields,
                body: Array(UnsafeBufferPointer(rebasing: raw[body])))
        }
    }
}
