import GRDB
import GRDBSQLite

/// The adapter's statements, each prepared once per connection and kept in GRDB's statement
/// cache: preparing (SQLite's parser, and GRDB's authorizer working out what the statement
/// reads) costs more than running a one-row statement, and every transition runs the same few.
extension Database {
    /// Runs one statement for its effect.
    func run(_ sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Runs one statement for its effect, `?1…` bound straight from `binds` on the cached
    /// statement's SQLite handle and stepped there: no `StatementArguments` (which cost as much as
    /// the rest of GRDB's execution of an INSERT). GRDB binds again whenever it runs a statement
    /// with arguments, and the adapter never runs one of these without, so the bindings this
    /// clears are never missed.
    func run(_ sql: String, binds: Binds) throws {
        let statement = try cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(statement)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try binds.bind(to: statement)
        while try SQLiteStep.step(statement) {}
    }

    /// Hands `decode` the statement's first row where SQLite's step left it (no copy of the
    /// row); nil when there is none.
    ///
    /// The cursor steps the statement (GRDB's error handling, and its reset when the cursor
    /// goes) and decodes nothing itself but the first column's value: a `Row` cursor would
    /// build a lower-cased name table for every row it starts, which cost more than the read.
    func withRow<Record>(
        _ select: Select, arguments: StatementArguments, _ decode: (StatementRow) throws -> Record
    ) throws -> Record? {
        let statement = try cachedStatement(sql: select.sql)
        let cursor = try DatabaseValue.fetchCursor(statement, arguments: arguments)
        return try withExtendedLifetime(cursor) {
            guard try cursor.next() != nil else { return nil }
            return try decode(StatementRow(statement: statement.sqliteStatement, layout: select.layout))
        }
    }

    /// `decode` of every row of the statement, in order, each where the step left it.
    func withRows<Record>(
        _ select: Select, arguments: StatementArguments, _ decode: (StatementRow) throws -> Record
    ) throws -> [Record] {
        let statement = try cachedStatement(sql: select.sql)
        let cursor = try DatabaseValue.fetchCursor(statement, arguments: arguments)
        let row = StatementRow(statement: statement.sqliteStatement, layout: select.layout)
        var records: [Record] = []
        try withExtendedLifetime(cursor) {
            while try cursor.next() != nil { records.append(try decode(row)) }
        }
        return records
    }
}

/// The row a statement is on: valid only inside the closure it is handed to, until the
/// statement steps again or is reset.
struct StatementRow {
    let statement: SQLiteStatement
    let layout: ColumnLayout
}
