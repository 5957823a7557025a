import Foundation
import Granted
import Logging
import PostgresNIO

/// Granted on PostgreSQL in one value: a pooled `PostgresClient`, the schema, and the grant and
/// client stores over them. Every process of a deployment opens one on the same database.
///
/// ```swift
/// let storage = try PostgresStorage(url: "postgres://granted@db.internal/granted")
/// try await storage.run {   // runs the pool and applies the migrations first
///     let server = AuthorizationServer(issuer: issuer, clients: storage.clients, store: storage.grants)
///     try await app.runService()
/// }
/// ```
public struct PostgresStorage: Sendable {
    public let client: PostgresClient
    public let schema: PostgresSchema
    public let grants: PostgresGrantStore
    public let clients: PostgresClientStore
    let logger: Logger

    /// - Parameters:
    ///   - timeout: how long one store call may wait (`PostgresGrantStore.timeout`).
    ///   - clientCacheLifetime: how long a client read from the database is used without reading
    ///     it again, hence how long another process's change to it may go unseen
    ///     (`PostgresClientStore`); nil reads it on every request.
    public init(
        client: PostgresClient, schema: PostgresSchema, timeout: Duration? = .seconds(10),
        clientCacheLifetime: Duration? = .seconds(2), logger: Logger = Logger(label: "granted.postgres")
    ) {
        self.init(
            client: client, schema: schema, timeout: timeout, clientCacheLifetime: clientCacheLifetime,
            logger: logger, prepared: false)
    }

    init(
        client: PostgresClient, schema: PostgresSchema, timeout: Duration?, clientCacheLifetime: Duration?,
        logger: Logger, prepared: Bool
    ) {
        self.client = client
        self.schema = schema
        self.logger = logger
        grants = PostgresGrantStore(client: client, schema: schema, timeout: timeout, logger: logger, prepared: prepared)
        clients = PostgresClientStore(
            client: client, schema: schema, timeout: timeout, cacheLifetime: clientCacheLifetime, logger: logger,
            prepared: prepared)
    }

    /// - Parameters:
    ///   - url: see `PostgresClient.Configuration(url:)`.
    ///   - maximumConnections: the pool's size; every transition holds one connection for a few
    ///     round trips, so a handful per core of the database serves many requests.
    ///   - timeout: how long one store call may wait; also the connections' `lock_timeout`
    ///     (`boundServerWaits`), so a statement waiting on a lock ends by then too.
    ///   - clientCacheLifetime: see `init(client:schema:timeout:clientCacheLifetime:logger:)`.
    ///   - configure: the host's changes to the pool's configuration, made after the URL's and
    ///     `maximumConnections`, before the adapter's own startup parameters (below), which
    ///     come later and so win. `PostgresClient.Configuration.warmPool()` is one: every
    ///     connection opened up front and none pinged, so the pool arms no timer per call.
    ///
    /// The pool's connections start with `search_path` set to the schema (then `public`, for
    /// the host's own statements on `client`), so the statements every request runs are prepared
    /// once per connection, and with `lock_timeout` and `idle_in_transaction_session_timeout`
    /// bounding server-side waits (`PostgresClient.Configuration.boundServerWaits`).
    /// - Throws: `PostgresStoreError` for a URL or schema name it cannot use.
    public init(
        url: String, schema: String = "granted", maximumConnections: Int = 20, timeout: Duration? = .seconds(10),
        clientCacheLifetime: Duration? = .seconds(2), logger: Logger = Logger(label: "granted.postgres"),
        configure: (inout PostgresClient.Configuration) -> Void = { _ in }
    ) throws(PostgresStoreError) {
        let schema = try PostgresSchema(schema)
        var configuration = try PostgresClient.Configuration(url: url)
        configuration.options.maximumConnections = maximumConnections
        configure(&configuration)
        configuration.boundServerWaits(lock: timeout ?? .seconds(10))
        configuration.options.additionalStartupParameters.append(("search_path", "\(schema.name), public"))
        self.init(
            client: PostgresClient(configuration: configuration, backgroundLogger: logger), schema: schema,
            timeout: timeout, clientCacheLifetime: clientCacheLifetime, logger: logger, prepared: true)
    }

    /// Runs the client's pool, applies the migrations, runs `body`, and closes the pool when it
    /// returns or throws. Call it once: a `PostgresClient` runs once. (A host with a service group
    /// adds `client` to it and calls `schema.migrate(client)` itself instead.)
    public func run<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // Let the pool's task start first, so the first lease does not find it idle (and warn).
            try await Task.sleep(for: .milliseconds(5))
            try await schema.migrate(client, logger: logger)
            return try await body()
        }
    }
}
