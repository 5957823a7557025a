import Foundation
import GRDBSQLite

/// The limit: SQLite's C API on its own connection to the same file, with the adapter's pragmas
/// (WAL, its `synchronous`, a 5 s busy timeout, foreign keys), every statement prepared once.
/// Each operation is its own transaction, as the adapter's are: `BEGIN IMMEDIATE`, one INSERT
/// into `access_tokens` of a row shaped as an issued token, `COMMIT`; or `BEGIN`, one SELECT of
/// that row's columns by its 32-byte key, `COMMIT`. Nothing is hashed, encoded or decoded.
final class BareLoop {
    private var db: OpaquePointer?
    private var begin: OpaquePointer?
    private var beginImmediate: OpaquePointer?
    private var commit: OpaquePointer?
    private var insert: OpaquePointer?
    private var select: OpaquePointer?
    /// Each row's 32-byte key: uniformly random, as a token's SHA-256 digest is, so rows land
    /// anywhere in the primary key's B-tree as the adapter's do (keys in counting order would all
    /// land on the B-tree's last page, fewer page writes per commit than a digest's). SplitMix64
    /// from a random seed: a few nanoseconds, nothing hashed.
    private var key: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var state = UInt64.random(in: .min ... .max)
    private let issuedAt = Date().timeIntervalSince1970
    /// Bound without a copy (`SQLITE_STATIC`), so they live as long as the statements.
    private let clientID = strdup("bench-client"), scopes = strdup("public")

    init(path: String, synchronous: String) {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            fail("sqlite3_open_v2 \(path): \(message)")
        }
        // The busy timeout comes first: switching to WAL takes a lock, and a sibling process may
        // hold one at that moment (CI saw "PRAGMA journal_mode = WAL: database is locked").
        sqlite3_busy_timeout(db, 5_000)
        exec("PRAGMA journal_mode = WAL")
        exec("PRAGMA synchronous = \(synchronous)")
        exec("PRAGMA foreign_keys = ON")
        begin = prepare("BEGIN DEFERRED TRANSACTION")
        beginImmediate = prepare("BEGIN IMMEDIATE TRANSACTION")
        commit = prepare("COMMIT TRANSACTION")
        insert = prepare("""
            INSERT INTO access_tokens (digest, client_id, subject, scopes, audience, issued_at, expires_at,
                family_id, authorization_id, state, revoked_at, dead_since, key_thumbprint)
            VALUES (?1, ?2, NULL, ?3, '[]', ?4, ?5, NULL, NULL, 'active', NULL, NULL, NULL)
            """)
        select = prepare("""
            SELECT client_id, subject, scopes, audience, issued_at, expires_at, family_id, authorization_id,
                state, revoked_at, dead_since, key_thumbprint
            FROM access_tokens WHERE digest = ?1
            """)
    }

    deinit {
        for statement in [begin, beginImmediate, commit, insert, select] { sqlite3_finalize(statement) }
        sqlite3_close_v2(db)
        free(clientID)
        free(scopes)
    }

    private var message: String { db.flatMap { String(cString: sqlite3_errmsg($0)) } ?? "no connection" }

    private func exec(_ sql: String) {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { fail("\(sql): \(message)") }
    }

    private func prepare(_ sql: String) -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK else {
            fail("prepare \(sql): \(message)")
        }
        return statement
    }

    /// Steps a statement that returns no row, and resets it.
    private func run(_ statement: OpaquePointer?) {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else { fail("step: \(code) \(message)") }
    }

    /// One token-shaped row under a fresh key, in its own immediate transaction.
    func insertRow() {
        run(beginImmediate)
        insertOne()
        run(commit)
    }

    private func insertOne() {
        key = (next(), next(), next(), next())
        withUnsafeBytes(of: &key) { bytes in
            sqlite3_bind_blob(insert, 1, bytes.baseAddress, 32, nil)
            sqlite3_bind_text(insert, 2, clientID, -1, nil)
            sqlite3_bind_text(insert, 3, scopes, -1, nil)
            sqlite3_bind_double(insert, 4, issuedAt)
            sqlite3_bind_double(insert, 5, issuedAt + 3_600)
            run(insert)
        }
    }

    /// SplitMix64 (Steele, Lea and Flood, 2014).
    private func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// `count` token-shaped rows in one transaction: the file's rows before the first run.
    func prefill(_ count: Int) {
        run(beginImmediate)
        for _ in 0..<count { insertOne() }
        run(commit)
    }

    /// The row under `digest`, in its own read transaction; answers how many bytes its client id has.
    func selectRow(_ digest: [UInt8]) -> Int {
        run(begin)
        let code = digest.withUnsafeBytes { bytes in
            sqlite3_bind_blob(select, 1, bytes.baseAddress, Int32(bytes.count), nil)
            return sqlite3_step(select)
        }
        guard code == SQLITE_ROW else { fail("select found no row: \(code) \(message)") }
        let length = Int(sqlite3_column_bytes(select, 0)) + Int(sqlite3_column_double(select, 4) > 0 ? 1 : 0)
        sqlite3_reset(select)
        run(commit)
        return length
    }
}
