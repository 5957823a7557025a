/// The statements of one table's read-modify-write by key (`PostgresGrantStore.update`):
/// `$1` is the key, `$2…` the record's columns, and the version read is bound last.
struct RowUpdate: Sendable {
    /// The row as it is, unlocked, with its version: `xmin`, the transaction that wrote it.
    let read: String
    /// The write, where the row is still the version read; `RETURNING 1` tells whether it was.
    let writeIfUnchanged: String
    /// The delete, on the same condition (records a transition may set to nil).
    let deleteIfUnchanged: String
    /// The contended path, in one transaction: `SELECT … FOR UPDATE`, then the plain write.
    let lock: String
    let write: String
    let delete: String

    /// - Parameter selectsKey: whether the row's key comes back with its columns (an id the
    ///   record does not carry itself).
    init(_ table: String, key: String, _ columns: [String], selectsKey: Bool = false) {
        let selected = (selectsKey ? "\(key), " : "") + SQL.list(columns)
        let version = "xmin = $\(columns.count + 2)::xid"
        read = "SELECT xmin::text AS row_version, \(selected) FROM \(table) WHERE \(key) = $1"
        write = "UPDATE \(table) SET \(SQL.assignments(columns)) WHERE \(key) = $1"
        writeIfUnchanged = "\(write) AND \(version) RETURNING 1"
        delete = "DELETE FROM \(table) WHERE \(key) = $1"
        deleteIfUnchanged = "\(delete) AND xmin = $2::xid RETURNING 1"
        lock = "SELECT \(selected) FROM \(table) WHERE \(key) = $1 FOR UPDATE"
    }
}

/// The adapter's SQL for one schema, built once from the row types' column lists: `$1` is always
/// the key (digest or id), `$2…` the record's columns in `bind` order.
struct Statements: Sendable {
    let accessTokens, codes, refreshTokens, families, authorizations, apiKeys, devices, sessions, oneTimeUses: String
    let pushedRequests: String

    // Access tokens
    let insertAccessToken, accessTokenJoined: String
    let accessTokenUpdate: RowUpdate
    // Codes
    let insertCode: String
    let codeUpdate: RowUpdate
    // Refresh tokens and families
    let insertRefreshToken, refreshTokenFamily: String
    let insertFamily, familyJoined: String
    let familyUpdate: RowUpdate
    // User authorizations
    let activeAuthorization, activeAuthorizationForUpdate, insertAuthorization: String
    let authorizationUpdate: RowUpdate
    let authorization, authorizationsOfSubject: String
    // API keys
    let insertAPIKey, apiKey, apiKeysOfSubject: String
    let apiKeyUpdate: RowUpdate
    // Device authorizations
    let insertDevice, deviceByUserCodeForUpdate: String
    let deviceUpdate: RowUpdate
    // Sessions
    let insertSession: String
    let sessionUpdate: RowUpdate
    // One-time uses
    let insertOneTimeUse: String
    // Pushed authorization requests
    let insertPushedRequest: String
    let pushedRequestUpdate: RowUpdate
    // Housekeeping
    let purge: String

