import DemoServer
import Foundation
import Granted
import GrantedTesting
import MCP
import Synchronization
import Testing

import MCPServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The Swift MCP SDK's own OAuth client, `OAuthAuthorizer`, unmodified, against the MCP example
/// and the demo: from nothing but the MCP server's URL it reads the 401's protected resource
/// metadata (RFC 9728) and the authorization server's metadata (RFC 8414), gets a token for the
/// scope the 401 names with `resource` (RFC 8707), calls the tools, and steps up on a 403.
///
/// The SDK computes PKCE S256 with CryptoKit only, so on Linux its code flow stops at
/// `pkceS256Unavailable`: here it runs the client credentials grant as `demo-service`, and the
/// code flow with dynamic registration (RFC 7591) runs where CryptoKit is (and, on every
/// platform, in CI through the Python MCP SDK). The SDK talks to authorization servers over
/// https only, so both servers get https names (`https://as-….example`,
/// `https://mcp-….example/mcp`) and ``InProcessHTTPS`` answers those requests in process, where
/// TLS would stand: the SDK's URL loading is otherwise untouched.
@Suite("MCP example: the Swift MCP SDK's OAuthAuthorizer")
struct OAuthAuthorizerTests {
    static let alice: Subject = "32a9a4d0-cb6e-463f-a0ab-63d0a0418bc7"
    static let callback = URL(string: "http://127.0.0.1:8765/mcp-callback")!

    /// The two servers, named for this test alone and answered in process.
    struct Servers: Sendable {
        let demo: Demo
        let mcp: MCPResourceServer
        let endpoint: URL
        let issuerHost: String
        let mcpHost: String

        init() async throws {
            let name = UUID().uuidString.lowercased().prefix(8)
            issuerHost = "as-\(name).example"
            mcpHost = "mcp-\(name).example"
            let issuer = "https://\(issuerHost)"
            endpoint = try #require(URL(string: "https://\(mcpHost)/mcp"))
            let resource = try #require(ResourceIdentifier(rawValue: endpoint.absoluteString))
            let data = try #require(FileManager.default.contents(atPath: DemoFixtures.defaultPath()))
            var configuration = DemoConfiguration(
                port: 443, issuer: issuer, fixtures: try DemoFixtures(json: data),
                signer: try MCPServerTests.signer.get())
            configuration.extraResources = [resource]
            let demo = try await Demo(configuration)
            self.demo = demo
            let keys = IssuerKeys(issuer: issuer) { url in
                let response = try #require(await demo.server.handle(OAuthRequest(method: .get, path: url.path)))
                return Data(response.body)
            }
            let mcp = MCPResourceServer(resource: resource, keys: keys)
            self.mcp = mcp
            InProcessHTTPS.serve(issuerHost) { request in
                await demo.server.handle(request) ?? OAuthResponse(status: 404)
            }
            InProcessHTTPS.serve(mcpHost) { request in await mcp.handle(request) ?? OAuthResponse(status: 404) }
        }

        func stop() {
            InProcessHTTPS.stopServing(issuerHost)
            InProcessHTTPS.stopServing(mcpHost)
        }
    }

    /// Alice in her browser: the demo validates the authorization request and she approves it.
    final class Browser: OAuthAuthorizationDelegate {
        let server: AuthorizationServer
        private let presented = Mutex<[URL]>([])
        init(server: AuthorizationServer) { self.server = server }

        var authorizationURLs: [URL] { presented.withLock { $0 } }

        func presentAuthorizationURL(_ url: URL) async throws -> URL {
            presented.withLock { $0.append(url) }
            let request = OAuthRequest(method: .get, path: url.path, query: url.query)
            let redirect = try await server.approvedRedirect(request, subject: OAuthAuthorizerTests.alice)
            return try #require(redirect.response.headers["Location"].flatMap(URL.init(string:)))
        }
    }

    static func scopes(of url: URL) -> Set<String> {
        let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        return Set((items.first { $0.name == "scope" }?.value ?? "").split(separator: " ").map(String.init))
    }

