/// Why the adapter could not answer. Connection and server failures are thrown as postgres-nio's
/// own errors (`PSQLError`); either way the engine answers `server_error` and leaks no detail.
public enum PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A schema name that is not a plain lower-case SQL identifier (`[a-z_][a-z0-9_]*`, ≤ 63 bytes).
    case invalidSchemaName(String)
    /// A database URL the adapter cannot read; names the part, never the password.
    case invalidURL(String)
    /// A row that no record can have: a state the lifecycles lack, or a malformed digest, scope or
    /// resource identifier.
    case corruptRow(table: String, column: String)
    /// A transition the adapter cannot store: it replaced the active authorization of a user and
    /// client by another while that one is still active, or kept creating a record whose key
    /// another record holds. The engine's transitions never do.
    case unsupportedTransition(String)
    /// A store call took longer than the store's timeout (typically: no connection to be had).
    case timedOut(Duration)

    public var description: String {
        switch self {
        case .invalidSchemaName(let name): "not a plain schema name: \(name)"
        case .invalidURL(let why): "invalid PostgreSQL URL: \(why)"
        case .corruptRow(let table, let column): "corrupt row in \(table): \(column)"
        case .unsupportedTransition(let why): "unsupported transition: \(why)"
        case .timedOut(let timeout): "no answer from PostgreSQL within \(timeout)"
        }
    }
}
