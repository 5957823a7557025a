import Granted
import GrantedTesting
import Testing

@Suite("Client registry contract: in memory")
struct ClientRegistryContractTests {
    @Test("the in-memory client store keeps the registry contract", arguments: ClientRegistryContract.all.map(\.name))
    func inMemory(_ name: String) async throws {
        try await ClientRegistryContract.run(name) { InMemoryClientStore() }
    }
}
