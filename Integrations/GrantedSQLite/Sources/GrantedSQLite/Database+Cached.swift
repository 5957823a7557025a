import GRDB

/// The adapter's statements, each prepared once per connection and kept in GRDB's statement
/// cache: preparing (SQLite's parser, and GRDB's authorizer working out what the statement
/// reads) costs more than running a one-row statement, and every transition runs the same few.
extension Database {
    /// Runs one statement for its effect.
    func run(_ sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The statement's first row, nil when it has none.
    func fetchRow(_ sql: String, arguments: StatementArguments) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    /// Every row of the statement.
    func fetchRows(_ sql: String, arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }
}
