import Granted
import GrantedPostgres
import GrantedTesting
import PostgresNIO
import Testing

/// The client registry contract the in-memory store passes, run against PostgreSQL: each case on
/// a fresh schema of its own.
@Suite("Client registry contract: PostgreSQL", .enabled(if: TestDatabase.isConfigured), .serialized, .timeLimit(.minutes(3)))
struct PostgresClientRegistryContractTests {
    @Test("the PostgreSQL client store keeps the registry contract", arguments: ClientRegistryContract.all.map(\.name))
    func postgres(_ name: String) async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                try await ClientRegistryContract.run(name) { PostgresClientStore(client: client, schema: schema) }
            }
        }
    }
}
