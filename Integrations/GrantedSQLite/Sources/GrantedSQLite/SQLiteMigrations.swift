/// The schema, as numbered migrations: `granted_migrations` lists those a file has, and
/// `SQLiteDatabase` applies the others at open, in one immediate transaction. A later record
/// adds a migration `v2`, `v3`…; a shipped migration never changes.
///
/// Conventions: STRICT tables (SQLite checks every column's type); digests of secrets (never
/// the secrets) as 32-byte BLOB keys; ids as 16-byte BLOBs; dates as REAL seconds since 1970;
/// sets (audiences, resources, redirect URIs) as sorted JSON arrays of strings; `dead_since` is
/// the record's `deadSince`, written by the adapter on every change, which housekeeping deletes by.
enum SQLiteMigrations {
    /// Grants, clients and registrations, device authorizations, one-time uses.
    static let v1 = """
        CREATE TABLE user_authorizations (
            id BLOB PRIMARY KEY CHECK (length(id) = 16),
            subject TEXT NOT NULL,
            client_id TEXT NOT NULL,
            scopes TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
            revoked_at REAL,
            dead_since REAL,
            CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
        ) STRICT;
        -- The active authorization of a user for a client: at most one, found by the pair.
        CREATE UNIQUE INDEX user_authorizations_active ON user_authorizations (subject, client_id)
            WHERE state = 'active';
        CREATE INDEX user_authorizations_subject ON user_authorizations (subject, created_at);
        CREATE INDEX user_authorizations_dead ON user_authorizations (dead_since) WHERE dead_since IS NOT NULL;

        CREATE TABLE refresh_families (
            id BLOB PRIMARY KEY CHECK (length(id) = 16),
            client_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            scopes TEXT NOT NULL,
            resources TEXT NOT NULL DEFAULT '[]',
            authorization_id BLOB NOT NULL,
            auth_time REAL NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL,
            current_digest BLOB CHECK (length(current_digest) = 32),
            previous_digest BLOB CHECK (length(previous_digest) = 32),
            previous_rotated_at REAL,
            previous_retried INTEGER CHECK (previous_retried IN (0, 1)),
            last_used_at REAL NOT NULL,
            access_tokens_expire_by REAL,
            state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
            revoked_at REAL,
            dead_since REAL,
            CHECK ((state = 'revoked') = (revoked_at IS NOT NULL)),
            CHECK ((previous_digest IS NULL) = (previous_rotated_at IS NULL)),
            CHECK ((previous_digest IS NULL) = (previous_retried IS NULL))
        ) STRICT;
        CREATE INDEX refresh_families_authorization ON refresh_families (authorization_id);
        CREATE INDEX refresh_families_dead ON refresh_families (dead_since) WHERE dead_since IS NOT NULL;

        -- Which family each refresh token (every generation) belongs to.
        CREATE TABLE refresh_tokens (
            digest BLOB PRIMARY KEY CHECK (length(digest) = 32),
            family_id BLOB NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

        CREATE TABLE access_tokens (
            digest BLOB PRIMARY KEY CHECK (length(digest) = 32),
            client_id TEXT NOT NULL,
            subject TEXT,
            scopes TEXT NOT NULL,
            audience TEXT NOT NULL DEFAULT '[]',
            issued_at REAL NOT NULL,
            expires_at REAL,
            family_id BLOB,
            authorization_id BLOB,
            state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
            revoked_at REAL,
            dead_since REAL,
            CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
        ) STRICT;
        CREATE INDEX access_tokens_family ON access_tokens (family_id) WHERE family_id IS NOT NULL;
        CREATE INDEX access_tokens_authorization ON access_tokens (authorization_id) WHERE authorization_id IS NOT NULL;
        CREATE INDEX access_tokens_dead ON access_tokens (dead_since) WHERE dead_since IS NOT NULL;

        CREATE TABLE authorization_codes (
            digest BLOB PRIMARY KEY CHECK (length(digest) = 32),
            client_id TEXT NOT NULL,
            redirect_uri TEXT,
            scopes TEXT NOT NULL,
            resources TEXT NOT NULL DEFAULT '[]',
            subject TEXT NOT NULL,
            auth_time REAL NOT NULL,
            nonce TEXT,
            code_challenge TEXT,
            code_challenge_method TEXT,
            authorization_id BLOB NOT NULL,
            family_id BLOB NOT NULL,
            issued_at REAL NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('issued', 'redeemed', 'revoked')),
            -- issued: when it expires; redeemed, revoked: when that happened.
            state_at REAL NOT NULL,
            dead_since REAL NOT NULL,
            CHECK ((code_challenge IS NULL) = (code_challenge_method IS NULL))
        ) STRICT;
        CREATE INDEX authorization_codes_authorization ON authorization_codes (authorization_id);
        CREATE INDEX authorization_codes_dead ON authorization_codes (dead_since);

        CREATE TABLE api_keys (
            digest BLOB PRIMARY KEY CHECK (length(digest) = 32),
            id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
            subject TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at REAL NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
            revoked_at REAL,
            dead_since REAL,
            CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
        ) STRICT;
        CREATE INDEX api_keys_subject ON api_keys (subject, created_at);
        CREATE INDEX api_keys_dead ON api_keys (dead_since) WHERE dead_since IS NOT NULL;

        -- Device authorizations (RFC 8628): keyed by the digest of the device code, found by the
        -- server-keyed digest of the user code (unique: one entry never finds two devices).
        CREATE TABLE device_authorizations (
            digest BLOB PRIMARY KEY CHECK (length(digest) = 32),
            client_id TEXT NOT NULL,
            scopes TEXT NOT NULL,
            resources TEXT NOT NULL DEFAULT '[]',
            user_code_lookup BLOB NOT NULL UNIQUE CHECK (length(user_code_lookup) = 32),
            user_code_check BLOB NOT NULL CHECK (length(user_code_check) = 32),
            family_id BLOB NOT NULL,
            issued_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            interval_seconds REAL NOT NULL,
            last_polled_at REAL,
            failed_entries INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'redeemed', 'burned')),
            state_at REAL,
            subject TEXT,
            approved_scopes TEXT,
            auth_time REAL,
            authorization_id BLOB,
            approved_at REAL,
            dead_since REAL NOT NULL,
            CHECK ((state IN ('approved', 'redeemed')) = (subject IS NOT NULL)),
            CHECK ((state IN ('denied', 'redeemed', 'burned')) = (state_at IS NOT NULL))
        ) STRICT;
        CREATE INDEX device_authorizations_dead ON device_authorizations (dead_since);

        -- One-time uses (a client assertion's `jti`, RFC 7523 §3), kept until `expires_at`.
        CREATE TABLE one_time_uses (
            digest BLOB PRIMARY KEY CHECK (length(digest) = 32),
            expires_at REAL NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX one_time_uses_expiry ON one_time_uses (expires_at);

        -- Registered clients (RFC 6749 §2; RFC 7591 §2 names). A secret only as its hash, in
        -- `SecretHash`'s text form `scheme$base64url`; lists as JSON arrays.
        CREATE TABLE clients (
            client_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            secret_hash TEXT,
            redirect_uris TEXT NOT NULL DEFAULT '[]',
            grant_types TEXT NOT NULL,
            -- NULL: any scope the server knows.
            allowed_scopes TEXT,
            authentication_methods TEXT NOT NULL,
            requires_pkce INTEGER NOT NULL CHECK (requires_pkce IN (0, 1)),
            jwks TEXT,
            jwks_uri TEXT
        ) STRICT;

        -- Dynamic registrations (RFC 7591 §3; RFC 7592 §2): the metadata as registered (JSON) and
        -- only the digest of the registration access token. Deleting the client deletes it.
        CREATE TABLE client_registrations (
            client_id TEXT PRIMARY KEY REFERENCES clients (client_id) ON DELETE CASCADE,
            metadata TEXT NOT NULL,
            issued_at REAL NOT NULL,
            access_token_digest BLOB NOT NULL CHECK (length(access_token_digest) = 32)
        ) STRICT;
        """

