import DemoServer
import Foundation
import Granted
import GrantedCrypto
import GrantedTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The demo server as the tests start it: the repository's fixtures, one RS256 key shared by
/// every test (key generation is the slow part), and optionally a manual clock.
enum DemoHarness {
    static let issuer = "http://127.0.0.1:8080"
    static let webCallback = "http://127.0.0.1:8765/callback"
    static let spaCallback = "http://127.0.0.1:8765/spa-callback"
    static let aliceSub = "32a9a4d0-cb6e-463f-a0ab-63d0a0418bc7"
    static let bobSub = "8f14e45f-ceea-4e7a-9b5c-2f1a0c3d4e5f"

    static let sharedSigner = Result { try AsymmetricSigner.generate(.rs256) }

    /// Requests are logged at info; the tests keep only errors.
    static var quietLogger: Logger {
        var logger = Logger(label: "demo-server-tests")
        logger.logLevel = .error
        return logger
    }

    static func configuration(clock: (any WallClock)? = nil) throws -> DemoConfiguration {
        let path = DemoFixtures.defaultPath()
        let data = try #require(FileManager.default.contents(atPath: path), "fixtures at \(path)")
        var configuration = DemoConfiguration(
            port: 8080, fixtures: try DemoFixtures(json: data), signer: try sharedSigner.get())
        if let clock { configuration.clock = clock }
        return configuration
    }

    /// Runs `test` against the demo's router (no sockets), with a fresh in-memory server.
    static func run<Value: Sendable>(
        clock: (any WallClock)? = nil, _ test: @Sendable (Client) async throws -> Value
    ) async throws -> Value {
        let demo = try await Demo(configuration(clock: clock))
        let app = demo.application(host: "127.0.0.1", port: 0, logger: quietLogger)
        return try await app.test(.router) { client in try await test(Client(client)) }
    }
}

/// A test client with a cookie jar, that speaks form posts and reads redirects.
actor Client {
    let http: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(_ http: any TestClientProtocol) { self.http = http }

    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil,
        sendCookies: Bool = true
    ) async throws -> TestResponse {
        var headers = headers
        if sendCookies, !cookies.isEmpty {
            headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await http.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        for setCookie in response.headers[values: .setCookie] {
            let pair = setCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
        }
        return response
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await request(.get, uri, headers: headers)
    }

    func post(_ uri: String, form: [(String, String)], headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await request(.post, uri, headers: headers, body: Array(FormEncoder.encode(form.map { ($0.0, Optional($0.1)) }).utf8))
    }

    /// A token endpoint request authenticated with HTTP Basic (RFC 6749 §2.3.1).
    func token(_ form: [(String, String)], basic: (String, String)? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let (id, secret) = basic {
            let credentials = Data("\(FormEncoder.encode(id)):\(FormEncoder.encode(secret))".utf8).base64EncodedString()
            headers[.authorization] = "Basic \(credentials)"
        }
        return try await post("/token", form: form, headers: headers)
    }

    /// Submits the page's form with its hidden inputs plus `extra`.
    func submit(_ page: TestResponse, _ extra: [(String, String)]) async throws -> TestResponse {
        let form = try HTMLForm(page)
        return try await post(form.action, form: form.hidden + extra)
    }

    /// Opens `uri`, signs in as `username` if the sign-in form shows, and answers the consent
    /// page with `decision`: the redirect the client would get.
    func authorize(
        _ uri: String, username: String = "alice", password: String = "wonderland", decision: String = "approve"
    ) async throws -> TestResponse {
        var page = try await get(uri)
        if try HTMLForm(page).isSignIn {
            page = try await submit(page, [("username", username), ("password", password)])
        }
        #expect(try HTMLForm(page).isConsent)
        return try await submit(page, [("decision", decision)])
    }
}

/// The one `<form method="post">` of a page.
struct HTMLForm {
    let action: String
    let hidden: [(String, String)]
    let inputNames: [String]
    let buttons: [(String, String)]