    static func json(_ result: (content: [Tool.Content], isError: Bool?)) throws -> [String: Any] {
        guard case .text(let text, _, _)? = result.content.first else {
            Issue.record("no text content")
            return [:]
        }
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func transport(_ servers: Servers, _ authorizer: OAuthAuthorizer) -> HTTPClientTransport {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.protocolClasses = [InProcessHTTPS.self]
        return HTTPClientTransport(
            endpoint: servers.endpoint, configuration: configuration, streaming: false, authorizer: authorizer)
    }

    @Test("discovery from the 401, a client credentials token for the challenge's scope and resource, a step-up")
    func clientCredentials() async throws {
        let servers = try await Servers()
        defer { servers.stop() }
        let authorizer = OAuthAuthorizer(
            configuration: OAuthConfiguration(
                grantType: .clientCredentials,
                authentication: .clientSecretBasic(clientID: "demo-service", clientSecret: "demo-service-secret")))
        let client = Client(name: "granted-tests", version: "1.0.0")
        _ = try await client.connect(transport: Self.transport(servers, authorizer))

        let (tools, _) = try await client.listTools()
        #expect(Set(tools.map(\.name)) == ["whoami", "send_message", "list_messages"])
        let me = try Self.json(try await client.callTool(name: "whoami"))
        #expect(me["sub"] as? String == "demo-service")
        #expect(me["scope"] as? String == "public")
        let first = try #require(authorizer.authorizationHeader(for: servers.endpoint))

        let sent = try Self.json(
            try await client.callTool(name: "send_message", arguments: ["to": "bob", "text": "hi from Swift"]))
        #expect(sent["from"] as? String == "demo-service")
        let stepped = try #require(authorizer.authorizationHeader(for: servers.endpoint))
        #expect(stepped != first)
        let token = try #require(stepped.split(separator: " ").last.map(String.init))
        let status = try await servers.demo.server.inspectToken(token)
        #expect(status?.isActive == true && status?.scopes == ["public", "message.send"])
        await client.disconnect()
    }

#if canImport(CryptoKit)
    @Test("discovery, dynamic registration, PKCE with resource, tools, and a step-up for send_message")
    func wholeFlow() async throws {
        let servers = try await Servers()
        defer { servers.stop() }
        let browser = Browser(server: servers.demo.server)
        let authorizer = OAuthAuthorizer(
            configuration: OAuthConfiguration(
                grantType: .authorizationCode, authentication: .none(clientID: ""),
                authorizationRedirectURI: Self.callback, clientName: "OAuthAuthorizerTests",
                authorizationDelegate: browser))
        let client = Client(name: "granted-tests", version: "1.0.0")
        _ = try await client.connect(transport: Self.transport(servers, authorizer))

        // The 401 named scope=public; the SDK registered and asked for exactly that.
        let first = try #require(browser.authorizationURLs.first)
        let query = URLComponents(url: first, resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(query.first { $0.name == "resource" }?.value == servers.endpoint.absoluteString)
        #expect(query.first { $0.name == "code_challenge_method" }?.value == "S256")
        #expect(Self.scopes(of: first) == ["public"])
        let clientID = try #require(query.first { $0.name == "client_id" }?.value)
        #expect(!["", "demo-spa", "demo-web"].contains(clientID))
        let registered = try #require(try await servers.demo.server.clients.client(ClientID(clientID)))
        #expect(!registered.isConfidential)

        let (tools, _) = try await client.listTools()
        #expect(Set(tools.map(\.name)) == ["whoami", "send_message", "list_messages"])
        let me = try Self.json(try await client.callTool(name: "whoami"))
        #expect(me["sub"] as? String == Self.alice.rawValue)
        #expect(me["client_id"] as? String == clientID)
        #expect(me["scope"] as? String == "public")

        let sent = try Self.json(
            try await client.callTool(name: "send_message", arguments: ["to": "bob", "text": "hi from Swift"]))
        #expect(sent["from"] as? String == Self.alice.rawValue)
        #expect(browser.authorizationURLs.count == 2)
        #expect(browser.authorizationURLs.last.map(Self.scopes(of:)) == ["public", "message.send"])
        let listed = try await client.callTool(name: "list_messages")
        guard case .text(let text, _, _)? = listed.content.first else {
            Issue.record("list_messages answered no text")
            return
        }
        #expect(text.contains(try #require(sent["id"] as? String)))
        await client.disconnect()
    }
#endif
}

/// Answers https requests for the hosts a test serves, in process, through a handler that
/// takes Granted's request values: the stand-in for TLS in front of the two servers.
final class InProcessHTTPS: URLProtocol {
    typealias Handler = @Sendable (OAuthRequest) async -> OAuthResponse
    private static let handlers = Mutex<[String: Handler]>([:])

    static func serve(_ host: String, _ handler: @escaping Handler) { handlers.withLock { $0[host] = handler } }
    static func stopServing(_ host: String) { _ = handlers.withLock { $0.removeValue(forKey: host) } }
    static func handler(for url: URL?) -> Handler? {
        guard url?.scheme == "https", let host = url?.host else { return nil }
        return handlers.withLock { $0[host] }
    }

    override class func canInit(with request: URLRequest) -> Bool { handler(for: request.url) != nil }
    override class func canonicalRequest(for request: URLRequest) -> URLRequest { request }

    override func startLoading() {
        guard let url = request.url, let handler = Self.handler(for: url) else {
            client?.urlProtocol(self, didFailWithError: URLError(.unsupportedURL))
            return
        }
        var headers = HeaderFields()
        for (name, value) in request.allHTTPHeaderFields ?? [:] { headers.append(name, value) }
        let body = request.httpBody ?? request.httpBodyStream.map(Self.read) ?? Data()
        let oauthRequest = OAuthRequest(
            method: OAuthRequest.Method(rawValue: request.httpMethod ?? "GET"), path: url.path,
            query: url.query, headers: headers, body: Array(body))
        // Foundation calls a protocol's client from any thread; URLProtocol itself is not
        // Sendable, so the instance crosses into the task in a box. A load that was stopped
        // (the session cancelled it) is not answered: Foundation has answered it already.
        let loading = Loading(protocol: self)
        Task {
            let response = await handler(oauthRequest)
            guard loading.protocol.state.withLock({ $0.begin() }) else { return }
            let (protocolInstance, client) = (loading.protocol, loading.protocol.client)
            var fields: [String: String] = [:]
            for field in response.headers { fields[field.name] = field.value }
            let answer = HTTPURLResponse(url: url, statusCode: response.status, httpVersion: "HTTP/1.1", headerFields: fields)
            if let answer { client?.urlProtocol(protocolInstance, didReceive: answer, cacheStoragePolicy: .notAllowed) }
            client?.urlProtocol(protocolInstance, didLoad: Data(response.body))
            client?.urlProtocolDidFinishLoading(protocolInstance)
        }
    }

    override func stopLoading() { state.withLock { $0.stop() } }

    /// Whether the answer or the stop came first.
    enum State {
        case loading, answering, stopped
        mutating func begin() -> Bool {
            guard case .loading = self else { return false }
            self = .answering
            return true
        }
        mutating func stop() { if case .loading = self { self = .stopped } }
    }

    let state = Mutex(State.loading)

    private struct Loading: @unchecked Sendable {
        let `protocol`: InProcessHTTPS
    }

    private static func read(_ stream: InputStream) -> Data {
        stream.open()
        defer { stream.close() }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while stream.hasBytesAvailable {
            let count = stream.read(&buffer, maxLength: buffer.count)
            guard count > 0 else { break }
            data.append(buffer, count: count)
        }
        return data
    }
}

@Suite("MCP example: the README")
struct MCPReadmeTests {
    @Test("\"Protect an MCP server\" shows the glue file whole, as it is")
    func glueFileInReadme() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../..").standardizedFileURL
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let glue = try String(
            contentsOf: root.appendingPathComponent("Examples/DemoServer/Sources/MCPServer/MCPResourceServer.swift"),
            encoding: .utf8)
        #expect(readme.contains("```swift\n" + glue + "```"))
    }
}
