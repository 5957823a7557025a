import Foundation
import Granted
import GrantedSQLite

/// The server every process builds: grants in the SQLite file, the one confidential client in
/// memory (a host's configured client), so issuing is one access-token insert and verifying one
/// read by digest, as the bare loop's rows are.
enum Fixture {
    static let clientID: ClientID = "bench-client"
    static let clientSecret = "vJ1rQ0b9Xk7mW2sT5yH8nC4pL6dF3gA0zE1uR9iO7qM"

    static func server(path: String, synchronous: SQLiteDatabase.Synchronous) -> AuthorizationServer {
        let database: SQLiteDatabase
        do { database = try SQLiteDatabase(path: path, synchronous: synchronous) } catch { fail("open \(path): \(error)") }
        let clients = InMemoryClientStore([
            Client(
                id: clientID, name: "Bench", authentication: .clientSecret(SHA256SecretHasher().hash(clientSecret)),
                grantTypes: [.clientCredentials])
        ])
        return AuthorizationServer(issuer: "https://auth.example.com", clients: clients, store: database.grantStore)
    }

    /// `POST /token` with client credentials and `client_secret_basic` (RFC 6749 §4.4.2).
    static let tokenRequest = RawRequest.http(
        "POST", "/token",
        headers: [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", BasicCredentials(clientID: clientID, secret: clientSecret).headerValue),
            ("Accept", "application/json"),
        ],
        body: "grant_type=client_credentials&scope=public")

    /// A resource request carrying `token` (RFC 6750 §2.1).
    static func bearerRequest(_ token: String) -> RawRequest {
        RawRequest.http("GET", "/v1/me", headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/json")])
    }

    /// Issues `count` tokens through the token endpoint and writes them beside the file, one a
    /// line, for the `verify` and `sqlite3.select` children.
    static func issueTokens(_ count: Int, server: AuthorizationServer, path: String) async {
        var lines = ""
        for _ in 0..<count {
            let response = await server.token(tokenRequest.makeRequest())
            guard response.status == 200, let token = accessToken(fromBody: response.body) else {
                fail("token request answered \(response.status): \(response.bodyText)")
            }
            lines += token + "\n"
        }
        do { try lines.write(toFile: tokensPath(path), atomically: true, encoding: .utf8) } catch {
            fail("write tokens: \(error)")
        }
    }

    static func readTokens(path: String) -> [String] {
        guard let text = try? String(contentsOfFile: tokensPath(path), encoding: .utf8) else { fail("no tokens file") }
        let tokens = text.split(separator: "\n").map(String.init)
        guard !tokens.isEmpty else { fail("empty tokens file") }
        return tokens
    }

    static func tokensPath(_ path: String) -> String { path + ".tokens" }

    /// The access token of a 200 token response, read straight from its JSON bytes.
    static func accessToken(fromBody body: [UInt8]) -> String? {
        let key = Array(#""access_token":""#.utf8)
        guard body.count > key.count,
            let start = (0...(body.count - key.count)).first(where: { body[$0..<($0 + key.count)].elementsEqual(key) })
        else { return nil }
        let valueStart = start + key.count
        guard let end = body[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: body[valueStart..<end], as: UTF8.self)
    }
}

/// An HTTP/1.1 request as the host's parser leaves it (byte ranges of what was read), and the
/// mapping every host writes to `OAuthRequest`: a scenario calling `makeRequest()` per
/// operation measures from raw request bytes, as `granted-bench` does.
struct RawRequest: Sendable {
    let bytes: [UInt8]
    private let method: Range<Int>
    private let target: Range<Int>
    private let headers: [(name: Range<Int>, value: Range<Int>)]
    private let body: Range<Int>

    static func http(_ method: String, _ target: String, headers: [(String, String)], body: String = "") -> RawRequest {
        var bytes = Array("\(method) \(target) HTTP/1.1\r\n".utf8)
        let methodRange = 0..<method.utf8.count
        let targetRange = (methodRange.upperBound + 1)..<(methodRange.upperBound + 1 + target.utf8.count)
        var ranges: [(name: Range<Int>, value: Range<Int>)] = []
        var all = [("Host", "auth.example.com")] + headers
        if !body.isEmpty { all.append(("Content-Length", String(body.utf8.count))) }
        for (name, value) in all {
            let nameStart = bytes.count
            bytes += Array(name.utf8)
            let nameRange = nameStart..<bytes.count
            bytes += Array(": ".utf8)
            let valueStart = bytes.count
            bytes += Array(value.utf8)
            ranges.append((nameRange, valueStart..<bytes.count))
            bytes += [0x0D, 0x0A]
        }
        bytes += [0x0D, 0x0A]
        let bodyStart = bytes.count
        bytes += Array(body.utf8)
        return RawRequest(
            bytes: bytes, method: methodRange, target: targetRange, headers: ranges, body: bodyStart..<bytes.count)
    }

    private init(
        bytes: [UInt8], method: Range<Int>, target: Range<Int>, headers: [(name: Range<Int>, value: Range<Int>)],
        body: Range<Int>
    ) {
        self.bytes = bytes
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The host's mapping to Granted's request value.
    func makeRequest() -> OAuthRequest {
        bytes.withUnsafeBufferPointer { raw in
            func string(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: raw[range]), as: UTF8.self)
            }
            var fields = HeaderFields()
            for header in headers { fields.append(string(header.name), string(header.value)) }
            return OAuthRequest(
                method: OAuthRequest.Method(rawValue: string(method)), target: string(target), headers: fields,
                body: Array(UnsafeBufferPointer(rebasing: raw[body])))
        }
    }
}
