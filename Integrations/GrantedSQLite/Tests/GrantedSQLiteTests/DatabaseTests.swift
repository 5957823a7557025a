import Foundation
import GRDB
import Granted
@testable import GrantedSQLite
import GrantedTesting
import Testing

/// The file itself: migrations applied once however often and however concurrently processes
/// open it, WAL mode, grants kept across a reopen, no secret stored but as a digest, and rows
/// another program wrote badly reported as corrupt, never a trap.
@Suite("SQLite: the file, migrations and corrupt rows")
struct DatabaseTests {
    static func sql<Value: DatabaseValueConvertible & Sendable>(_ path: String, _ sql: String) async throws -> [Value] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try await queue.read { try Value.fetchAll($0, sql: sql) }
    }

    static func execute(_ path: String, _ sql: String) async throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try await queue.write { try $0.execute(sql: sql) }
    }

    @Test("opening again applies nothing; the file is in WAL mode")
    func reopen() async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("granted.sqlite").path
            for _ in 0..<3 {
                let applied = try await SQLiteDatabase(path: path).appliedMigrations()
                #expect(applied == ["v1", "v2", "v3"])
            }
            let mode: [String] = try await Self.sql(path, "PRAGMA journal_mode")
            #expect(mode == ["wal"])
        }
    }

    /// SQLite's `PRAGMA synchronous` values: 1 NORMAL, 2 FULL. The writer commits, so its
    /// setting is what a commit waits for (GRDB sets NORMAL there when it turns WAL on).
    @Test("the connection that commits has the synchronous setting asked for", arguments: [
        (SQLiteDatabase.Synchronous.full, 2), (.normal, 1),
    ])
    func synchronous(mode: SQLiteDatabase.Synchronous, pragma: Int) async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("granted.sqlite").path
            let database = try SQLiteDatabase(path: path, synchronous: mode)
            let writer = try await database.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
            #expect(writer == pragma)
            let byDefault = try SQLiteDatabase(path: path)
            #expect(try await byDefault.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        }
    }

    @Test("eight pools opening a new file at once: each migration applied exactly once")
    func concurrentOpens() async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("granted.sqlite").path
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { _ = try SQLiteDatabase(path: path) } }
                try await group.waitForAll()
            }
            let versions: [Int] = try await Self.sql(path, "SELECT version FROM granted_migrations")
            #expect(versions == [1, 2, 3])
        }
    }

    /// A file as the first release wrote it (v1 only), with a token, a code and a client in it.
    @Test("a v1 file with rows in it migrates: its rows read back in no session, bound to no key, no alg pinned")
    func v1FileMigrates() async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("granted.sqlite").path
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE granted_migrations (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL) STRICT;
                    INSERT INTO granted_migrations VALUES (1, 'v1', 0);
                    """)
                try db.execute(sql: SQLiteMigrations.v1)
                try db.execute(
                    sql: """
                        INSERT INTO access_tokens (digest, client_id, scopes, issued_at, state)
                        VALUES (?, 'service', 'public', 1700000000, 'active');
                        INSERT INTO authorization_codes (digest, client_id, scopes, subject, auth_time,
                            authorization_id, family_id, issued_at, state, state_at, dead_since)
                        VALUES (?, 'web', 'openid', 'alice', 1700000000, ?, ?, 1700000000, 'issued', 1700000030, 1700000030);
                        INSERT INTO clients (client_id, name, grant_types, authentication_methods, requires_pkce)
                        VALUES ('web', 'Web', '["authorization_code"]', '["none"]', 1);
                        """,
                    arguments: [
                        Data(Digest256(hashing: "gat_v1").bytes), Data(Digest256(hashing: "gac_v1").bytes),
                        Data(repeating: 1, count: 16), Data(repeating: 2, count: 16),
                    ])
            }
            try queue.close()

            let database = try SQLiteDatabase(path: path)
            #expect(try await database.appliedMigrations() == ["v1", "v2", "v3"])
            let token = try await database.grantStore.accessToken(at: Digest256(hashing: "gat_v1"))?.token
            #expect(token?.client == ClientID("service"))
            #expect(token?.keyThumbprint == nil)
            let code = try await database.grantStore.updateCode(at: Digest256(hashing: "gac_v1")) { $0 }
            #expect(code?.subject == Subject("alice"))
            #expect(code?.sessionID == nil && code?.keyThumbprint == nil)
            let client = try #require(try await database.clientStore.client(ClientID("web")))
            #expect(client.registeredRequiresPKCE)
            #expect(!client.requiresPushedAuthorizationRequests)
            #expect(client.postLogoutRedirectURIs.isEmpty && client.backchannelLogoutURI == nil)
            #expect(!client.backchannelLogoutSessionRequired)
            #expect(client.tokenEndpointAuthSigningAlgorithm == nil && !client.requiresDPoP)
        }
    }

    @Test("a file a newer build migrated is refused, not written")
    func unknownMigration() async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("granted.sqlite").path
            _ = try SQLiteDatabase(path: path)
            try await Self.execute(path, "INSERT INTO granted_migrations VALUES (99, 'v99', 0)")
            #expect(throws: SQLiteStoreError.unknownMigrations(["v99"])) { try SQLiteDatabase(path: path) }
        }
    }

    @Test("a token issued before a restart verifies after it, and its secret is nowhere in the file")
    func restart() async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("granted.sqlite").path
            let secret = "gat_restart_secret_value"
            let token = AccessToken(
                client: ClientID("service"), subject: Subject("alice"), scopes: try ScopeSet.parse("public"),
                issuedAt: Fixtures.epoch, expiresAt: nil, family: nil, authorization: nil)
            do {
                try await SQLiteDatabase(path: path).grantStore.insert(token, at: Digest256(hashing: secret))
            }
            let record = try await SQLiteDatabase(path: path).grantStore.accessToken(at: Digest256(hashing: secret))
            #expect(record?.token == token)
            #expect(record?.isActive(at: Fixtures.epoch) == true)
            let contents = try Data(contentsOf: URL(fileURLWithPath: path))
                + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            #expect(contents.range(of: Data(secret.utf8)) == nil)
            #expect(contents.range(of: Data(Digest256(hashing: secret).bytes)) != nil)
        }
    }

    /// Values no record has, written behind the adapter's back (STRICT tables check types;
    /// these pass them), each read as `corruptRow`.
    @Test(
        "a row no record can have is reported as corrupt",
        arguments: [
            ("PRAGMA ignore_check_constraints = ON; UPDATE access_tokens SET state = 'lost'", "state"),
            ("UPDATE access_tokens SET family_id = x'00'", "family_id"),
            ("UPDATE access_tokens SET scopes = 'a\"b'", "scopes"),
            ("UPDATE access_tokens SET audience = 'not json'", "audience"),
            ("UPDATE access_tokens SET audience = '[\"relative/path\"]'", "audience"),
            ("UPDATE access_tokens SET subject = NULL, client_id = ''", nil),
        ])
    func corrupt(statement: String, column: String?) async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("granted.sqlite").path
            let store = try SQLiteDatabase(path: path).grantStore
            let digest = Digest256(hashing: "gat_corrupt")
            try await store.insert(
                AccessToken(
                    client: ClientID("service"), subject: nil, scopes: .empty, issuedAt: Fixtures.epoch, expiresAt: nil,
                    family: nil, authorization: nil),
                at: digest)
            try await Self.execute(path, statement)
            if let column {
                await #expect(throws: SQLiteStoreError.corruptRow(table: "access_tokens", column: column)) {
                    try await store.accessToken(at: digest)
                }
            } else {
                // Odd but well-typed values are values: read back as written.
                let record = try await store.accessToken(at: digest)
                #expect(record?.token.client == ClientID(""))
            }
        }
    }

    @Test("a write bound without StatementArguments: a constraint or a count mismatch is GRDB's error, rolled back")
    func writeBinds() async throws {
        try await TemporaryDatabase.with { database in
            try await database.pool.write { db in
                try db.execute(sql: "CREATE TABLE t (k BLOB PRIMARY KEY, n INTEGER NOT NULL)")
            }
            let insert = "INSERT INTO t (k, n) VALUES (?1, ?2)"
            @Sendable func binds(_ key: String, _ n: Int?) -> Binds {
                var binds = Binds()
                binds.append(digest: Digest256(hashing: key))
                binds.append(integer: n)
                return binds
            }
            try await database.write { db in try db.run(insert, binds: binds("a", 1)) }
            for (wrong, code) in [(binds("a", 2), ResultCode.SQLITE_CONSTRAINT), (binds("b", nil), .SQLITE_CONSTRAINT)] {
                do {
                    try await database.write { db in
                        try db.run(insert, binds: binds("z", 9))
                        try db.run(insert, binds: wrong)
                    }
                    Issue.record("a constraint was not refused")
                } catch let error as DatabaseError {
                    #expect(error.resultCode == code)
                }
            }
            await #expect(throws: DatabaseError.self) { try await database.write { db in try db.run(insert, binds: Binds()) } }
            try await database.write { db in try db.run(insert, binds: binds("c", 3)) }
            let keys = try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
            // "z" went with each refused transaction.
            #expect(keys == 2)
        }
    }

    /// With `NORMAL` a write runs on the caller's thread only when it gets the write lock at
    /// once; one that finds it held must not wait there (a thread of the caller's pool, for up
    /// to the busy timeout), but queue on GRDB's writer and wait off-thread.
    @Test("a write that finds another connection holding the write lock queues, waits for it, and then commits")
    func writeQueuesBehindLock() async throws {
        try await TemporaryDatabase.with(synchronous: .normal) { database in
            let store = database.grantStore
            let now = Date(timeIntervalSince1970: 1_700_000_000)
            let token = AccessToken(client: "c", subject: nil, scopes: [.public], issuedAt: now, expiresAt: now + 3600)
            try await store.insert(token, at: Digest256(hashing: "gat_direct"))
            #expect(database.writes.current == (false, 0))

            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true  // its transaction spans two accesses
            let holder = try DatabaseQueue(path: database.path, configuration: configuration)
            try await holder.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
            let digest = Digest256(hashing: "gat_locked")
            let write = Task { try await store.insert(token, at: digest) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(database.writes.current == (false, 1), "the write queued, not waiting on the caller's thread")
            #expect(try await store.accessToken(at: digest) == nil)
            try await holder.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
            try await write.value
            #expect(try await store.accessToken(at: digest) != nil)
            #expect(database.writes.current == (false, 0))
            // The direct attempt turned SQLite's busy handler off for its BEGIN only.
            #expect(try await database.pool.write { try Int.fetchOne($0, sql: "PRAGMA busy_timeout") } == 5000)
            try holder.close()
        }
    }
}
