import Granted
import GrantedPostgres
import GrantedTesting
import Testing

/// The grant simulation Granted's tests run over the in-memory store, here over PostgreSQL:
/// random interleavings of every flow, racing exchanges and refreshes, and store faults before
/// and after the write, each seed on a fresh schema of its own. Serialized: 200 pools at once
/// would exhaust the server's connections and starve the other suites.
@Suite("Grant simulation: PostgreSQL", .enabled(if: TestDatabase.isConfigured), .serialized, .timeLimit(.minutes(3)))
struct PostgresSimulationTests {
    @Test("every answer is one the model allows, faults and races included", arguments: 0..<200)
    func postgres(seed: UInt64) async throws {
        var policy = Policy()
        policy.rotatesRefreshTokens = seed % 2 == 0
        let divergence = try await TestDatabase.withClient(maximumConnections: 4) { client in
            try await TestDatabase.withSchema(on: client) { schema in
                var simulation = GrantSimulation(
                    seed: seed, policy: policy, store: PostgresGrantStore(client: client, schema: schema))
                return await simulation.run(steps: 30)
            }
        }
        #expect(divergence == nil, "\(divergence.map(String.init(describing:)) ?? "")")
    }
}
