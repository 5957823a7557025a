import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema that holds Granted's tables (`granted` unless the host picks another,
/// e.g. one per test), and the migrations that create them.
///
/// `migrate(_:)` is idempotent and safe to run from every process at start-up: it takes an
/// advisory lock for the schema, applies the migrations `schema_migrations` does not list yet,
/// and records them, all in one transaction.
public struct PostgresSchema: Sendable, Hashable, CustomStringConvertible {
    /// A plain lower-case identifier, so it is spliced into statements without quoting.
    public let name: String

    /// - Throws: `PostgresStoreError.invalidSchemaName` unless `name` is `[a-z_][a-z0-9_]*`, ≤ 63 bytes.
    public init(_ name: String = "granted") throws(PostgresStoreError) {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63,
            first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
            bytes.allSatisfy({
                $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            })
        else { throw .invalidSchemaName(name) }
        self.name = name
    }

    public var description: String { name }

    /// `schema.table`.
    func table(_ table: String) -> String { "\(name).\(table)" }

    /// A migration: its number, its file's name and its statements.
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String

        /// The statements of the file: comments dropped, split at each `;`. (The files keep to
        /// that: no `;` or `--` inside a literal, no function bodies.)
        var statements: [String] {
            let uncommented = sql.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.range(of: "--").map { line[..<$0.lowerBound] } ?? line
            }.joined(separator: "\n")
            return uncommented.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }
        }
    }

    /// The files in `Migrations/`, embedded in the binary, in order.
    static let migrations = [
        Migration(version: 1, name: "0001_grants", sql: String(decoding: PackageResources._001_grants_sql, as: UTF8.self)),
        Migration(version: 2, name: "0002_clients", sql: String(decoding: PackageResources._002_clients_sql, as: UTF8.self)),
        Migration(version: 3, name: "0003_resources", sql: String(decoding: PackageResources._003_resources_sql, as: UTF8.self)),
        Migration(
            version: 4, name: "0004_client_registrations",
            sql: String(decoding: PackageResources._004_client_registrations_sql, as: UTF8.self)),
        Migration(
            version: 5, name: "0005_device_authorizations",
            sql: String(decoding: PackageResources._005_device_authorizations_sql, as: UTF8.self)),
        Migration(
            version: 6, name: "0006_client_assertions",
            sql: String(decoding: PackageResources._006_client_assertions_sql, as: UTF8.self)),
        Migration(
            version: 7, name: "0007_pushed_requests",
            sql: String(decoding: PackageResources._007_pushed_requests_sql, as: UTF8.self)),
        Migration(version: 8, name: "0008_sessions", sql: String(decoding: PackageResources._008_sessions_sql, as: UTF8.self)),
        Migration(version: 9, name: "0009_dpop", sql: String(decoding: PackageResources._009_dpop_sql, as: UTF8.self)),
        Migration(
            version: 10, name: "0010_client_assertion_and_dpop_metadata",
            sql: String(decoding: PackageResources._010_client_assertion_and_dpop_metadata_sql, as: UTF8.self)),
    ]

    /// Creates the schema and applies every migration it lacks; answers the versions applied now.
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger = Logger(label: "granted.postgres")) async throws
        -> [Int]
    {
        let schema = name
        let migrations = Self.migrations
        let migrationsTable = table("schema_migrations")
        return try await client.transaction(logger: logger) { connection in
            // Other processes starting at once wait on the advisory lock below while the first
            // applies the migrations: longer than a request's `lock_timeout`
            // (`boundServerWaits`), but not for ever.
            try await connection.query("SET LOCAL lock_timeout TO '60s'", logger: logger)
            // Serializes concurrent start-ups on this schema; released at commit.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(Self.advisoryLockClass), hashtext(\(schema)))", logger: logger)
            try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: migrationsTable) (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query(
                "SELECT version FROM \(unescaped: migrationsTable)", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            // The files name their tables without a schema.
            try await connection.query("SET LOCAL search_path TO \(unescaped: schema)", logger: logger)
            var now: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO \(unescaped: migrationsTable) (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                now.append(migration.version)
            }
            if !now.isEmpty { logger.info("applied migrations \(now) to schema \(schema)") }
            return now
        }
    }

    /// Drops the schema and everything in it (tests, and tearing a deployment down).
    public func drop(_ client: PostgresClient, logger: Logger = Logger(label: "granted.postgres")) async throws {
        try await client.query("DROP SCHEMA IF EXISTS \(unescaped: name) CASCADE", logger: logger)
    }

    /// The first key of Granted's advisory locks ("GRAN"); the second is the schema's hash.
    static let advisoryLockClass: Int32 = 0x4752_414E
}
