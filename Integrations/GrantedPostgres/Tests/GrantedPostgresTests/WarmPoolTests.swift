import Foundation
import Granted
@testable import GrantedPostgres
import GrantedTesting
import Logging
import PostgresNIO
import Testing

/// `PostgresStorage(url:…, configure:)` and `warmPool()`: the host's changes to the pool reach
/// every connection, the adapter's own settings survive them, and a warm pool opens every
/// connection before the first request.
@Suite("The pool's configuration from the host", .timeLimit(.minutes(2)))
struct WarmPoolTests {
    static let logger = Logger(label: "granted.postgres.tests")

    @Test("warmPool opens every connection up front and pings none", arguments: [1, 4, 20])
    func warmPoolOptions(maximumConnections: Int) throws {
        var configuration = try PostgresClient.Configuration(url: "postgres://localhost/granted")
        configuration.options.maximumConnections = maximumConnections
        #expect(configuration.options.minimumConnections == 0)
        #expect(configuration.options.keepAliveBehavior != nil)
        configuration.warmPool()
        #expect(configuration.options.minimumConnections == maximumConnections)
        #expect(configuration.options.keepAliveBehavior == nil)
    }

    @Test(
        "configure reaches every connection; search_path and lock_timeout stay the adapter's; a warm pool is open before any request",
        .enabled(if: TestDatabase.isConfigured))
    func configureReachesTheServer() async throws {
        let applicationName = "granted-warm-" + String(UInt32.random(in: .min ... .max), radix: 16)
        let schema = try TestDatabase.freshSchema()
        let storage = try PostgresStorage(
            url: TestDatabase.url ?? "", schema: schema.name, maximumConnections: 3, timeout: .seconds(7)
        ) { configuration in
            configuration.warmPool()
            configuration.options.additionalStartupParameters.append(("application_name", applicationName))
            // Both would break the stores; the adapter's own values must win.
            configuration.options.additionalStartupParameters.append(("search_path", "public"))
            configuration.boundServerWaits(lock: .seconds(600))
        }
        #expect(storage.grants.prepared)
        try await storage.run {
            // Three connections open without a request; poll, as the pool opens them in the background.
            var open = 0
            for _ in 0..<100 {
                open = try await count(
                    "SELECT count(*)::int8 FROM pg_stat_activity WHERE application_name = \(applicationName)",
                    on: storage.client)
                if open == 3 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(open == 3, "a warm pool holds maximumConnections open")
            var settings: [String] = []
            for try await value in try await storage.client.query(
                "SELECT current_setting('application_name') || ' ' || current_setting('search_path') || ' ' || current_setting('lock_timeout')",
                logger: Self.logger
            ).decode(String.self) {
                settings.append(value)
            }
            #expect(settings == ["\(applicationName) \(schema.name), public 7s"])
            // The stores work on these connections: a client credentials token, then verified.
            let flow = ContractFlow(store: storage.grants)
            let token = try await flow.issueToken()
            #expect(await flow.verifies(token))
            try await storage.schema.drop(storage.client)
        }
    }

    func count(_ query: PostgresQuery, on client: PostgresClient) async throws -> Int {
        var result = 0
        for try await value in try await client.query(query, logger: Self.logger).decode(Int.self) { result = value }
        return result
    }
}