    /// Sign-out sessions (Back-Channel Logout 1.0 §2.1) and clients' logout metadata
    /// (RP-Initiated Logout 1.0 §3.1); pushed authorization requests (RFC 9126) and clients that
    /// require them (§6); DPoP key bindings (RFC 9449 §5, §6, §10). Rows stored before it read
    /// back in no session, bound to no key, with no logout metadata.
    static let v2 = """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            subject TEXT NOT NULL,
            created_at REAL NOT NULL,
            client_ids TEXT NOT NULL DEFAULT '[]',
            family_ids TEXT NOT NULL DEFAULT '[]',
            ended_at REAL,
            dead_since REAL,
            CHECK ((ended_at IS NULL) = (dead_since IS NULL))
        ) STRICT;
        CREATE INDEX sessions_dead ON sessions (dead_since) WHERE dead_since IS NOT NULL;
        ALTER TABLE authorization_codes ADD COLUMN session_id TEXT;
        ALTER TABLE refresh_families ADD COLUMN session_id TEXT;
        ALTER TABLE device_authorizations ADD COLUMN session_id TEXT;
        ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
        ALTER TABLE clients ADD COLUMN backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0
            CHECK (backchannel_logout_session_required IN (0, 1));

        -- Pushed authorization requests: keyed by the SHA-256 of the request_uri, never stored.
        CREATE TABLE pushed_requests (
            digest BLOB PRIMARY KEY CHECK (length(digest) = 32),
            client_id TEXT NOT NULL,
            -- JSON array of [name, value] pairs in the order pushed.
            parameters TEXT NOT NULL,
            issued_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pushed', 'used')),
            used_at REAL,
            dead_since REAL NOT NULL,
            CHECK ((state = 'used') = (used_at IS NOT NULL))
        ) STRICT;
        CREATE INDEX pushed_requests_dead ON pushed_requests (dead_since);
        ALTER TABLE clients ADD COLUMN requires_pushed_authorization_requests INTEGER NOT NULL DEFAULT 0
            CHECK (requires_pushed_authorization_requests IN (0, 1));

        -- DPoP: the JWK SHA-256 thumbprint (RFC 7638) a token, family or code is bound to; no secret.
        ALTER TABLE access_tokens ADD COLUMN key_thumbprint TEXT;
        ALTER TABLE refresh_families ADD COLUMN key_thumbprint TEXT;
        ALTER TABLE authorization_codes ADD COLUMN key_thumbprint TEXT;
        """

    /// Two client metadata the token endpoint enforces: `token_endpoint_auth_signing_alg`
    /// (OpenID Connect Registration 1.0 §2), NULL for any alg the method allows, and
    /// `dpop_bound_access_tokens` (RFC 9449 §5.2). Clients stored before it read back as neither.
    static let v3 = """
        ALTER TABLE clients ADD COLUMN token_endpoint_auth_signing_alg TEXT;
        ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens INTEGER NOT NULL DEFAULT 0
            CHECK (dpop_bound_access_tokens IN (0, 1));
        """
}

extension SQLiteMigrations {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
    }

    /// Every migration, in order. Append; never edit one that shipped.
    static let all = [
        Migration(version: 1, name: "v1", sql: v1),
        Migration(version: 2, name: "v2", sql: v2),
        Migration(version: 3, name: "v3", sql: v3),
    ]
}
