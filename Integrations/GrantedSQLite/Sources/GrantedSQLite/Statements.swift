/// The adapter's SQL, built once from the row types' column lists: `?1` is always the key
/// (digest or id), `?2…` the record's columns in `bind` order.
enum Statements {
    static let accessTokens = "access_tokens", codes = "authorization_codes", refreshTokens = "refresh_tokens"
    static let families = "refresh_families", authorizations = "user_authorizations", apiKeys = "api_keys"
    static let devices = "device_authorizations", oneTimeUses = "one_time_uses"
    static let sessions = "sessions", pushedRequests = "pushed_requests"

    private static let token = AccessTokenRow.columns
    private static let code = AuthorizationCodeRow.columns
    private static let family = RefreshFamilyRow.columns, familySelected = RefreshFamilyRow.selected
    private static let authorization = UserAuthorizationRow.columns
    private static let authorizationSelected = UserAuthorizationRow.selected
    private static let keyColumns = APIKeyRow.columns
    private static let device = DeviceAuthorizationRow.columns
    private static let session = SignInSessionRow.columns
    private static let pushed = PushedRequestRow.columns

    private static func insert(_ table: String, key: String, _ columns: [String]) -> String {
        "INSERT INTO \(table) (\(key), \(SQL.list(columns))) VALUES (\(SQL.placeholders(columns.count + 1)))"
    }
    private static func update(_ table: String, key: String, _ columns: [String]) -> String {
        "UPDATE \(table) SET \(SQL.assignments(columns)) WHERE \(key) = ?1"
    }

    // Access tokens
    static let insertAccessToken = insert(accessTokens, key: "digest", token) + " ON CONFLICT DO NOTHING"
    /// Verification: the token, its family and its authorization in one indexed read.
    static let accessTokenJoined = Select(
        [(token, "t", ""), (familySelected, "f", "f_"), (authorizationSelected, "a", "a_")],
        """
        FROM \(accessTokens) t
        LEFT JOIN \(families) f ON f.id = t.family_id
        LEFT JOIN \(authorizations) a ON a.id = t.authorization_id
        WHERE t.digest = ?1
        """)
    static let accessToken = Select(token, "FROM \(accessTokens) WHERE digest = ?1")
    static let updateAccessToken = update(accessTokens, key: "digest", token)

    // Codes
    static let insertCode = insert(codes, key: "digest", code) + " ON CONFLICT DO NOTHING"
    static let codeByDigest = Select(code, "FROM \(codes) WHERE digest = ?1")
    static let updateCode = update(codes, key: "digest", code)

    // Refresh tokens and families
    static let insertRefreshToken =
        "INSERT INTO \(refreshTokens) (digest, family_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
    static let refreshTokenFamily = Select(["family_id"], "FROM \(refreshTokens) WHERE digest = ?1")
    static let familyByID = Select(familySelected, "FROM \(families) WHERE id = ?1")
    static let insertFamily = insert(families, key: "id", family)
    static let updateFamily = update(families, key: "id", family)
    static let deleteFamily = "DELETE FROM \(families) WHERE id = ?1"
    static let familyJoined = Select(
        [(familySelected, "f", ""), (authorizationSelected, "a", "a_")],
        """
        FROM \(families) f
        LEFT JOIN \(authorizations) a ON a.id = f.authorization_id
        WHERE f.id = ?1
        """)

    // User authorizations
    static let activeAuthorization = Select(
        authorizationSelected, "FROM \(authorizations) WHERE subject = ?1 AND client_id = ?2 AND state = 'active'")
    static let authorizationByID = Select(authorizationSelected, "FROM \(authorizations) WHERE id = ?1")
    static let insertAuthorization = insert(authorizations, key: "id", authorization)
    static let updateAuthorization = update(authorizations, key: "id", authorization)
    static let authorizationsOfSubject = Select(
        authorizationSelected, "FROM \(authorizations) WHERE subject = ?1 ORDER BY created_at, id")

    // API keys. No conflict target: a conflict on the digest or on the id keeps the stored key
    // (re-importing a fixture's key at every start never revives one that was revoked).
    static let insertAPIKey = insert(apiKeys, key: "digest", keyColumns) + " ON CONFLICT DO NOTHING"
    static let apiKey = Select(keyColumns, "FROM \(apiKeys) WHERE digest = ?1")
    static let apiKeysOfSubject = Select(keyColumns, "FROM \(apiKeys) WHERE subject = ?1 ORDER BY created_at, id")
    static let apiKeyByID = Select(keyColumns, "FROM \(apiKeys) WHERE id = ?1")
    static let updateAPIKey = update(apiKeys, key: "id", keyColumns)

    // Device authorizations. No conflict target: a conflict on the digest or on the user code's
    // lookup digest stores nothing.
    static let insertDevice = insert(devices, key: "digest", device) + " ON CONFLICT DO NOTHING"
    static let deviceByDigest = Select(device, "FROM \(devices) WHERE digest = ?1")
    static let deviceByUserCode = Select(["digest"] + device, "FROM \(devices) WHERE user_code_lookup = ?1")
    static let updateDevice = update(devices, key: "digest", device)

    // One-time uses
    static let insertOneTimeUse =
        "INSERT INTO \(oneTimeUses) (digest, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING"

    // Sessions
    static let sessionByID = Select(["id"] + session, "FROM \(sessions) WHERE id = ?1")
    static let insertSession = insert(sessions, key: "id", session)
    static let updateSession = update(sessions, key: "id", session)
    static let deleteSession = "DELETE FROM \(sessions) WHERE id = ?1"

    // Pushed authorization requests
    static let insertPushedRequest = insert(pushedRequests, key: "digest", pushed) + " ON CONFLICT DO NOTHING"
    static let pushedRequestByDigest = Select(pushed, "FROM \(pushedRequests) WHERE digest = ?1")
    static let updatePushedRequest = update(pushedRequests, key: "digest", pushed)

    /// Housekeeping, in one transaction, roots' dependants first so each statement can still
    /// find the roots it cascades from: `?1` is the cutoff. Each statement's changes are counted.
    static let purge = [
        // Families that are dead, or whose authorization is.
        """
        DELETE FROM \(families) WHERE dead_since < ?1
            OR authorization_id IN (SELECT id FROM \(authorizations) WHERE dead_since < ?1)
        """,
        // Access tokens that are dead, hang from a dead authorization, or from a family that is
        // gone (purged now or before).
        """
        DELETE FROM \(accessTokens) WHERE dead_since < ?1
            OR authorization_id IN (SELECT id FROM \(authorizations) WHERE dead_since < ?1)
            OR (family_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(families) f WHERE f.id = family_id))
        """,
        """
        DELETE FROM \(codes) WHERE dead_since < ?1
            OR authorization_id IN (SELECT id FROM \(authorizations) WHERE dead_since < ?1)
        """,
        // Refresh token digests whose family is gone (`?1` only to keep one argument list).
        """
        DELETE FROM \(refreshTokens) WHERE ?1 IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM \(families) f WHERE f.id = family_id)
        """,
        "DELETE FROM \(authorizations) WHERE dead_since < ?1",
        "DELETE FROM \(apiKeys) WHERE dead_since < ?1",
        "DELETE FROM \(devices) WHERE dead_since < ?1",
        "DELETE FROM \(oneTimeUses) WHERE expires_at < ?1",
        "DELETE FROM \(sessions) WHERE dead_since < ?1",
        "DELETE FROM \(pushedRequests) WHERE dead_since < ?1",
    ]
}
