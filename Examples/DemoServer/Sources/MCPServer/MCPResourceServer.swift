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
            scopesSupported: ScopeSet(MCPTools.all.map(\.scope)), resourceName: "Granted's MCP example")
    }

    /// The path clients post to: the identifier's path (`/mcp` by default).
    public var endpointPath: String {
        URL(string: resource.rawValue).map { $0.path.isEmpty ? "/" : $0.path } ?? "/mcp"
    }

    /// A guard for the keys known now: no store (nothing is looked up per request), this
    /// resource's audience, no realm (the challenge is `Bearer resource_metadata="…"`), and a 401
    /// that names `scope="public"`, what every tool but `send_message` needs: the MCP
    /// authorization specification's clients ask for the challenge's scope first and step up on
    /// a 403 for the rest.
    func resourceGuard(_ verifiers: [any SignatureVerifier]) -> ResourceGuard {
        var resourceGuard = ResourceGuard(
            store: nil, clock: clock, realm: nil, metadata: metadata,
            jwtVerifier: JWTAccessToken.Verifier(
                issuer: keys.issuer, resource: resource, verifiers: verifiers, leeway: leeway))
        resourceGuard.challengeScope = [.public]
        return resourceGuard
    }

    /// Every route: the metadata (RFC 9728 §3.1) and the MCP endpoint, each through `handle`.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let server = self
        for path in [metadata.path, endpointPath] {
            router.serve(path, maxBodyBytes: maxBodyBytes) { await server.handle($0) ?? OAuthResponse(status: 404) }
        }
        return router
    }

    /// Answers a request for one of the server's two paths; nil for any other path.
    public func handle(_ request: OAuthRequest) async -> OAuthResponse? {
        switch request.path {
        case metadata.path:
            guard request.method == .get || request.method == .head else {
                return OAuthResponse(status: 405, headers: ["Allow": "GET"])
            }
            return resourceGuard([]).metadataResponse
        case endpointPath:
            return await respond(to: request)
        default:
            return nil
        }
    }

    /// `/mcp`: the token first (401 without a good one, 403 for a tool whose scope it lacks),
    /// then the MCP message, answered by a server made for this request.
    func respond(to request: OAuthRequest) async -> OAuthResponse {
        let verifiers = await keys.verifiers(forKeyID: IssuerKeys.keyID(of: request))
        let required = MCPTools.requiredScopes(request.body)
        let grant: AccessGrant
        switch await resourceGuard(verifiers).check(request, requiring: required) {
        case .denied(let response, _): return response
        case .allowed(let allowed): grant = allowed
        }
        return await answer(request, for: grant)
    }

    /// One stateless MCP exchange: a fresh SDK server whose tools act for `grant`.
    func answer(_ request: OAuthRequest, for grant: AccessGrant) async -> OAuthResponse {
        let server = Server(
            name: "granted-mcp-example", version: "1.0.0",
            capabilities: .init(tools: .init(listChanged: false)))
        let messages = messages
        let caller = MCPTools.Caller(grant)
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: MCPTools.all.map(\.tool))
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await MCPTools.call(parameters, as: caller, messages: messages)
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
