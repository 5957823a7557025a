import Foundation
import GrantedTesting
import Testing

@testable import Granted

/// Outside review, finding 9: importing an API key whose digest is already stored overwrote the
/// stored key, reviving a revoked one or handing it to another user.
@Suite("Outside review 9: re-importing an API key never revives it (RFC 6750 §3.1)")
struct APIKeyImportTests {
    @Test("RFC 6750 §3.1: a revoked API key imported again stays invalid_token, and never changes its user")
    func reimportKeepsRevokedKey() async throws {
        let (server, store) = TestServer.make()
        let first = try await server.importAPIKey("fixture-key", for: CodeFlow.alice, name: "fixtures")
        #expect(try await server.revokeAPIKey(first.id, of: CodeFlow.alice))
        try await server.importAPIKey("fixture-key", for: CodeFlow.alice, name: "fixtures")
        try await server.importAPIKey("fixture-key", for: CodeFlow.bob, name: "fixtures")
        let decision = await server.resourceGuard(apiKeyHeader: TestServer.apiKeyHeader).check(
            TestServer.resourceRequest([TestServer.apiKeyHeader: "fixture-key"]), requiring: [])
        #expect(decision.grant == nil, "the revoked key works again")
        let stored = try #require(try await store.apiKey(at: SHA256.hash("fixture-key")))
        #expect(stored.id == first.id)
        #expect(stored.subject == CodeFlow.alice)
        #expect(!stored.isActive)
        #expect(try await server.apiKeys(of: CodeFlow.bob).isEmpty)
    }

    @Test("RFC 6750 §3.1: importing the fixtures' key at every start keeps the one key it made the first time")
    func reimportIsIdempotent() async throws {
        let (server, store) = TestServer.make()
        let first = try await server.importAPIKey("fixture-key", for: CodeFlow.alice, name: "fixtures")
        let again = try await server.importAPIKey("fixture-key", for: CodeFlow.alice, name: "fixtures")
        #expect(again.id == first.id, "the answer is the key that is stored")
        #expect(try await store.apiKeys(of: CodeFlow.alice).count == 1)
    }

    @Test("the store contract case apiKeyReimportKeepsStored holds for the in-memory store")
    func contractCase() async throws {
        try await GrantStoreContract.run("apiKeyReimportKeepsStored") { InMemoryGrantStore() }
    }
}
