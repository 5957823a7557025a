import Foundation
import Testing

@_spi(Benchmarks) @testable import Granted

/// What only the in-memory store has: its shards and their count. Its behaviour as a store is
/// the contract's (`GrantStoreContractTests`).
@Suite("In-memory grant store")
struct InMemoryGrantStoreTests {
    private let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    private func token(expiresIn lifetime: TimeInterval? = 60) -> AccessToken {
        AccessToken(
            client: "service", subject: nil, scopes: [.public], issuedAt: t0, expiresAt: lifetime.map { t0 + $0 })
    }

    @Test("the token count spans every shard", arguments: [0, 1, 17, 500])
    func accessTokenCount(count: Int) async throws {
        let store = InMemoryGrantStore(expectedTokens: count)
        for index in 0..<count { try await store.insert(token(), at: SHA256.hash("gat_\(index)")) }
        #expect(store.accessTokenCount == count)
    }

    @Test("purge empties every shard it deletes from", arguments: [1, 17, 500])
    func purgeAcrossShards(count: Int) async throws {
        let store = InMemoryGrantStore(expectedTokens: count)
        for index in 0..<count { try await store.insert(token(expiresIn: 60), at: SHA256.hash("gat_\(index)")) }
        try await store.insert(token(expiresIn: nil), at: SHA256.hash("gat_forever"))
        #expect(try await store.purge(before: t0 + 120) == count)
        #expect(store.accessTokenCount == 1)
    }
}
