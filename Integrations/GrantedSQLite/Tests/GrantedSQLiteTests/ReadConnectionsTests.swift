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

    @Test("a read connection refuses to write, as GRDB's error")
    func readOnly() async throws {
        _ = try await TemporaryDatabase.with { database in
            #expect(throws: DatabaseError.self) {
                _ = try database.readers.withConnection { connection in
                    try connection.withStatement(Select(sql: "DELETE FROM access_tokens"), .binds(Binds())) {
                        try SQLiteStep.step($0)
                    }
                }
            }
        }
    }

    @Test("with every connection busy a read answers nil, so the store falls back to GRDB's pool", arguments: [1, 3])
    func limit(_ limit: Int) async throws {
        try await TemporaryDatabase.with { database in
            let readers = ReadConnections(path: database.path, busyTimeout: 5000, limit: limit)
            func nest(_ depth: Int) throws -> [Int?] {
                let inner: [Int?]? = try readers.withConnection { connection in
                    let value = try connection.withStatement(Self.one, .binds(Binds())) { statement in
                        _ = try SQLiteStep.step(statement)
                        return try RowReader(row: StatementRow(statement: statement, layout: Self.one.layout), table: "t")
                            .integer("n")
                    }
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

    @Test("a connection that fails to open frees its place, and its error is GRDB's")
    func failedOpen() throws {
        let path = "/nonexistent-\(UInt64.random(in: 0 ... .max))/granted.sqlite"
        let readers = ReadConnections(path: path, busyTimeout: 5000, limit: 1)
        for _ in 0..<3 {
            #expect(throws: DatabaseError.self) { _ = try readers.withConnection { _ in 1 } }
        }
    }

    @Test("arguments that do not match the statement's are refused, not bound as NULLs", arguments: [0, 2])
    func argumentCount(_ count: Int) async throws {
        try await TemporaryDatabase.with { database in
            var binds = Binds()
            for _ in 0..<count { binds.append(digest: Digest256(hashing: "x")) }
            #expect(throws: DatabaseError.self) {
                _ = try database.readers.withRow(Statements.accessToken, .binds(binds)) { _ in 1 }
            }
            // The connection is not left with the statement half bound.
            let key = SQLiteGrantStore.key { $0.append(digest: Digest256(hashing: "x")) }
            let found = try database.readers.withRow(Statements.accessToken, .binds(key)) { _ in 1 }
            #expect(found == .some(nil))
            // A digest alone, for a statement that takes two arguments.
            #expect(throws: DatabaseError.self) {
                _ = try database.readers.withRow(Statements.activeAuthorization, .digest(Digest256(hashing: "x"))) { _ in 1 }
            }
        }
    }

    static func token(client: String, at now: Date) -> AccessToken {
        AccessToken(
            client: ClientID(client), subject: nil, scopes: .empty, issuedAt: now, expiresAt: now + 60, family: nil,
            authorization: nil, audience: [], keyThumbprint: nil, state: .active)
    }

    @Test("another connection changes the schema and the row between two reads: the next read sees both")
    func schemaChange() async throws {
        try await TemporaryDatabase.with { database in
            let store = database.grantStore
            let now = Date(timeIntervalSince1970: 1_700_000_000)
            let digest = Digest256(hashing: "schema")
            try await store.insert(Self.token(client: "before", at: now), at: digest)
            #expect(try await store.accessToken(at: digest)?.token.client == ClientID("before"))
            // Another connection, as another process would: SQLite prepares the cached statement
            // again at its next step (SQLITE_SCHEMA is not an error the read sees).
            let other = try DatabaseQueue(path: database.path)
            try await other.write { db in
                try db.execute(sql: "ALTER TABLE access_tokens ADD COLUMN extra TEXT")
                try db.execute(sql: "CREATE INDEX access_tokens_extra ON access_tokens (extra)")
                try db.execute(sql: "UPDATE access_tokens SET client_id = 'after'")
            }
            #expect(try await store.accessToken(at: digest)?.token.client == ClientID("after"))
            try await other.write { db in try db.execute(sql: "DROP INDEX access_tokens_extra") }
            #expect(try await store.accessToken(at: digest)?.token.client == ClientID("after"))
            try other.close()
        }
    }

    @Test("a table another connection dropped is GRDB's error, and the connection reads again after")
    func droppedTable() async throws {
        try await TemporaryDatabase.with { database in
            let store = database.grantStore
            let digest = Digest256(hashing: "dropped")
            #expect(try await store.accessToken(at: digest) == nil)
            let other = try DatabaseQueue(path: database.path)
            try await other.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "DROP TABLE access_tokens")
            }
            try other.close()
            await #expect(throws: DatabaseError.self) { _ = try await store.accessToken(at: digest) }
            await #expect(throws: DatabaseError.self) { _ = try await store.accessToken(at: digest) }
            // The connection went back to the idle list, usable for other statements.
            #expect(try await store.family(FamilyID(uuid: UUID())) == nil)
        }
    }

    @Test("a file another process holds locked is SQLITE_BUSY after the busy timeout; readable once it lets go")
    func lockedFile() async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("locked.sqlite").path
            // WAL in exclusive locking mode: the connection keeps the file locked, no reader gets in.
            var configuration = Configuration()
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
            let holder = try DatabaseQueue(path: path, configuration: configuration)
            try await holder.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (7)")
            }
            let readers = ReadConnections(path: path, busyTimeout: 50, limit: 1)
            let select = Select(["n"], "FROM t")
            func read() throws -> Int?? {
                try readers.withRow(select, .binds(Binds())) { try RowReader(row: $0, table: "t").integer("n") }
            }
            do {
                _ = try read()
                Issue.record("a locked file was read")
            } catch let error as DatabaseError {
                #expect(error.resultCode == .SQLITE_BUSY)
            }
            try holder.close()
            #expect(try read() == .some(7))
        }
    }

    @Test("sixteen tasks reading while a writer revokes: each read sees one whole state", arguments: 0..<3)
    func concurrency(seed: UInt64) async throws {
        try await TemporaryDatabase.with { database in
            let store = database.grantStore
            let now = Date(timeIntervalSince1970: 1_700_000_000)
            var random = SplitMix64(state: seed)
            let digests = (0..<8).map { Digest256(hashing: "concurrent-\(seed)-\($0)") }
            for (index, digest) in digests.enumerated() {
                try await store.insert(Self.token(client: "c\(index)", at: now), at: digest)
            }
            let order = (0..<200).map { _ in Int(random.next() % UInt64(digests.count)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for digest in digests { _ = try await store.updateAccessToken(at: digest) { $0.revoke(at: now) } }
                }
                for task in 0..<16 {
                    group.addTask {
                        for step in 0..<50 {
                            let index = order[(task * 50 + step) % order.count]
                            let token = try #require(try await store.accessToken(at: digests[index])?.token)
                            #expect(token.client == ClientID("c\(index)"))
                            #expect(token.state == .active || token.state == .revoked(at: now))
                        }
                    }
                }
                try await group.waitForAll()
            }
            for digest in digests { #expect(try await store.accessToken(at: digest)?.token.state == .revoked(at: now)) }
        }
    }
}
