import DemoServer
import Foundation
import Granted
import Hummingbird
import Logging
import MCP

/// An MCP server (streamable HTTP, stateless) that is an OAuth resource server only: the demo
/// authorization server issues its tokens, and Granted's guard checks them offline as JWT access
/// tokens (RFC 9068 §4) against the issuer's JWK Set, with the audience of this resource
/// (RFC 8707). Its metadata (RFC 9728 §3) and every challenge (§5.1) lead a client that knows
/// only the URL to the authorization server.
public struct MCPResourceServer: Sendable {
    /// The tools, each with the scope a `tools/call` of it needs.
    static let tools: [(tool: Tool, scope: Scope)] = [
        (Tool(name: "whoami", description: "Who the access token acts for: sub, client_id and scope.",
              inputSchema: .object(["type": "object", "properties": .object([:])])), .public),
        (Tool(name: "send_message", description: "Sends a message to a user as the token's user.",
              inputSchema: .object([
                  "type": "object",
                  "properties": .object([
                      "to": .object(["type": "string", "description": "a username"]),
                      "text": .object(["type": "string"]),
                  ]),
                  "required": .array(["to", "text"]),
              ])), "message.send"),
        (Tool(name: "list_messages", description: "The messages the token's user sent, oldest first.",
              inputSchema: .object(["type": "object", "properties": .object([:])])), .public),
    ]

    public let resource: ResourceIdentifier
    public let keys: IssuerKeys
    let metadata: ProtectedResourceMetadata
    let messages = MCPMessages()
    let clock: any WallClock
    let maxBodyBytes: Int
    /// Clock skew tolerated on `exp` and `iat` (RFC 9068 §4 with RFC 7519 §4.1.4).
    let leeway: TimeInterval

    public init(
        resource: ResourceIdentifier, keys: IssuerKeys, clock: any WallClock = SystemClock(),
        maxBodyBytes: Int = 256 * 1024, leeway: TimeInterval = 5
    ) {
        self.resource = resource
        self.keys = keys
        self.clock = clock
        self.maxBodyBytes = maxBodyBytes
        self.leeway = leeway
        metadata = ProtectedResourceMetadata(
            resource: resource, authorizationServers: [keys.issuer],
            scopesSupported: ScopeSet(Self.tools.map(\.scope)), resourceName: "Granted's MCP example")
    }

    /// The path clients post to: the identifier's path (`/mcp` by default).
    public var endpointPath: String {
        URL(string: resource.rawValue).map { $0.path.isEmpty ? "/" : $0.path } ?? "/mcp"
    }

    /// A guard for the keys known now: no store (nothing is looked up per request), this
    /// resource's audience, no realm (the challenge is `Bearer resource_metadata="…"`).
    func resourceGuard(_ verifiers: [any SignatureVerifier]) -> ResourceGuard {
        ResourceGuard(
            store: nil, clock: clock, realm: nil, metadata: metadata,
            jwtVerifier: JWTAccessToken.Verifier(
                issuer: keys.issuer, resource: resource, verifiers: verifiers, leeway: leeway))
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let server = self
        let document = resourceGuard([]).metadataResponse ?? OAuthResponse(status: 404)
        router.serve(metadata.path, maxBodyBytes: maxBodyBytes) { request in
            request.method == .get || request.method == .head
                ? document : OAuthResponse(status: 405, headers: ["Allow": "GET"])
        }
        router.serve(endpointPath, maxBodyBytes: maxBodyBytes) { await server.respond(to: $0) }
        return router
    }

    /// `/mcp`: the token first (401 without a good one, 403 for a tool whose scope it lacks),
    /// then the MCP message, answered by a server made for this request.
    func respond(to request: OAuthRequest) async -> OAuthResponse {
        let verifiers = await keys.verifiers(forKeyID: Self.keyID(of: request))
        let required = Self.requiredScopes(request.body)
        let grant: AccessGrant
        switch await resourceGuard(verifiers).check(request, requiring: required) {
        case .denied(let response, _): return response
        case .allowed(let allowed): grant = allowed
        }
        return await answer(request, for: grant)
    }

