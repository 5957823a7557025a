import DemoServer
import Foundation
import Granted
import GrantedCrypto
import GrantedTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import MCPServer
import Synchronization
import Testing

/// The MCP example's contract over HTTP: the demo (in process) issues the tokens, the MCP
/// server learns its keys through its metadata and JWK Set, and checks every request offline.
@Suite("MCP example: a resource server for the demo's JWT access tokens")
struct MCPServerTests {
    static let issuer = "http://127.0.0.1:8080"
    static let resource = "http://127.0.0.1:8931/mcp"
    static let metadataPath = "/.well-known/oauth-protected-resource/mcp"
    static let metadataURL = "http://127.0.0.1:8931" + metadataPath
    static let signer = Result { try AsymmetricSigner.generate(.rs256) }
    static let otherSigner = Result { try AsymmetricSigner.generate(.rs256) }

    /// The demo with the MCP resource registered, its clock, and fetches counted.
    final class Setup: Sendable {
        let demo: Demo
        let clock: ManualClock
        let fetches = Counter()
        let keys: IssuerKeys
        let server: MCPResourceServer

        init(signer: AsymmetricSigner? = nil) async throws {
            clock = ManualClock(Date())
            let path = DemoFixtures.defaultPath()
            let data = try #require(FileManager.default.contents(atPath: path))
            var configuration = DemoConfiguration(
                port: 8080, fixtures: try DemoFixtures(json: data), signer: try signer ?? MCPServerTests.signer.get())
            configuration.extraResources = [ResourceIdentifier(rawValue: MCPServerTests.resource)!]
            configuration.clock = clock
            let demo = try await Demo(configuration)
            self.demo = demo
            let fetches = fetches
            keys = IssuerKeys(issuer: MCPServerTests.issuer, clock: clock) { url in
                fetches.increment()
                let response = try #require(
                    await demo.server.handle(OAuthRequest(method: .get, path: url.path)), "\(url) is not served")
                return Data(response.body)
            }
            server = MCPResourceServer(
                resource: ResourceIdentifier(rawValue: MCPServerTests.resource)!, keys: keys, clock: clock)
        }

        /// An app-only token of demo-service for `resource` (nil: the demo's default, its own API).
        func token(scope: String, resource: String? = MCPServerTests.resource) async throws -> String {
            var form = "grant_type=client_credentials&scope=" + scope.replacingOccurrences(of: " ", with: "+")
            if let resource { form += "&resource=" + FormEncoder.encode(resource) }
            let request = OAuthRequest(
                method: .post, path: "/token",
                headers: [
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Authorization": "Basic " + Data("demo-service:demo-service-secret".utf8).base64EncodedString(),
                ],
                body: Array(form.utf8))
            let response = await demo.server.token(request)
            try #require(response.status == 200, "\(response.bodyText)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            return try #require(json["access_token"] as? String)
        }

        func run<Value: Sendable>(_ test: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
            let app = server.application(host: "127.0.0.1", port: 0)
            return try await app.test(.router) { client in try await test(client) }
        }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func increment() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    static func post(
        _ client: any TestClientProtocol, _ message: String, token: String?, path: String = "/mcp"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(
            uri: path, method: .post, headers: headers, body: ByteBuffer(string: message))
    }

