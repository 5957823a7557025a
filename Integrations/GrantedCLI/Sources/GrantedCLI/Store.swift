import ArgumentParser
import Foundation
import Granted
import GrantedPostgres
import GrantedSQLite
import Logging
import PostgresNIO

/// `--store`, shared by every subcommand.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH or postgres://USER@HOST/DB (default: $GRANTED_STORE).")
    var store: String?

    @Option(name: .long, help: "The PostgreSQL schema Granted's tables are in (default: granted).")
    var schema: String = "granted"

    /// The store named on the command line, else in `GRANTED_STORE`.
    func location() throws(Failure) -> StoreLocation {
        guard let text = store ?? ProcessInfo.processInfo.environment["GRANTED_STORE"], !text.isEmpty else {
            throw .usage("no store: pass --store sqlite:PATH or --store postgres://…, or set GRANTED_STORE")
        }
        return try StoreLocation(text)
    }

    /// Opens the store, runs `body` on it and closes it. Only `migrate` creates a missing SQLite
    /// file; every other command reports it unavailable rather than operate on an empty one.
    func open<Result: Sendable>(
        creating: Bool = false, _ body: @escaping @Sendable (OpenStore) async throws -> Result
    ) async throws -> Result {
        try await location().open(creating: creating, schema: schema, body)
    }
}

/// Where the store is.
enum StoreLocation {
    case sqlite(path: String)
    case postgres(url: String)

    init(_ text: String) throws(Failure) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .usage("sqlite: needs a path, as in sqlite:/var/lib/granted.db") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw .usage("the store is sqlite:PATH or postgres://…")
        }
    }

    func open<Result: Sendable>(
        creating: Bool, schema: String, _ body: @escaping @Sendable (OpenStore) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .sqlite(let path):
            guard creating || FileManager.default.fileExists(atPath: path) else {
                throw Failure.unavailable("no database at \(path): run `granted migrate` first")
            }
            let database: SQLiteDatabase
            do { database = try SQLiteDatabase(path: path) } catch {
                throw Failure.unavailable("cannot open the SQLite database at \(path): \(error)")
            }
            let store = OpenStore(
                clients: database.clientStore, grants: database.grantStore,
                migrations: { try await database.appliedMigrations() })
            return try await store.guarded(body)
        case .postgres(let url):
            var quiet = Logger(label: "granted.cli")
            quiet.logLevel = .critical
            let logger = quiet
            let storage: PostgresStorage
            do {
                storage = try PostgresStorage(
                    url: url, schema: schema, maximumConnections: 2, timeout: .seconds(10), logger: logger)
            } catch {
                throw Failure.usage("cannot use the PostgreSQL URL: \(error)")
            }
            let migrationsTable = storage.schema.name + ".schema_migrations"
            let client = storage.client
            let store = OpenStore(
                clients: storage.clients, grants: storage.grants,
                migrations: {
                    var names: [String] = []
                    let rows = try await client.query(
                        "SELECT version, name FROM \(unescaped: migrationsTable) ORDER BY version", logger: logger)
                    for try await (_, name) in rows.decode((Int, String).self) {
                        names.append(name)
                    }
                    return names
                })
            let connected = Milestone()
            do {
                // Connecting and migrating get 15 s; the command itself is bounded by the store's
                // own per-call timeout, so a long purge is not mistaken for an absent server.
                return try await withTimeout(.seconds(15), unless: connected) {
                    try await storage.run {
                        connected.set()
                        return try await store.guarded(body)
                    }
                }
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure.unavailable("PostgreSQL is unavailable: \(String(reflecting: error))")
            }
        }
    }
}

/// Set once, read from any task.
final class Milestone: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Runs `body`, failing after `limit` unless `reached` is set by then: a database that does not
/// answer is unavailable, not a hang.
func withTimeout<Result: Sendable>(
    _ limit: Duration, unless reached: Milestone, _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            // Reached in time: wait for the body (this task is cancelled when it ends).
            while reached.isSet { try await Task.sleep(for: .seconds(3600)) }
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw Failure.unavailable("the store did not answer within \(limit)")
        }
        return result
    }
}

/// An open store: the seams Granted reads and writes, and the migrations the store has applied.
struct OpenStore: Sendable {
    let clients: any ClientRegistry
    let grants: any GrantStore
    /// The migrations the store has applied, oldest first.
    let migrations: @Sendable () async throws -> [String]

    /// The engine over this store. The issuer only appears in documents the CLI never prints.
    func server(key: ServerKey = ServerKey()) -> AuthorizationServer {
        AuthorizationServer(issuer: "https://granted.invalid", clients: clients, store: grants, serverKey: key)
    }

    /// Runs `body`; a store error (anything but a `Failure`) becomes "store unavailable".
    func guarded<Result: Sendable>(_ body: @Sendable (OpenStore) async throws -> Result) async throws -> Result {
        do {
            return try await body(self)
        } catch let failure as Failure {
            throw failure
        } catch OAuthError.serverError {
            throw Failure.unavailable("the store failed")
        } catch let error as OAuthError {
            throw Failure.refused(error.description ?? error.code)
        } catch {
            throw Failure.unavailable("the store failed: \(error)")
        }
    }
}