    init(_ response: TestResponse) throws {
        let html = String(buffer: response.body)
        try #require(response.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(html.components(separatedBy: #"<form method="post""#).count == 2, "exactly one form")
        let form = try #require(Self.tags("form", in: html).first, "a form in \(html)")
        action = try #require(form["action"])
        hidden = Self.tags("input", in: html).filter { $0["type"] == "hidden" }.compactMap { tag in
            tag["name"].map { ($0, tag["value"] ?? "") }
        }
        inputNames = Self.tags("input", in: html).filter { $0["type"] != "hidden" }.compactMap { $0["name"] }
        buttons = Self.tags("button", in: html).compactMap { tag in
            guard let name = tag["name"], let value = tag["value"] else { return nil }
            return (name, value)
        }
    }

    var isSignIn: Bool { inputNames.contains("username") && inputNames.contains("password") }
    var isConsent: Bool {
        buttons.contains { $0 == ("decision", "approve") } && buttons.contains { $0 == ("decision", "deny") }
    }
    func hiddenValue(_ name: String) -> String? { hidden.first { $0.0 == name }?.1 }

    /// The attributes of every `<tag …>`, entity-decoded.
    static func tags(_ name: String, in html: String) -> [[String: String]] {
        let tag = /<(form|input|button)\b([^>]*)>/
        let attribute = /([a-zA-Z_:-]+)="([^"]*)"/
        return html.matches(of: tag).filter { $0.output.1 == name }.map { match in
            let text = match.output.2
            var attributes: [String: String] = [:]
            for found in text.matches(of: attribute) {
                attributes[String(found.output.1)] = unescape(String(found.output.2))
            }
            return attributes
        }
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The JSON object of the body.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    func string(_ name: String) throws -> String {
        try #require(try json()[name] as? String, "\(name) in \(text)")
    }

    var location: String? { headers[.location] }

    /// The parameters of the redirect, from its query or fragment.
    func redirectParameters(in part: RedirectPart) throws -> [String: String] {
        let location = try #require(location, "a Location header")
        let components = try #require(URLComponents(string: location))
        let encoded = try #require(part == .query ? components.percentEncodedQuery : components.percentEncodedFragment)
        var parameters: [String: String] = [:]
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            parameters[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return parameters
    }
}

enum RedirectPart { case query, fragment }

/// Builds an authorization URL.
func authorizeURI(_ parameters: [(String, String)]) -> String {
    "/authorize?" + FormEncoder.encode(parameters.map { ($0.0, Optional($0.1)) })
}

/// The demo-web code request of the README.
let webCodeRequest: [(String, String)] = [
    ("response_type", "code"), ("client_id", "demo-web"), ("redirect_uri", DemoHarness.webCallback),
    ("scope", "public message.send"), ("state", "xyz"),
]

extension Client {
    /// Signs alice in for demo-web's code request, approves, and redeems the code.
    func webTokens(scope: String = "public message.send") async throws -> Tokens {
        var request = webCodeRequest
        request[3] = ("scope", scope)
        let redirect = try await authorize(authorizeURI(request))
        let code = try #require(try redirect.redirectParameters(in: .query)["code"])
        let response = try await token(
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", DemoHarness.webCallback)],
            basic: ("demo-web", "demo-web-secret"))
        #expect(response.status == .ok, "\(response.text)")
        let json = try response.json()
        return Tokens(
            access: try response.string("access_token"), refresh: json["refresh_token"] as? String,
            idToken: json["id_token"] as? String)
    }

    /// An app-only token of demo-service (client credentials).
    func serviceToken(scope: String = "public message.send") async throws -> String {
        let response = try await token(
            [("grant_type", "client_credentials"), ("scope", scope)], basic: ("demo-service", "demo-service-secret"))
        #expect(response.status == .ok, "\(response.text)")
        return try response.string("access_token")
    }

    nonisolated func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
}

extension HTTPField.Name {
    /// The demo's API-key header; a valid field name, so the initializer never fails.
    static let apiKey = HTTPField.Name("X-API-Key") ?? .authorization
}

/// What a token endpoint answered.
struct Tokens: Sendable {
    let access: String
    let refresh: String?
    let idToken: String?
}
