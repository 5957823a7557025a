import Foundation
import Granted
@testable import GrantedPostgres
import GrantedTesting
import Logging
import PostgresNIO
import Testing

/// No store call waits for ever: a lock that is never released ends in `lock_timeout`
/// (`boundServerWaits`), and a transaction that failed without the server's word is never handed
/// to the next caller still open, holding its locks (the hang a CI run once showed).
@Suite("Bounded waits", .enabled(if: TestDatabase.isConfigured), .timeLimit(.minutes(2)))
struct BoundedWaitsTests {
    static let logger = Logger(label: "granted.postgres.tests")

    @Test("boundServerWaits sets lock_timeout and idle_in_transaction_session_timeout on every session")
    func startupParameters() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.boundServerWaits(lock: .milliseconds(1500), idleInTransaction: .seconds(30))
        configuration.boundServerWaits(lock: .milliseconds(1500), idleInTransaction: .seconds(30))
        #expect(
            configuration.options.additionalStartupParameters.filter { $0.0.hasSuffix("timeout") }.map { "\($0.0)=\($0.1)" }
                == ["lock_timeout=1500", "idle_in_transaction_session_timeout=30000"], "set once, in milliseconds")
        let client = PostgresClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            var settings: [String] = []
            for try await value in try await client.query(
                "SELECT current_setting('lock_timeout') || ' ' || current_setting('idle_in_transaction_session_timeout')",
                logger: Self.logger
            ).decode(String.self) {
                settings.append(value)
            }
            #expect(settings == ["1500ms 30s"])
        }
    }

    @Test("a row locked for ever: the redemption answers server_error within lock_timeout, and the code works after")
    func lockNeverReleased() async throws {
        try await TestDatabase.withClient(applicationName: "granted-holder") { holder in
            try await TestDatabase.withSchema(on: holder) { schema in
                var configuration = try TestDatabase.configuration()
                configuration.boundServerWaits(lock: .seconds(1))
                let client = PostgresClient(configuration: configuration)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await client.run() }
                    defer { group.cancelAll() }
                    // No store timeout: only the server's lock_timeout can end the wait.
                    let flow = ContractFlow(store: PostgresGrantStore(client: client, schema: schema, timeout: nil))
                    let code = try await flow.code()
                    let digest = ByteBuffer(bytes: Digest256(hashing: code).bytes)
                    let started = ContinuousClock.now
                    let response = try await holder.withConnection { connection in
                        try await connection.query("BEGIN", logger: Self.logger)
                        try await connection.query(
                            "SELECT 1 FROM \(unescaped: schema.name).authorization_codes WHERE digest = \(digest) FOR UPDATE",
                            logger: Self.logger)
                        let response = await flow.exchange(code)
                        try await connection.query("ROLLBACK", logger: Self.logger)
                        return response
                    }
                    #expect(response.status == 500)
                    #expect(ContractFlow.errorCode(of: response) == "server_error")
                    #expect(ContinuousClock.now - started < .seconds(30), "lock_timeout ended the wait")
                    #expect(await flow.exchange(code).status == 200, "the timed-out redemption changed nothing")
                }
            }
        }
    }

    @Test("a transaction that fails without an answer from the server is closed, not pooled with its row lock")
    func abandonedTransactionReleasesItsLocks() async throws {
        try await TestDatabase.withClient(maximumConnections: 1) { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let flow = ContractFlow(store: PostgresGrantStore(client: client, schema: schema))
                let code = try await flow.code()
                let digest = ByteBuffer(bytes: Digest256(hashing: code).bytes)
                let lock: PostgresQuery =
                    "SELECT 1 FROM \(unescaped: schema.name).authorization_codes WHERE digest = \(digest) FOR UPDATE"
                // More parameters than the protocol allows: postgres-nio refuses the statement
                // before sending it (a PSQLError that is no server error), mid-transaction.
                var binds = PostgresBindings(capacity: 70_000)
                for value in 0..<70_000 { binds.append(value) }
                let refused = PostgresQuery(unsafeSQL: "SELECT 1", binds: binds)
                await #expect(throws: PSQLError.self) {
                    try await client.transaction(logger: Self.logger) { connection in
                        try await connection.query(lock, logger: Self.logger)
                        try await connection.query(refused, logger: Self.logger)
                    }
                }
                // Another session can lock the row: the failed transaction did not go back to
                // the pool still open (with the old handling it did, and this waited 5 s and failed).
                var configuration = try TestDatabase.configuration()
                configuration.boundServerWaits(lock: .seconds(5))
                let other = PostgresClient(configuration: configuration)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await other.run() }
                    defer { group.cancelAll() }
                    _ = try await other.transaction(logger: Self.logger) { connection in
                        try await connection.query(lock, logger: Self.logger)
                    }
                }
                #expect(await flow.exchange(code).status == 200)
            }
        }
    }
}