    static let initialize =
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}"#
    static func call(_ tool: String, _ arguments: String = "{}") -> String {
        #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)}}"#
    }

    /// The tool result's JSON text content.
    static func toolResult(_ response: TestResponse) throws -> [String: Any] {
        let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        let result = try #require(body["result"] as? [String: Any], "no result in \(String(buffer: response.body))")
        let content = try #require((result["content"] as? [[String: Any]])?.first?["text"] as? String)
        return try #require(try JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: Any])
    }

    @Test("RFC 9728 §3.1, §3.2: the metadata at the path derived from /mcp")
    func metadata() async throws {
        let setup = try await Setup()
        try await setup.run { client in
            let response = try await client.execute(uri: Self.metadataPath, method: .get)
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(json["resource"] as? String == Self.resource)
            #expect(json["authorization_servers"] as? [String] == [Self.issuer])
            #expect(Set(json["scopes_supported"] as? [String] ?? []).isSuperset(of: ["public", "message.send"]))
            #expect(json["bearer_methods_supported"] as? [String] == ["header"])
        }
    }

    @Test("no token: 401 with exactly Bearer resource_metadata and the scope to ask for first (RFC 9728 §5.1, RFC 6750 §3)")
    func anonymous() async throws {
        let setup = try await Setup()
        try await setup.run { client in
            let response = try await Self.post(client, Self.initialize, token: nil)
            #expect(response.status == .unauthorized)
            #expect(
                response.headers[.wwwAuthenticate] == #"Bearer resource_metadata="\#(Self.metadataURL)", scope="public""#)
        }
    }

    @Test("a JWT for this resource: initialize, tools/list lists all three, whoami reads the verified token")
    func whoami() async throws {
        let setup = try await Setup()
        let token = try await setup.token(scope: "public")
        try await setup.run { client in
            let initialized = try await Self.post(client, Self.initialize, token: token)
            #expect(initialized.status == .ok, "\(String(buffer: initialized.body))")
            let listed = try await Self.post(client, #"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#, token: token)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [String: Any])
            let tools = ((body["result"] as? [String: Any])?["tools"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(Set(tools ?? []) == ["whoami", "send_message", "list_messages"])
            let me = try Self.toolResult(try await Self.post(client, Self.call("whoami"), token: token))
            #expect(me["sub"] as? String == "demo-service")
            #expect(me["client_id"] as? String == "demo-service")
            #expect(me["scope"] as? String == "public")
        }
    }

    @Test("a demo signing with ES256, EdDSA or PS256: the MCP server verifies through the JWK Set's alg",
          arguments: [JWSAlgorithm.es256, .edDSA, .ps256])
    func otherAlgorithms(_ algorithm: JWSAlgorithm) async throws {
        let setup = try await Setup(signer: try AsymmetricSigner.generate(algorithm))
        let token = try await setup.token(scope: "public")
        let header = try #require(token.split(separator: ".").first.flatMap { Base64URL.decode($0) })
        #expect(String(decoding: header, as: UTF8.self).contains(#""alg":"\#(algorithm.rawValue)""#))
        try await setup.run { client in
            let me = try Self.toolResult(try await Self.post(client, Self.call("whoami"), token: token))
            #expect(me["sub"] as? String == "demo-service")
        }
    }

    @Test("send_message needs message.send: 403 insufficient_scope naming it and the metadata, for a step-up")
    func stepUp() async throws {
        let setup = try await Setup()
        let narrow = try await setup.token(scope: "public")
        let wide = try await setup.token(scope: "public message.send")
        try await setup.run { client in
            let refused = try await Self.post(client, Self.call("send_message", #"{"to":"bob","text":"hi"}"#), token: narrow)
            #expect(refused.status == .forbidden)
            let challenge = try #require(refused.headers[.wwwAuthenticate])
            #expect(challenge.contains(#"error="insufficient_scope""#))
            #expect(challenge.contains(#"scope="message.send public""#))
            #expect(challenge.contains(#"resource_metadata="\#(Self.metadataURL)""#))
            let sent = try Self.toolResult(
                try await Self.post(client, Self.call("send_message", #"{"to":"bob","text":"hi"}"#), token: wide))
            #expect(sent["from"] as? String == "demo-service" && sent["to"] as? String == "bob")
            let listed = try await Self.post(client, Self.call("list_messages"), token: wide)
            #expect(String(buffer: listed.body).contains(try #require(sent["id"] as? String)))
        }
    }

    enum BadToken: String, CaseIterable, Sendable {
        case forTheDemosAPI, signedByAnotherKey, expired, notAJWT
    }

    @Test("a token that is not for this resource, not the issuer's, expired or opaque: 401 invalid_token", arguments: BadToken.allCases)
    func refused(_ bad: BadToken) async throws {
        let setup = try await Setup()
        let token: String
        switch bad {
        case .forTheDemosAPI:
            // The demo's own API is the default audience; its tokens are opaque, so ask for a JWT
            // resource that is not this one.
            token = try await setup.token(scope: "public", resource: "https://tools.demo.example/mcp")
        case .signedByAnotherKey:
            token = try await Setup(signer: try Self.otherSigner.get()).token(scope: "public")
        case .expired:
            token = try await setup.token(scope: "public")
            setup.clock.advance(by: 14 * 24 * 3600 + 10)
        case .notAJWT:
            token = try await setup.token(scope: "public", resource: nil)
        }
        try await setup.run { client in
            let response = try await Self.post(client, Self.call("whoami"), token: token)
            #expect(response.status == .unauthorized)
            let challenge = try #require(response.headers[.wwwAuthenticate])
            #expect(challenge.hasPrefix(#"Bearer resource_metadata="\#(Self.metadataURL)""#))
            #expect(challenge.contains(#"error="invalid_token""#))
        }
    }

    @Test("a token in the query is refused (RFC 6750 §2.3 via RFC 9700 §4.3.2)")
    func queryToken() async throws {
        let setup = try await Setup()
        let token = try await setup.token(scope: "public")
        try await setup.run { client in
            let response = try await Self.post(client, Self.call("whoami"), token: token, path: "/mcp?access_token=\(token)")
            #expect(response.status == .badRequest || response.status == .unauthorized)
        }
    }

    @Test("keys are fetched at the first token and again only for an unknown kid, at most once per interval")
    func keyRefresh() async throws {
        let setup = try await Setup()
        let token = try await setup.token(scope: "public")
        let stranger = try await Setup(signer: try Self.otherSigner.get()).token(scope: "public")
        try await setup.run { client in
            #expect(setup.fetches.count == 0)
            let first = try await Self.post(client, Self.call("whoami"), token: token)
            #expect(first.status == .ok)
            #expect(setup.fetches.count == 2, "the metadata, then the JWK Set")
            let second = try await Self.post(client, Self.call("whoami"), token: token)
            #expect(second.status == .ok)
            #expect(setup.fetches.count == 2, "a known kid fetches nothing")
            let unknown = try await Self.post(client, Self.call("whoami"), token: stranger)
            #expect(unknown.status == .unauthorized)
            #expect(setup.fetches.count == 2, "an unknown kid within the interval fetches nothing")
            setup.clock.advance(by: 31)
            let later = try await Self.post(client, Self.call("whoami"), token: stranger)
            #expect(later.status == .unauthorized)
            #expect(setup.fetches.count == 4, "after the interval, an unknown kid fetches the keys again")
        }
    }

    @Test("the Swift MCP SDK's client, over a socket with the Bearer token: initialize, tools/list, tools/call")
    func swiftSDKClient() async throws {
        let setup = try await Setup()
        let token = try await setup.token(scope: "public message.send")
        let app = setup.server.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { live in
            let port = try #require(live.port)
            let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)/mcp"))
            // The SDK's own OAuthAuthorizer refuses an authorization server over plain http
            // (loopback included) outside its package, so the token comes from the demo here.
            let transport = HTTPClientTransport(
                endpoint: endpoint, streaming: false,
                requestModifier: { request in
                    var request = request
                    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                    return request
                })
            let client = MCP.Client(name: "granted-tests", version: "1.0.0")
            let initialized = try await client.connect(transport: transport)
            #expect(initialized.serverInfo.name == "granted-mcp-example")
            let tools = try await client.listTools().tools.map(\.name)
            #expect(Set(tools) == ["whoami", "send_message", "list_messages"])
            let (content, isError) = try await client.callTool(name: "whoami")
            #expect(isError != true)
            guard case .text(let text, _, _) = try #require(content.first) else {
                Issue.record("whoami answered \(content)")
                return
            }
            let me = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
            #expect(me == ["sub": "demo-service", "client_id": "demo-service", "scope": "message.send public"])
            let sent = try await client.callTool(name: "send_message", arguments: ["to": "bob", "text": "hi"])
            #expect(sent.isError != true)
            await client.disconnect()
        }
    }
}
