import Granted
import GrantedPostgres
import GrantedTesting
import PostgresNIO
import Testing

/// The store contract Granted's in-memory store passes, run against PostgreSQL: every case on
/// fresh schemas of its own. Serialized, so the suite holds a handful of connections at a time.
@Suite("Grant store contract: PostgreSQL", .enabled(if: TestDatabase.isConfigured), .serialized, .timeLimit(.minutes(3)))
struct PostgresContractTests {
    @Test("the PostgreSQL store keeps the contract", arguments: GrantStoreContract.all.map(\.name))
    func postgres(_ name: String) async throws {
        try await TestDatabase.withClient { client in try await TestDatabase.runContract(name, on: client) }
    }
}
