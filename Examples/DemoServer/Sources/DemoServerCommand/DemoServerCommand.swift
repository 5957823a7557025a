import ArgumentParser
import DemoServer
import Foundation
import Granted
import GrantedCrypto
import GrantedPostgres
import GrantedSQLite
import Hummingbird
import Logging

/// `demo-server`: the flags and defaults the README's "The demo server" section lists.
@main
struct DemoServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-server",
        abstract: "Granted's demo OAuth 2 / OpenID Connect authorization server (Hummingbird, in memory).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (default: $PORT, else 8080).")
    var port: Int?

    @Option(help: "Issuer identifier (default: http://HOST:PORT).")
    var issuer: String?

    @Option(help: "Access token lifetime in seconds.")
    var accessTokenLifetime = 1_209_600

    @Option(help: "Authorization code lifetime in seconds.")
    var authorizationCodeLifetime = 30

    @Option(help: "ID token lifetime in seconds.")
    var idTokenLifetime = 3600

    @Option(help: "Device code lifetime in seconds (RFC 8628 expires_in).")
    var deviceCodeLifetime = 600

    @Option(help: "Seconds a device waits between polls (RFC 8628 interval).")
    var devicePollInterval = 5

    @Option(help: "Clients, users and scopes (default: the repository's Fixtures/demo.json).")
    var fixtures: String?

    @Option(help: "PEM private key that signs ID tokens and JWT access tokens: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA); default: a new 2048-bit RSA key at every start.")
    var signingKey: String?

    @Option(help: "A resource server elsewhere that gets JWT access tokens (RFC 8707 identifier); repeatable.")
    var resource: [String] = []

    @Option(help: "Where grants live: memory (default), a postgres:// URL that several demo servers share, or sqlite:PATH, a file that keeps them across restarts.")
    var storage = "memory"

    @Option(help: "File holding the server key, base64 of at least 32 bytes (default: $GRANTED_SERVER_KEY, else a new key at every start). Clients registered in a sqlite: or postgres:// store need the same key at every start, and the one `granted` was given.")
    var serverKeyFile: String?

    @Flag(help: "Accept https client_id URLs: fetch the client's metadata document (draft-ietf-oauth-client-id-metadata-document).")
    var clientMetadataDocuments = false

    func validate() throws {
        if storage != "memory", !storage.hasPrefix("postgres://"), !storage.hasPrefix("postgresql://"),
            sqlitePath?.isEmpty != false
        {
            throw ValidationError("--storage takes memory, a postgres:// URL or sqlite:PATH")
        }
        for (flag, value) in [
            ("--access-token-lifetime", accessTokenLifetime),
            ("--authorization-code-lifetime", authorizationCodeLifetime),
            ("--id-token-lifetime", idTokenLifetime),
            ("--device-code-lifetime", deviceCodeLifetime),
            ("--device-poll-interval", devicePollInterval),
        ] where value <= 0 {
            throw ValidationError("\(flag) must be a positive number of seconds")
        }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
        for value in resource where ResourceIdentifier(rawValue: value) == nil {
            throw ValidationError("--resource \(value) is not an absolute URI without a fragment")
        }
    }

    func run() async throws {
        let port = try self.port ?? Self.environmentPort() ?? 8080
        if port == 0 && issuer == nil {
            throw ValidationError("an ephemeral port (0) needs --issuer: the issuer names the port")
        }
        let fixturesPath = fixtures ?? DemoFixtures.defaultPath()
        guard let data = FileManager.default.contents(atPath: fixturesPath) else {
            throw ValidationError("cannot read the fixtures file \(fixturesPath)")
        }
        var configuration = DemoConfiguration(
            host: host, port: port, issuer: issuer, fixtures: try DemoFixtures(json: data),
            signer: try signingKey.map(SigningKeyFile.load) ?? AsymmetricSigner.generate(.rs256))
        configuration.accessTokenLifetime = TimeInterval(accessTokenLifetime)
        configuration.authorizationCodeLifetime = TimeInterval(authorizationCodeLifetime)
        configuration.idTokenLifetime = TimeInterval(idTokenLifetime)
        configuration.deviceCodeLifetime = TimeInterval(deviceCodeLifetime)
        configuration.devicePollInterval = TimeInterval(devicePollInterval)
        configuration.extraResources = resource.compactMap(ResourceIdentifier.init(rawValue:))
        if clientMetadataDocuments { configuration.clientMetadataDocuments = HTTPClientMetadataDocuments() }

        // Logs go to standard error: standard output carries the one `listening on` line.
        var standardErrorLogger = Logger(label: "demo-server", factory: { StreamLogHandler.standardError(label: $0) })
        standardErrorLogger.logLevel =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let host = host
        let logger = standardErrorLogger
        @Sendable func serve(_ configuration: DemoConfiguration) async throws {
            let app = try await Demo(configuration).application(host: host, port: port, logger: logger) { bound in
                let shown = host.contains(":") ? "[\(host)]" : host
                FileHandle.standardOutput.write(Data("listening on http://\(shown):\(bound)\n".utf8))
            }
            try await app.runService()
        }
        if let key = try Self.serverKey(file: serverKeyFile) { configuration.serverKey = key }
        if storage == "memory" {
            try await serve(configuration)
        } else if let sqlitePath {
            // Opening the file applies the migrations it lacks.
            let database = try SQLiteDatabase(path: sqlitePath)
            configuration.store = database.grantStore
            configuration.clients = database.clientStore
            try await serve(configuration)
        } else {
            // The pool starts and the migrations run first; the pool closes after the server.
            let postgres = try PostgresStorage(url: storage, logger: logger)
            configuration.store = postgres.grants
            configuration.clients = postgres.clients
            let shared = configuration
            try await postgres.run { try await serve(shared) }
        }
    }

    /// The file of `--storage sqlite:PATH`; nil for any other storage.
    private var sqlitePath: String? {
        storage.hasPrefix("sqlite:") ? String(storage.dropFirst("sqlite:".count)) : nil
    }

    /// `--server-key-file`, else `$GRANTED_SERVER_KEY`: base64 or base64url of at least 32 bytes
    /// (as `granted` reads it); nil when neither is given.
    private static func serverKey(file: String?) throws -> ServerKey? {
        let text: String
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read the server key file \(file)")
            }
            text = String(decoding: data, as: UTF8.self)
        } else if let value = ProcessInfo.processInfo.environment["GRANTED_SERVER_KEY"], !value.isEmpty {
            text = value
        } else {
            return nil
        }
        do { return try ServerKey(encoded: text) } catch {
            throw ValidationError("the server key must be base64 of at least 32 bytes")
        }
    }

    private static func environmentPort() throws -> Int? {
        guard let text = ProcessInfo.processInfo.environment["PORT"], !text.isEmpty else { return nil }
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ValidationError("$PORT must be a port number, not \(text)")
        }
        return port
    }
}
