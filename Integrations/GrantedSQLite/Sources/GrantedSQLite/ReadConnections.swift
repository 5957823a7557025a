import GRDB
import GRDBSQLite
import Synchronization

/// Read-only connections for single-statement reads (verification, introspection, lookups),
/// outside GRDB: each is SQLite's own handle opened read-only on the file, with its statements
/// prepared once, taken from an idle list under a lock and handed back after the read, which
/// runs on the calling thread.
///
/// GRDB's pool runs `PRAGMA schema_version` before every read (a read transaction of its own),
/// and a `DatabaseQueue` hops onto its dispatch queue for each read; its statement arguments and
/// cursors allocate. A prepared statement needs none of it: SQLite prepares it again by itself
/// when another connection changed the schema (`sqlite3_prepare_v3`).
///
/// At most `limit` are open; a read that finds none idle and the limit reached answers nil (the
/// store then reads through GRDB's pool), so a read never waits here.
final class ReadConnections: Sendable {
    private struct State {
        var idle: [ReadConnection] = []
        var opened = 0
    }

    private let path: String
    private let busyTimeout: Int32
    private let limit: Int
    private let state = Mutex(State())

    /// `busyTimeout` in milliseconds, as `sqlite3_busy_timeout` takes it.
    init(path: String, busyTimeout: Int32, limit: Int) {
        self.path = path
        self.busyTimeout = busyTimeout
        self.limit = limit
    }

    /// Runs `body` on an idle connection (opening one when there is room), nil when none is free.
    func withConnection<Result>(_ body: (ReadConnection) throws -> Result) throws -> Result? {
        let taken: ReadConnection?? = state.withLock { state in
            if let connection = state.idle.popLast() { return .some(connection) }
            guard state.opened < limit else { return nil }
            state.opened += 1
            return .some(nil)
        }
        guard let taken else { return nil }
        let connection: ReadConnection
        do {
            connection = try taken ?? ReadConnection(path: path, busyTimeout: busyTimeout)
        } catch {
            state.withLock { $0.opened -= 1 }
            throw error
        }
        defer { state.withLock { $0.idle.append(connection) } }
        return try body(connection)
    }

    /// `select`'s first row, `?1…` bound from `key`, handed to `decode` where the step left it;
    /// nil when there is none, or when no connection is free.
    func withRow<Record>(_ select: Select, _ key: ReadKey, _ decode: (StatementRow) throws -> Record) throws -> Record?? {
        try withConnection { connection in
            try connection.withStatement(select, key) { statement in
                guard try SQLiteStep.step(statement) else { return nil }
                return try decode(StatementRow(statement: statement, layout: select.layout))
            }
        }
    }

    /// `decode` of every row of `select`, in order; nil when no connection is free.
    func withRows<Record>(_ select: Select, _ key: ReadKey, _ decode: (StatementRow) throws -> Record) throws -> [Record]? {
        try withConnection { connection in
            try connection.withStatement(select, key) { statement in
                let row = StatementRow(statement: statement, layout: select.layout)
                var records: [Record] = []
                while try SQLiteStep.step(statement) { records.append(try decode(row)) }
                return records
            }
        }
    }
}

/// One read-only connection and its prepared statements.
///
/// `@unchecked Sendable` because `ReadConnections` hands it to one thread at a time: it is taken
/// out of the idle list under the lock, used by the one read that took it, and put back under
/// the lock (which orders the next user's accesses after this one's). It is opened without
/// SQLite's own mutex (`SQLITE_OPEN_NOMUTEX`), which that one-at-a-time use makes safe.
final class ReadConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// By `Select.id`.
    private var statements: [SQLiteStatement?] = []

    init(path: String, busyTimeout: Int32) throws {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let error = DatabaseError(
                resultCode: ResultCode(rawValue: code), message: handle.map { String(cString: sqlite3_errmsg($0)) })
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeout)
        self.handle = handle
    }

    deinit {
        for statement in statements { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs `body` with the statement of `select` (prepared on first use), `?1…` bound from
    /// `key`; the statement is reset and its bindings cleared however `body` ends.
    func withStatement<Result>(
        _ select: Select, _ key: ReadKey, _ body: (SQLiteStatement) throws -> Result
    ) throws -> Result {
        let statement = try statement(select)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try key.bind(to: statement)
        return try body(statement)
    }

    private func statement(_ select: Select) throws -> SQLiteStatement {
        if select.id < statements.count, let statement = statements[select.id] { return statement }
        var statement: SQLiteStatement?
        let code = sqlite3_prepare_v3(handle, select.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw SQLiteStep.error(handle, code: code, sql: select.sql)
        }
        if select.id >= statements.count { statements += repeatElement(nil, count: select.id + 1 - statements.count) }
        statements[select.id] = statement
        return statement
    }
}

/// Stepping a statement of SQLite's own, its errors as GRDB's `DatabaseError` (the error every
/// other SQLite failure of the adapter is).
enum SQLiteStep {
    /// True when the statement is on a row, false when it is done.
    static func step(_ statement: SQLiteStatement) throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            throw error(sqlite3_db_handle(statement), code: code, sql: sqlite3_sql(statement).map { String(cString: $0) })
        }
    }

    static func error(_ handle: OpaquePointer?, code: Int32, sql: String?) -> DatabaseError {
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? code
        // The extended code when it refines this one (SQLITE_BUSY_SNAPSHOT for SQLITE_BUSY).
        let resultCode = extended & 0xFF == code & 0xFF ? extended : code
        return DatabaseError(
            resultCode: ResultCode(rawValue: resultCode), message: handle.map { String(cString: sqlite3_errmsg($0)) },
            sql: sql)
    }
}
