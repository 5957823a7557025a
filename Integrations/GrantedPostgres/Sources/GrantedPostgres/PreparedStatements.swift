import PostgresNIO

/// The statements every request runs, prepared once per connection and then executed by name
/// (postgres-nio prepares a `PostgresPreparedStatement` on first use on each connection): the
/// server parses and plans them once instead of on every call, which for the verification's
/// three-table join is most of the server's work.
///
/// postgres-nio's prepared statements have static SQL, so these name their tables without a
/// schema: only a store whose connections have `search_path` set to its schema, as
/// `PostgresStorage(url:)` makes them, runs them (`prepared`); a store over a host's own client
/// runs the same SQL, schema-qualified, unprepared.
protocol PreparedRows: PostgresPreparedStatement where Row == PostgresRow {
    var bindings: PostgresBindings { get }
}

extension PreparedRows {
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension Statements {
    /// The statements with unqualified table names, for `search_path` to resolve.
    static let unqualified = Statements(nil)
}

/// Verification: the access token with its family and user authorization.
struct AccessTokenJoined: PreparedRows {
    static let name = "granted_access_token_joined"
    static let sql = Statements.unqualified.accessTokenJoined
    let bindings: PostgresBindings
}

/// Issuance: the access token's insert.
struct InsertAccessToken: PreparedRows {
    static let name = "granted_insert_access_token"
    static let sql = Statements.unqualified.insertAccessToken
    let bindings: PostgresBindings
}

/// Client authentication: the client by id.
struct ClientByID: PreparedRows {
    static let name = "granted_client_by_id"
    static let sql = "SELECT \(SQL.list(PostgresClientStore.columns)) FROM clients WHERE client_id = $1"
    let bindings: PostgresBindings
}

extension AsyncSequence where Element == PostgresRow {
    /// Every row (postgres-nio's `collect()` is on `PostgresRowSequence` only).
    func collectRows() async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in self { rows.append(row) }
        return rows
    }
}
