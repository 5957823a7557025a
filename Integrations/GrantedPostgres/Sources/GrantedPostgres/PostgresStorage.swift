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

    /// - Parameter timeout: how long one store call may wait (`PostgresGrantStore.timeout`).
    public init(
        client: PostgresClient, schema: PostgresSchema, timeout: Duration? = .seconds(10),
        logger: Logger = Logger(label: "granted.postgres")
    ) {
        self.client = client
        self.schema = schema
        self.logger = logger
        grants = PostgresGrantStore(client: client, schema: schema, timeout: timeout, logger: logger)
        clients = PostgresClientStore(client: client, schema: schema, timeout: timeout, logger: logger)
    }

    /// - Parameters:
    ///   - url: see `PostgresClient.Configuration(url:)`.
    ///   - maximumConnections: the pool's size; every transition holds one connection for a few
    ///     round trips, so a handful per core of the database serves many requests.
    /// - Throws: `PostgresStoreError` for a URL or schema name it cannot use.
    public init(
        url: String, schema: String = "granted", maximumConnections: Int = 20, timeout: Duration? = .seconds(10),
        logger: Logger = Logger(label: "granted.postgres")
    ) throws(PostgresStoreError) {
        var configuration = try PostgresClient.Configuration(url: url)
        configuration.options.maximumConnections = maximumConnections
        self.init(
            client: PostgresClient(configuration: configuration, backgroundLogger: logger),
            schema: try PostgresSchema(schema), timeout: timeout, logger: logger)
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