    /// The scope a `tools/call` of a known tool needs (the contract's table); none for any other
    /// message, which a valid token for this resource may send.
    static func requiredScopes(_ body: [UInt8]) -> ScopeSet {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            object["method"] as? String == "tools/call",
            let name = (object["params"] as? [String: Any])?["name"] as? String,
            let scope = tools.first(where: { $0.tool.name == name })?.scope
        else { return .empty }
        return [scope]
    }

    /// The `kid` of a Bearer JWT's header, to notice a key the server has not fetched yet.
    static func keyID(of request: OAuthRequest) -> String? {
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

    /// One stateless MCP exchange: a fresh SDK server whose tools act for `grant`.
    func answer(_ request: OAuthRequest, for grant: AccessGrant) async -> OAuthResponse {
        let server = Server(
            name: "granted-mcp-example", version: "1.0.0",
            capabilities: .init(tools: .init(listChanged: false)))
        let messages = messages
        let caller = Caller(grant)
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: Self.tools.map(\.tool))
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await Self.call(parameters, as: caller, messages: messages)
        }
        let transport = StatelessHTTPServerTransport()
        do { try await server.start(transport: transport) } catch {
            return OAuthResponse(
                status: 500, headers: ["Content-Type": "application/json"], body: Array(#"{"error":"server_error"}"#.utf8))
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name] = field.value }
        let answer = await transport.handleRequest(
            MCP.HTTPRequest(
                method: request.method.rawValue, headers: headers, body: Data(request.body), path: request.path))
        await server.stop()
        var response = OAuthResponse(status: answer.statusCode, body: Array(answer.bodyData ?? Data()))
        for (name, value) in answer.headers { response.headers.append(name, value) }
        return response
    }

    /// Who the verified token acts for.
    struct Caller: Sendable {
        /// The user, or for an app-only token the client (RFC 9068 §2.2: `sub` is the client).
        let subject: String
        let client: String
        let scopes: ScopeSet

        init(_ grant: AccessGrant) {
            client = grant.client?.rawValue ?? ""
            subject = grant.subject?.rawValue ?? client
            scopes = grant.scopes ?? .empty
        }
    }

    static func call(_ parameters: CallTool.Parameters, as caller: Caller, messages: MCPMessages) async throws
        -> CallTool.Result
    {
        switch parameters.name {
        case "whoami":
            return try result(["sub": caller.subject, "client_id": caller.client, "scope": caller.scopes.description])
        case "send_message":
            guard let to = parameters.arguments?["to"]?.stringValue, (1...64).contains(to.count),
                let text = parameters.arguments?["text"]?.stringValue, (1...4096).contains(text.count)
            else {
                return CallTool.Result(
                    content: [
                        .text(
                            text: "send_message takes to (a username) and text (1 to 4096 characters)",
                            annotations: nil, _meta: nil)
                    ],
                    isError: true)
            }
            return try result(await messages.post(from: caller.subject, to: to, text: text).json)
        case "list_messages":
            return try result(await messages.sent(by: caller.subject).map(\.json))
        default:
            throw MCPError.invalidParams("unknown tool \(parameters.name)")
        }
    }

    /// JSON text content, keys sorted.
    static func result(_ value: Any) throws -> CallTool.Result {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        return CallTool.Result(content: [.text(text: String(decoding: data, as: UTF8.self), annotations: nil, _meta: nil)])
    }

    /// The Hummingbird application; `onServerRunning` learns the bound port.
    public func application(
        host: String, port: Int, logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "granted-mcp"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

/// The messages sent through `send_message`, in memory.
actor MCPMessages {
    struct Message: Sendable {
        let id: String
        let from: String
        let to: String
        let text: String
        var json: [String: String] { ["id": id, "from": from, "to": to, "text": text] }
    }

    private var messages: [Message] = []

    func post(from: String, to: String, text: String) -> Message {
        let message = Message(id: UUID().uuidString.lowercased(), from: from, to: to, text: text)
        messages.append(message)
        if messages.count > 1_000 { messages.removeFirst(messages.count - 1_000) }
        return message
    }

    func sent(by sender: String) -> [Message] { messages.filter { $0.from == sender } }
}