    /// - Parameter schema: the schema that qualifies every table; nil leaves them unqualified,
    ///   for the connection's `search_path` (`PreparedStatements`).
    init(_ schema: PostgresSchema?) {
        func table(_ name: String) -> String { schema?.table(name) ?? name }
        accessTokens = table("access_tokens")
        codes = table("authorization_codes")
        refreshTokens = table("refresh_tokens")
        families = table("refresh_families")
        authorizations = table("user_authorizations")
        apiKeys = table("api_keys")
        devices = table("device_authorizations")
        sessions = table("sessions")
        oneTimeUses = table("one_time_uses")
        pushedRequests = table("pushed_requests")

        let token = AccessTokenRow.columns
        let code = AuthorizationCodeRow.columns
        let family = RefreshFamilyRow.columns
        let authorization = UserAuthorizationRow.columns
        let keyColumns = APIKeyRow.columns
        let device = DeviceAuthorizationRow.columns
        let pushed = PushedRequestRow.columns

        func insert(_ table: String, key: String, _ columns: [String]) -> String {
            "INSERT INTO \(table) (\(key), \(SQL.list(columns))) VALUES (\(SQL.placeholders(columns.count + 1)))"
        }

        insertAccessToken = insert(accessTokens, key: "digest", token) + " ON CONFLICT (digest) DO NOTHING"
        // Verification: the token, its family and its authorization in one indexed read.
        accessTokenJoined = """
            SELECT \(SQL.list(token, table: "t")),
                f.id AS f_id, \(SQL.list(family, table: "f", prefix: "f_")),
                a.id AS a_id, \(SQL.list(authorization, table: "a", prefix: "a_"))
            FROM \(accessTokens) t
            LEFT JOIN \(families) f ON f.id = t.family_id
            LEFT JOIN \(authorizations) a ON a.id = t.authorization_id
            WHERE t.digest = $1
            """
        accessTokenUpdate = RowUpdate(accessTokens, key: "digest", token)

        insertCode = insert(codes, key: "digest", code) + " ON CONFLICT (digest) DO NOTHING"
        codeUpdate = RowUpdate(codes, key: "digest", code)

        insertRefreshToken = """
            INSERT INTO \(refreshTokens) (digest, family_id) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING
            """
        refreshTokenFamily = "SELECT family_id FROM \(refreshTokens) WHERE digest = $1"
        familyUpdate = RowUpdate(families, key: "id", family, selectsKey: true)
        insertFamily = insert(families, key: "id", family) + " ON CONFLICT (id) DO NOTHING RETURNING id"
        familyJoined = """
            SELECT f.id, \(SQL.list(family, table: "f")),
                a.id AS a_id, \(SQL.list(authorization, table: "a", prefix: "a_"))
            FROM \(families) f
            LEFT JOIN \(authorizations) a ON a.id = f.authorization_id
            WHERE f.id = $1
            """

        activeAuthorization = """
            SELECT xmin::text AS row_version, id, \(SQL.list(authorization)) FROM \(authorizations)
            WHERE subject = $1 AND client_id = $2 AND state = 'active'
            """
        activeAuthorizationForUpdate = """
            SELECT id, \(SQL.list(authorization)) FROM \(authorizations)
            WHERE subject = $1 AND client_id = $2 AND state = 'active' FOR UPDATE
            """
        authorizationUpdate = RowUpdate(authorizations, key: "id", authorization, selectsKey: true)
        // No target: a conflict on the id or on the active pair's partial unique index.
        insertAuthorization = insert(authorizations, key: "id", authorization) + " ON CONFLICT DO NOTHING RETURNING id"
        self.authorization = "SELECT id, \(SQL.list(authorization)) FROM \(authorizations) WHERE id = $1"
        authorizationsOfSubject = """
            SELECT id, \(SQL.list(authorization)) FROM \(authorizations) WHERE subject = $1 ORDER BY created_at, id
            """

        // No target: a conflict on the digest or on the id keeps the stored key (re-importing a
        // fixture's key at every start never revives one that was revoked).
        insertAPIKey = insert(apiKeys, key: "digest", keyColumns) + " ON CONFLICT DO NOTHING"
        apiKey = "SELECT \(SQL.list(keyColumns)) FROM \(apiKeys) WHERE digest = $1"
        apiKeysOfSubject = "SELECT \(SQL.list(keyColumns)) FROM \(apiKeys) WHERE subject = $1 ORDER BY created_at, id"
        apiKeyUpdate = RowUpdate(apiKeys, key: "id", keyColumns)

        // No target: a conflict on the digest or on the user code's lookup digest stores nothing.
        insertDevice = insert(devices, key: "digest", device) + " ON CONFLICT DO NOTHING RETURNING digest"
        deviceUpdate = RowUpdate(devices, key: "digest", device)
        deviceByUserCodeForUpdate =
            "SELECT digest, \(SQL.list(device)) FROM \(devices) WHERE user_code_lookup = $1 FOR UPDATE"
        insertOneTimeUse =
            "INSERT INTO \(oneTimeUses) (digest, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING digest"

        insertPushedRequest = insert(pushedRequests, key: "digest", pushed) + " ON CONFLICT (digest) DO NOTHING"
        pushedRequestUpdate = RowUpdate(pushedRequests, key: "digest", pushed)

        let session = SignInSessionRow.columns
        sessionUpdate = RowUpdate(sessions, key: "id", session, selectsKey: true)
        insertSession = insert(sessions, key: "id", session) + " ON CONFLICT (id) DO NOTHING RETURNING id"

        // Roots first: whatever hangs from an authorization or family deleted here goes with it,
        // and so do access and refresh tokens whose family is gone. Every sub-statement sees the
        // same snapshot, hence the explicit `IN (… deleted …)` beside `NOT EXISTS`.
        purge = """
            WITH dead_authorizations AS (
                DELETE FROM \(authorizations) WHERE dead_since < $1 RETURNING id
            ), dead_families AS (
                DELETE FROM \(families)
                WHERE dead_since < $1 OR authorization_id IN (SELECT id FROM dead_authorizations)
                RETURNING id
            ), dead_access_tokens AS (
                DELETE FROM \(accessTokens) t
                WHERE t.dead_since < $1
                    OR t.authorization_id IN (SELECT id FROM dead_authorizations)
                    OR t.family_id IN (SELECT id FROM dead_families)
                    OR (t.family_id IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM \(families) f WHERE f.id = t.family_id))
                RETURNING 1
            ), dead_codes AS (
                DELETE FROM \(codes)
                WHERE dead_since < $1 OR authorization_id IN (SELECT id FROM dead_authorizations)
                RETURNING 1
            ), dead_refresh_tokens AS (
                DELETE FROM \(refreshTokens) r
                WHERE r.family_id IN (SELECT id FROM dead_families)
                    OR NOT EXISTS (SELECT 1 FROM \(families) f WHERE f.id = r.family_id)
                RETURNING 1
            ), dead_api_keys AS (
                DELETE FROM \(apiKeys) WHERE dead_since < $1 RETURNING 1
            ), dead_devices AS (
                DELETE FROM \(devices) WHERE dead_since < $1 RETURNING 1
            ), dead_sessions AS (
                DELETE FROM \(sessions) WHERE dead_since < $1 RETURNING 1
            ), dead_one_time_uses AS (
                DELETE FROM \(oneTimeUses) WHERE expires_at < $1 RETURNING 1
            ), dead_pushed_requests AS (
                DELETE FROM \(pushedRequests) WHERE dead_since < $1 RETURNING 1
            )
            SELECT (SELECT count(*) FROM dead_authorizations) + (SELECT count(*) FROM dead_families)
                + (SELECT count(*) FROM dead_access_tokens) + (SELECT count(*) FROM dead_codes)
                + (SELECT count(*) FROM dead_refresh_tokens) + (SELECT count(*) FROM dead_api_keys)
                + (SELECT count(*) FROM dead_devices) + (SELECT count(*) FROM dead_sessions)
                + (SELECT count(*) FROM dead_one_time_uses) + (SELECT count(*) FROM dead_pushed_requests)
            """
    }
}
