import Foundation
import Granted
import GrantedPostgres
import GrantedSQLite
import Logging
import PostgresNIO

/// A store the tests drive `granted` against: a temporary SQLite file always, PostgreSQL when
/// `GRANTED_POSTGRES_URL` is set (`Integrations/GrantedPostgres/Scripts/with-postgres` sets it),
/// each test in a schema of its own, dropped when it ends.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["GRANTED_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// The backends this run can reach.
    static let available: [Backend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    var description: String { rawValue }
}

/// One test's store: the `--store` arguments for `granted`, and the engine on the same store to
/// check that what the command did works for clients (secrets, tokens).
struct Fixture: Sendable {
    let backend: Backend
    let storeArguments: [String]
    let location: String

    /// Runs `granted arguments… --store …`.
    func granted(_ arguments: [String], environment: [String: String] = [:], input: String = "") throws -> GrantedRun {
        try GrantedRun.run(arguments + storeArguments, environment: environment, input: input)
    }

    /// The engine's policy: the scopes the tests' clients ask for are known.
    static var policy: Policy {
        var policy = Policy()
        policy.knownScopes = policy.knownScopes.union(["read", "write"])
        return policy
    }

    /// Runs `body` with an engine on this store, as a host process would have it.
    func withServer<Result: Sendable>(
        key: ServerKey = ServerKey(), _ body: @Sendable (AuthorizationServer) async throws -> Result
    ) async throws -> Result {
        switch backend {
        case .sqlite:
            let database = try SQLiteDatabase(path: location)
            return try await body(
                AuthorizationServer(
                    issuer: "https://as.example", policy: Self.policy, clients: database.clientStore, store: database.grantStore,
                    serverKey: key))
        case .postgres:
            var logger = Logger(label: "granted.cli.tests")
            logger.logLevel = .error
            let storage = try PostgresStorage(
                url: Backend.postgresURL ?? "", schema: storeArguments.last ?? "", maximumConnections: 2, logger: logger)
            return try await storage.run {
                try await body(
                    AuthorizationServer(
                        issuer: "https://as.example", policy: Self.policy, clients: storage.clients, store: storage.grants, serverKey: key))
            }
        }
    }

    /// A fresh store (not migrated yet) for `body`, removed when it ends however it ends.
    static func with(_ backend: Backend, _ body: (Fixture) async throws -> Void) async throws {
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("granted-cli-" + String(UInt64.random(in: .min ... .max), radix: 16))
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("granted.sqlite").path
            try await body(Fixture(backend: backend, storeArguments: ["--store", "sqlite:" + path], location: path))
        case .postgres:
            guard let url = Backend.postgresURL else { return }
            let schema = "granted_cli_" + String(UInt64.random(in: .min ... .max), radix: 16)
            let fixture = Fixture(backend: backend, storeArguments: ["--store", url, "--schema", schema], location: url)
            do {
                try await body(fixture)
            } catch {
                try? await drop(schema, url: url)
                throw error
            }
            try await drop(schema, url: url)
        }
    }

    private static func drop(_ schema: String, url: String) async throws {
        let client = PostgresClient(configuration: try PostgresClient.Configuration(url: url))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await PostgresSchema(schema).drop(client)
        }
    }
}
