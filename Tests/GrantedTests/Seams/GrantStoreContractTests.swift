import Granted
import GrantedTesting
import Testing

/// The store contract, run against the in-memory default; each adapter runs the same list
/// (`Integrations/GrantedPostgres`).
@Suite("Grant store contract: the in-memory store")
struct GrantStoreContractTests {
    @Test("the in-memory store keeps the contract", arguments: GrantStoreContract.all.map(\.name))
    func inMemory(_ name: String) async throws {
        try await GrantStoreContract.run(name) { InMemoryGrantStore() }
    }

    @Test("an unknown case name is a failure, not a pass")
    func unknownName() async {
        await #expect(throws: ContractFailure.self) {
            try await GrantStoreContract.run("noSuchCase") { InMemoryGrantStore() }
        }
    }
}
