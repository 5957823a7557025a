/// Why the adapter could not answer. SQLite's own failures (a full disk, a file another
/// process held locked past the busy timeout and every retry) are thrown as GRDB's
/// `DatabaseError`; either way the engine answers `server_error` and leaks no detail.
public enum SQLiteStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A row that no record can have: a state the lifecycles lack, or a malformed digest, id,
    /// date, scope or resource identifier.
    case corruptRow(table: String, column: String)
    /// A transition the adapter cannot store: it replaced the active authorization of a user and
    /// client by another while that one is still active, or created a record under a key
    /// another record holds. The engine's transitions never do.
    case unsupportedTransition(String)
    /// The file has migrations this build does not know: a newer Granted wrote it.
    case unknownMigrations([String])

    public var description: String {
        switch self {
        case .corruptRow(let table, let column): "corrupt row in \(table): \(column)"
        case .unsupportedTransition(let why): "unsupported transition: \(why)"
        case .unknownMigrations(let names): "the database has migrations this build lacks: \(names.joined(separator: ", "))"
        }
    }
}
