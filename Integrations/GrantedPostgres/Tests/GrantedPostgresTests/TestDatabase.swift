import Foundation
import Granted
import GrantedPostgres
import GrantedTesting
import Logging
import PostgresNIO

/// The database the tests use: `$GRANTED_POSTGRES_URL` (`Scripts/with-postgres` starts one and
/// sets it). Without it the suites are skipped. Every test works in schemas of its own, dropped
/// when it ends, so tests run side by side on one database. Every connection has its server-side
/// waits bounded (`boundServerWaits`), and every suite a time limit.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["GRANTED_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isConfigured: Bool { url != nil }

    /// A new schema name, `granted_test_` and 16 random hex digits.
    static func freshSchema() throws -> PostgresSchema {
        try PostgresSchema("granted_test_" + String(UInt64.random(in: .min ... .max), radix: 16))
    }

    static func configuration(applicationName: String? = nil, maximumConnections: Int = 8) throws
        -> PostgresClient.Configuration
    {
        guard let url else { throw PostgresStoreError.invalidURL("GRANTED_POSTGRES_URL is not set") }
        var configuration = try PostgresClient.Configuration(url: url)
        configuration.options.maximumConnections = maximumConnections
        // A lock that is never released fails the statement instead of hanging the suite.
        configuration.boundServerWaits()
        if let applicationName {
            configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        }
        return configuration
    }

    /// Runs `body` with a running client (its own pool, as another process would have).
    static func withClient<Result: Sendable>(
        applicationName: String? = nil, maximumConnections: Int = 8,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(
            configuration: try configuration(applicationName: applicationName, maximumConnections: maximumConnections))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` with a migrated fresh schema, then drops it whatever `body` did.
    static func withSchema<Result: Sendable>(
        on client: PostgresClient, _ body: (PostgresSchema) async throws -> Result
    ) async throws -> Result {
        let schema = try freshSchema()
        try await schema.migrate(client)
        do {
            let result = try await body(schema)
            try await schema.drop(client)
            return result
        } catch {
            try? await schema.drop(client)
            throw error
        }
    }

    /// Runs the store contract case `name`, each store it asks for over `client` on a fresh
    /// migrated schema, made by `makeStore`; drops the schemas whatever the case did.
    static func runContract(
        _ name: String, on client: PostgresClient,
        _ makeStore: @escaping @Sendable (PostgresClient, PostgresSchema) -> PostgresGrantStore = {
            PostgresGrantStore(client: $0, schema: $1)
        }
    ) async throws {
        var schemas: [PostgresSchema] = []
        do {
            try await GrantStoreContract.run(name) {
                let schema = try freshSchema()
                try await schema.migrate(client)
                schemas.append(schema)
                return makeStore(client, schema)
            }
        } catch {
            for schema in schemas { try? await schema.drop(client) }
            throw error
        }
        for schema in schemas { try await schema.drop(client) }
    }
}
