import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// One SQLite database file holding Granted's grants and clients; `grantStore` and
/// `clientStore` share its connections.
///
/// **Journal and durability.** The file is in WAL mode (GRDB's `DatabasePool`): readers never
/// wait for the writer, and one writer at a time appends to the log. `synchronous = FULL` by
/// default, so a transaction is on disk when its call returns, even across a power loss; a
/// process killed mid-write leaves its open transaction out, whole (SQLite's atomic commit).
///
/// **Transactions.** Every state change is one `BEGIN IMMEDIATE` transaction: it takes the
/// file's write lock first, then reads the record, runs the engine's pure transition and writes
/// the result back, so no other connection, in this process or another, changes the record in
/// between. A read (verification) is one statement on a read-only connection, which sees one
/// snapshot of the file from its first row to its last.
///
/// **Several processes on one file.** SQLite's file locks serialize the writers of every
/// process. A connection that finds the file locked waits up to `busyTimeout` (SQLite's busy
/// handler; 5 s by default); a transaction that still gets `SQLITE_BUSY` is run again from its
/// start, up to `busyRetries` more times (2 by default) after a pause of 20–100 ms, and the
/// error is then thrown (the engine answers `server_error`). Running a transaction again is safe:
/// transitions are pure and nothing was written. The file must be on a local disk: SQLite's
/// locks do not hold over most network file systems.
///
/// **Where a write runs.** With `synchronous = NORMAL` a commit does not wait for the disk, so a
/// write that finds no other write of this process under way and the file's write lock free
/// runs on the calling thread: handing it to GRDB's writer queue and back cost more than the
/// write (thread wake-ups on both sides, about half of an issuance's CPU). Any other write, and
/// every write with `FULL`, goes through GRDB's writer queue and never blocks the caller's
/// thread on a lock or the disk.
public struct SQLiteDatabase: Sendable {
    /// The file's path.
    public let path: String
    public let busyTimeout: Duration
    public let busyRetries: Int
    let pool: DatabasePool
    let readers: ReadConnections
    /// Whether a write may run on the calling thread (`synchronous = NORMAL`), and who writes.
    let directWrites: Bool
    let writes = WriteGate()
    /// `busyTimeout` in milliseconds, as SQLite's busy handler takes it.
    let busyMilliseconds: Int32

    /// How hard a commit waits for the disk: `full` syncs the log at every commit (survives a
    /// power loss); `normal` syncs at checkpoints (a process crash loses nothing committed, a
    /// power loss may lose the last commits). SQLite's `PRAGMA synchronous`.
    public enum Synchronous: String, Sendable { case full = "FULL", normal = "NORMAL" }

