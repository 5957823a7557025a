import Foundation
import GRDB
import Granted
@testable import GrantedSQLite
import GrantedTesting
import Testing

/// Single-statement reads run on read-only connections of their own, outside GRDB's pool: they
/// see every commit made before they start, never write, and never wait for a free connection.
@Suite("SQLite: read connections")
struct ReadConnectionsTests {
    static let one = Select(["n"], "FROM (SELECT 1 AS n)")

    @Test("each read sees the commits made before it, read after write", arguments: 0..<5)
    func freshness(seed: UInt64) async throws {
        try await TemporaryDatabase.with { database in
            var random = SplitMix64(state: seed)
            let store = database.grantStore
            let now = Date(timeIntervalSince1970: 1_700_000_000)
            for round in 0..<20 {
                let digest = Digest256(hashing: "token-\(seed)-\(round)")
                #expect(try await store.accessToken(at: digest) == nil)
                let token = AccessToken(
                    client: ClientID("client-\(random.next() % 1000)"), subject: nil, scopes: .empty, issuedAt: now,
                    expiresAt: now + 60, family: nil, authorization: nil, audience: [], keyThumbprint: nil, state: .active)
                try await store.insert(token, at: digest)
                #expect(try await store.accessToken(at: digest)?.token == token)
                _ = try await store.updateAccessToken(at: digest) { $0.revoke(at: now) }
                #expect(try await store.accessToken(at: digest)?.token.state == .revoked(at: now))
            }
        }
    }

    @Test("a read connection refuses to write")
    func readOnly() async throws {
        _ = try await TemporaryDatabase.with { database in
            #expect(throws: DatabaseError.self) {
                _ = try database.readers.withConnection { db in try db.execute(sql: "DELETE FROM access_tokens") }
            }
        }
    }

    @Test("with every connection busy a read answers nil, so the store falls back to GRDB's pool", arguments: [1, 3])
    func limit(_ limit: Int) async throws {
        try await TemporaryDatabase.with { database in
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let readers = ReadConnections(path: database.path, configuration: configuration, limit: limit)
            func nest(_ depth: Int) throws -> [Int?] {
                let inner: [Int?]? = try readers.withConnection { db in
                    let value = try db.withRow(Self.one, arguments: []) { try RowReader(row: $0, table: "t").integer("n") }
                    return [value] + (depth > 1 ? try nest(depth - 1) : [])
                }
                return inner ?? [nil]
            }
            let expected: [Int?] = Array(repeating: 1, count: limit) + [nil]
            let first = try nest(limit + 1)
            #expect(first == expected)
            // Handed back: the same number are free again.
            let again = try nest(limit + 1)
            #expect(again == expected)
        }
    }

    @Test("a connection that fails to open frees its place")
    func failedOpen() throws {
        let path = "/nonexistent-\(UInt64.random(in: 0 ... .max))/granted.sqlite"
        let readers = ReadConnections(path: path, configuration: Configuration(), limit: 1)
        for _ in 0..<3 {
            #expect(throws: (any Error).self) { _ = try readers.withConnection { _ in 1 } }
        }
    }
}
