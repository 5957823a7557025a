import Foundation
import Granted
import GrantedSQLite
import GrantedTesting
import Testing

/// The store contract Granted's in-memory store passes, run against SQLite: every case on
/// fresh files of its own.
@Suite("Grant store contract: SQLite")
struct SQLiteContractTests {
    /// Both durabilities: with `NORMAL` a write runs on its caller's thread when nothing else
    /// writes, with `FULL` every write goes through GRDB's writer queue.
    @Test(
        "the SQLite store keeps the contract", arguments: GrantStoreContract.all.map(\.name),
        [SQLiteDatabase.Synchronous.normal, .full])
    func sqlite(_ name: String, synchronous: SQLiteDatabase.Synchronous) async throws {
        try await TemporaryDatabase.withDirectory { directory in
            var opened = 0
            try await GrantStoreContract.run(name) {
                opened += 1
                let path = directory.appendingPathComponent("granted-\(opened).sqlite").path
                return try SQLiteDatabase(path: path, synchronous: synchronous).grantStore
            }
        }
    }
}

/// The client registry contract, run against SQLite: each case on a fresh file.
@Suite("Client registry contract: SQLite")
struct SQLiteClientRegistryContractTests {
    @Test("the SQLite client store keeps the registry contract", arguments: ClientRegistryContract.all.map(\.name))
    func sqlite(_ name: String) async throws {
        try await TemporaryDatabase.with { database in
            try await ClientRegistryContract.run(name) { database.clientStore }
        }
    }
}

/// The grant simulation Granted's tests run over the in-memory store, here over SQLite: random
/// interleavings of every flow, racing exchanges and refreshes, and store faults before and
/// after the write, each seed on a file of its own.
@Suite("Grant simulation: SQLite")
struct SQLiteSimulationTests {
    @Test("every answer is one the model allows, faults and races included", arguments: 0..<200)
    func sqlite(seed: UInt64) async throws {
        var policy = Policy()
        policy.rotatesRefreshTokens = seed % 2 == 0
        let divergence = try await TemporaryDatabase.with { database in
            var simulation = GrantSimulation(seed: seed, policy: policy, store: database.grantStore)
            return await simulation.run(steps: 30)
        }
        #expect(divergence == nil, "\(divergence.map(String.init(describing:)) ?? "")")
    }
}