    /// Opens (creating it when absent) the file at `path` and applies the migrations it lacks.
    public init(
        path: String, busyTimeout: Duration = .seconds(5), busyRetries: Int = 2, synchronous: Synchronous = .full
    ) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(
            TimeInterval(busyTimeout.components.seconds) + TimeInterval(busyTimeout.components.attoseconds) / 1e18)
        configuration.foreignKeysEnabled = true
        configuration.label = "granted.sqlite"
        let pragma = "PRAGMA synchronous = \(synchronous.rawValue)"
        configuration.prepareDatabase { db in try db.execute(sql: pragma) }
        self.path = path
        self.busyTimeout = busyTimeout
        self.busyRetries = busyRetries
        pool = try DatabasePool(path: path, configuration: configuration)
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        busyMilliseconds = Int32(clamping: milliseconds)
        directWrites = synchronous == .normal
        readers = ReadConnections(path: path, busyTimeout: busyMilliseconds, limit: configuration.maximumReaderCount)
        // GRDB's pool turns WAL on after `prepareDatabase` ran and sets `synchronous = NORMAL`
        // on its writer as it does: set the durability asked for again, on the connection
        // that commits (readers never write, so theirs does not matter).
        try pool.writeWithoutTransaction { db in try db.execute(sql: pragma) }
        try Self.migrate(pool)
    }

    /// The grant store on this file.
    public var grantStore: SQLiteGrantStore { SQLiteGrantStore(database: self) }
    /// The client registry on this file.
    public var clientStore: SQLiteClientStore { SQLiteClientStore(database: self) }

    /// The migrations applied to the file, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT name FROM granted_migrations ORDER BY version")
        }
    }

    /// Applies every migration the file lacks in one immediate transaction, so that processes
    /// starting together on one file apply each exactly once (the others wait on the lock, then
    /// find it applied).
    static func migrate(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS granted_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at REAL NOT NULL
                    ) STRICT
                    """)
                let versions = Set(try Int.fetchAll(db, sql: "SELECT version FROM granted_migrations"))
                let unknown = versions.subtracting(SQLiteMigrations.all.map(\.version)).sorted()
                guard unknown.isEmpty else { throw SQLiteStoreError.unknownMigrations(unknown.map { "v\($0)" }) }
                for migration in SQLiteMigrations.all where !versions.contains(migration.version) {
                    try db.execute(sql: migration.sql)
                    try db.execute(
                        sql: "INSERT INTO granted_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        arguments: [migration.version, migration.name, Date().timeIntervalSince1970])
                }
                return .commit
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed when it returns, rolled back
    /// when it throws; run again from the start when the file stays busy (see the type's notes).
    ///
    /// `BEGIN` and `COMMIT` are cached statements like the adapter's others: GRDB's
    /// `inTransaction` prepares both again at every transaction, which cost as much as the
    /// INSERT it wraps.
    func write<Result: Sendable>(_ body: @Sendable (Database) throws -> Result) async throws -> Result {
        if directWrites, writes.enterDirect() {
            let done: Result?
            do { done = try writeDirect(body) } catch {
                writes.leaveDirect()
                throw error
            }
            writes.leaveDirect()
            if let done { return done }
        }
        await writes.enterQueued()
        defer { writes.leaveQueued() }
        return try await retryingBusy {
            try await pool.writeWithoutTransaction { db in try Self.transaction(db, body) }
        }
    }

    /// `body`'s transaction on the calling thread, when `WriteGate` let this call write directly:
    /// GRDB's writer queue is idle, so its `sync` runs here at once. Nil when another process
    /// holds the file's write lock; then nothing ran, and the caller queues instead of waiting
    /// here (the busy handler is off for this one `BEGIN`).
    private func writeDirect<Result>(_ body: (Database) throws -> Result) throws -> Result? {
        try pool.writeWithoutTransaction { db -> Result? in
            let connection = db.sqliteConnection
            sqlite3_busy_timeout(connection, 0)
            do {
                try db.run("BEGIN IMMEDIATE TRANSACTION")
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                sqlite3_busy_timeout(connection, busyMilliseconds)
                return nil
            } catch {
                sqlite3_busy_timeout(connection, busyMilliseconds)
                throw error
            }
            sqlite3_busy_timeout(connection, busyMilliseconds)
            return try Self.committed(db, body)
        }
    }

    /// `BEGIN IMMEDIATE`, then `committed`.
    private static func transaction<Result>(_ db: Database, _ body: (Database) throws -> Result) throws -> Result {
        try db.run("BEGIN IMMEDIATE TRANSACTION")
        return try committed(db, body)
    }

    /// `body` in the transaction just begun, then `COMMIT`; a failed statement, or a COMMIT that
    /// failed (busy, or the disk), leaves the transaction open: it is rolled back, nothing of it kept.
    private static func committed<Result>(_ db: Database, _ body: (Database) throws -> Result) throws -> Result {
        do {
            let result = try body(db)
            try db.run("COMMIT TRANSACTION")
            return result
        } catch {
            if db.isInsideTransaction { try? db.run("ROLLBACK TRANSACTION") }
            throw error
        }
    }

    /// Runs `body` in a read transaction on a snapshot of the file.
    ///
    /// On the calling thread, not through GRDB's async API: a WAL read never waits for a writer,
    /// and the hop to a reader's queue and back cost more than the read (a bearer check spent
    /// most of its time switching threads). It waits only for a free reader connection, which
    /// another read on another thread hands back within a read's time.
    func read<Result: Sendable>(_ body: @Sendable (Database) throws -> Result) async throws -> Result {
        try await retryingBusy { try readHere(body) }
    }

    private func readHere<Result>(_ body: (Database) throws -> Result) throws -> Result {
        try pool.read(body)
    }

    /// `select`'s first row (`?1…` bound from `key`), handed to `decode` where the step left
    /// it; nil when there is none. Outside an explicit transaction, on the calling thread as
    /// `read` runs: on one of `readers`, or GRDB's pool (`unsafeRead`) when every reader is busy.
    ///
    /// Safe for one statement: SQLite runs a statement outside a transaction in its own implicit
    /// read transaction, which in WAL mode sees one snapshot of the file, the last commit when
    /// the statement started, from its first row to its last (joins included). An explicit
    /// transaction adds nothing to that but its `BEGIN` and `COMMIT`, which cost more than the
    /// one-row read itself. Two statements could see two different snapshots: a body that reads
    /// twice uses `read`.
    func readRow<Record: Sendable>(
        _ select: Select, _ key: ReadKey, _ decode: (StatementRow) throws -> Record
    ) async throws -> Record? {
        try await retryingBusy {
            if let found = try readers.withRow(select, key, decode) { return found }
            return try pool.unsafeRead { db in try db.withRow(select, arguments: key.arguments, decode) }
        }
    }

    /// Every row of `select`, in order, as `readRow` reads one.
    func readRows<Record: Sendable>(
        _ select: Select, _ key: ReadKey, _ decode: (StatementRow) throws -> Record
    ) async throws -> [Record] {
        try await retryingBusy {
            if let found = try readers.withRows(select, key, decode) { return found }
            return try pool.unsafeRead { db in try db.withRows(select, arguments: key.arguments, decode) }
        }
    }

    private func retryingBusy<Result: Sendable>(_ attempt: () async throws -> Result) async throws -> Result {
        var retries = 0
        while true {
            do {
                return try await attempt()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && retries < busyRetries {
                retries += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...100)))
            }
        }
    }
}

/// Who is writing through one `SQLiteDatabase`: a write runs on its caller's thread only when no
/// other write of this process is queued on GRDB's writer or running directly, so GRDB's
/// `sync` never waits behind a queued write (which may be waiting seconds on another process's
/// lock); a queued write waits, without holding a thread, while a direct one finishes.
final class WriteGate: Sendable {
    private struct State {
        var direct = false
        var queued = 0
    }

    private let state = Mutex(State())

    /// True when the caller may write directly; it must call `leaveDirect` after.
    func enterDirect() -> Bool {
        state.withLock { state in
            guard !state.direct, state.queued == 0 else { return false }
            state.direct = true
            return true
        }
    }

    func leaveDirect() {
        state.withLock { $0.direct = false }
    }

    /// Counts the caller as queued once no direct write runs; it must call `leaveQueued` after.
    func enterQueued() async {
        while !state.withLock({ state in
            guard !state.direct else { return false }
            state.queued += 1
            return true
        }) {
            await Task.yield()
        }
    }

    func leaveQueued() {
        state.withLock { $0.queued -= 1 }
    }

    /// Whether a direct write runs, and how many are queued (for tests).
    var current: (direct: Bool, queued: Int) {
        state.withLock { ($0.direct, $0.queued) }
    }
}
