import Foundation
import Granted
import Logging
import PostgresNIO

/// Granted's grants in PostgreSQL, so that many host processes share one authorization state.
///
/// Every state change is atomic without holding a lock between round trips: the row is read with
/// its version (`xmin`), the engine's pure transition runs on it, and the result is written with
/// one `UPDATE … WHERE xmin = …` that finds the row only if nothing changed it meanwhile; when
/// something did, the transition runs again on the row as it is now, and after a few lost races
/// the call locks the row (`SELECT … FOR UPDATE`) in one transaction instead. A row that does not
/// exist yet is created with `INSERT … ON CONFLICT DO NOTHING`, and the transition runs again on
/// the row a concurrent creator won with. The transitions never call back out. Verification is
/// one indexed read: the token joined with its family and user authorization.
///
/// The host runs the `PostgresClient` (`client.run()`, or a service group) and calls
/// `schema.migrate(client)` once at start-up; `PostgresStorage` does both for a URL.
///
/// Failures are thrown, and the engine answers `server_error`: a dropped connection fails the
/// statement on it (an open transaction rolls back), and a call that cannot get a connection
/// within `timeout` (the database is unreachable: postgres-nio's pool would otherwise wait about
/// a minute before its circuit breaker opens) throws `PostgresStoreError.timedOut`.
public struct PostgresGrantStore: GrantStore {
    public let client: PostgresClient
    public let schema: PostgresSchema
    /// How long one store call may wait; nil waits as long as the pool does.
    public let timeout: Duration?
    let logger: Logger
    let sql: Statements
    /// Whether the pool's connections have `search_path` set to `schema` (`PostgresStorage(url:)`),
    /// so that the hot statements run prepared (`PreparedStatements`).
    let prepared: Bool
    /// How many lost races on one row before an update takes the row's lock
    /// (`PostgresGrantStore+Records`); 0 always locks.
    let optimisticAttempts: Int

    public init(
        client: PostgresClient, schema: PostgresSchema, timeout: Duration? = .seconds(10),
        logger: Logger = Logger(label: "granted.postgres")
    ) {
        self.init(client: client, schema: schema, timeout: timeout, logger: logger, prepared: false)
    }

    init(
        client: PostgresClient, schema: PostgresSchema, timeout: Duration?, logger: Logger, prepared: Bool,
        optimisticAttempts: Int = 3
    ) {
        self.client = client
        self.schema = schema
        self.timeout = timeout
        self.logger = logger
        self.prepared = prepared
        self.optimisticAttempts = optimisticAttempts
        sql = Statements(schema)
    }

    // MARK: Running statements

    /// Every row of one statement outside a transaction.
    func rows(_ sql: String, _ binds: PostgresBindings) async throws -> [PostgresRow] {
        try await withTimeout { try await unboundedRows(sql, binds) }
    }

    /// `rows(_:_:)` without a deadline of its own: one step of a call that `withTimeout` bounds
    /// as a whole (`update`), so that `timeout` is what the whole call may wait.
    func unboundedRows(_ sql: String, _ binds: PostgresBindings) async throws -> [PostgresRow] {
        try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect()
    }

    /// Every row of `statement`, prepared on the connection.
    func rows<Statement: PreparedRows>(_ statement: Statement) async throws -> [PostgresRow] {
        let (client, logger) = (client, logger)
        return try await withTimeout { try await client.execute(statement, logger: logger).collectRows() }
    }

    /// Runs a read again when its connection turned out to be gone before it ran (closed by the
    /// server or the channel): the pool can lease a connection whose end it has not noticed yet,
    /// e.g. right after a backend was terminated, and when every backend of the pool was ended
    /// at once the next lease can be another dead one. Up to three attempts, a few milliseconds
    /// apart. Only for reads, which are safe to repeat; a statement the server answered, even
    /// with `FATAL`, is not repeated.
    func retryingLostConnection<Result: Sendable>(
        _ read: @Sendable () async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await read()
            } catch let error as PSQLError
                where attempt < 3
                && [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown]
                    .contains(error.code)
            {
                try await Task.sleep(for: .milliseconds(5 * attempt))
                attempt += 1
            }
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<Result: Sendable>(
        _ body: @Sendable (Connection) async throws -> Result
    ) async throws -> Result {
        try await withTimeout { try await unboundedTransaction(body) }
    }

    /// `transaction(_:)` without a deadline of its own, like `unboundedRows(_:_:)`.
    func unboundedTransaction<Result: Sendable>(
        _ body: @Sendable (Connection) async throws -> Result
    ) async throws -> Result {
        let logger = logger
        return try await client.transaction(logger: logger) { connection in
            try await body(Connection(connection: connection, logger: logger))
        }
    }

    func withTimeout<Result: Sendable>(_ operation: @Sendable () async throws -> Result) async throws -> Result {
        try await GrantedPostgres.withTimeout(timeout, operation)
    }

    /// A connection inside a transaction.
    struct Connection {
        let connection: PostgresConnection
        let logger: Logger

        func rows(_ sql: String, _ binds: PostgresBindings) async throws -> [PostgresRow] {
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect()
        }

        /// Runs a statement for its effect; answers how many rows it returned.
        @discardableResult
        func run(_ sql: String, _ binds: PostgresBindings) async throws -> Int {
            try await rows(sql, binds).count
        }
    }

    /// One record from each row, by `decode`.
    func records<Record>(
        _ rows: [PostgresRow], table: String, prefix: String = "", _ decode: (RowReader) throws -> Record
    ) throws -> [Record] {
        try rows.map { try decode(RowReader(row: $0.makeRandomAccess(), table: table, prefix: prefix)) }
    }

    static func binds(_ build: (inout PostgresBindings) throws -> Void) rethrows -> PostgresBindings {
        var binds = PostgresBindings(capacity: 20)
        try build(&binds)
        return binds
    }

    /// Binds a key, then the record's columns (the `$1`, `$2…` of `Statements`).
    static func binds<Record>(
        key: (inout PostgresBindings) -> Void, _ record: Record, _ bind: (Record, inout PostgresBindings) -> Void,
        version: String? = nil
    ) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 21)
        key(&binds)
        bind(record, &binds)
        if let version { binds.append(version) }
        return binds
    }
}
