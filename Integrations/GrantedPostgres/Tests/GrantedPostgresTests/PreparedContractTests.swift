import Granted
@testable import GrantedPostgres
import GrantedTesting
import Synchronization
import Testing

/// The grant store contract once more, on stores made by `PostgresStorage(url:)`: connections
/// with `search_path` set to the schema, so that the statements every request runs are prepared.
@Suite("Grant store contract: PostgreSQL, prepared statements", .enabled(if: TestDatabase.isConfigured), .serialized,
    .timeLimit(.minutes(2)))
struct PreparedContractTests {
    @Test("the stores PostgresStorage makes keep the contract", arguments: GrantStoreContract.all.map(\.name))
    func prepared(_ name: String) async throws {
        let made = Made()
        do {
            try await GrantStoreContract.run(name) {
                let storage = try PostgresStorage(
                    url: TestDatabase.url ?? "", schema: try TestDatabase.freshSchema().name, maximumConnections: 2)
                made.add(storage, running: Task { await storage.client.run() })
                try await storage.schema.migrate(storage.client)
                #expect(storage.grants.prepared)
                return storage.grants
            }
        } catch {
            await made.tearDown()
            throw error
        }
        await made.tearDown()
    }

    /// The storages a case made, and the tasks running their pools.
    final class Made: Sendable {
        private let storages = Mutex<[(PostgresStorage, Task<Void, Never>)]>([])

        func add(_ storage: PostgresStorage, running task: Task<Void, Never>) {
            storages.withLock { $0.append((storage, task)) }
        }

        func tearDown() async {
            for (storage, task) in storages.withLock({ $0 }) {
                try? await storage.schema.drop(storage.client)
                task.cancel()
                await task.value
            }
        }
    }
}
