import ArgumentParser
import Foundation
import Granted
import Hummingbird
import Logging
import MCPServer

/// `mcp-server`: an MCP server whose tokens the demo authorization server issues.
@main
struct MCPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-server",
        abstract: "Granted's MCP example: a resource server (RFC 9728, RFC 8707, RFC 9068) for the demo server's tokens.")

    @Option(help: "The authorization server's issuer, e.g. http://127.0.0.1:8080.")
    var authorizationServer: String

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8931

    @Option(help: "This resource's identifier (default: http://HOST:PORT/mcp); the demo server needs the same --resource.")
    var resource: String?

    func validate() throws {
        guard let url = URL(string: authorizationServer), url.scheme == "http" || url.scheme == "https", url.host != nil
        else { throw ValidationError("--authorization-server takes an http(s) issuer URL") }
        if let resource, ResourceIdentifier(rawValue: resource) == nil {
            throw ValidationError("--resource \(resource) is not an absolute URI without a fragment")
        }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let identifier = resource ?? "http://\(shownHost):\(port)/mcp"
        guard let resourceIdentifier = ResourceIdentifier(rawValue: identifier) else {
            throw ValidationError("the resource identifier \(identifier) is not an absolute URI")
        }
        var logger = Logger(label: "mcp-server", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let issuer = authorizationServer.hasSuffix("/") ? String(authorizationServer.dropLast()) : authorizationServer
        let keys = IssuerKeys(issuer: issuer)
        // The keys now if the authorization server is up; else at the first token.
        do { try await keys.refresh() } catch { logger.warning("no keys yet from \(issuer): \(error)") }
        let server = MCPResourceServer(resource: resourceIdentifier, keys: keys)
        let path = server.endpointPath
        let host = host
        let app = server.application(host: host, port: port, logger: logger) { bound in
            FileHandle.standardOutput.write(Data("listening on http://\(shownHost):\(bound)\(path)\n".utf8))
        }
        try await app.runService()
    }
}
