-- Granted's grant store: one table per record kind, keyed by the SHA-256 of the secret (never
-- the secret), each record's state in typed columns. `dead_since` is the record's `deadSince`
-- (written by the adapter on every change): housekeeping deletes by it.
-- Runs with search_path set to the store's schema; every statement is idempotent.

CREATE TABLE IF NOT EXISTS user_authorizations (
    id uuid PRIMARY KEY,
    subject text NOT NULL,
    client_id text NOT NULL,
    scopes text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    state text NOT NULL CHECK (state IN ('active', 'revoked')),
    revoked_at timestamptz,
    dead_since timestamptz,
    CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
);
-- The active authorization of a user for a client: at most one, found by the pair.
CREATE UNIQUE INDEX IF NOT EXISTS user_authorizations_active
    ON user_authorizations (subject, client_id) WHERE state = 'active';
CREATE INDEX IF NOT EXISTS user_authorizations_subject ON user_authorizations (subject, created_at);
CREATE INDEX IF NOT EXISTS user_authorizations_dead ON user_authorizations (dead_since)
    WHERE dead_since IS NOT NULL;

CREATE TABLE IF NOT EXISTS refresh_families (
    id uuid PRIMARY KEY,
    client_id text NOT NULL,
    subject text NOT NULL,
    scopes text NOT NULL,
    authorization_id uuid NOT NULL,
    auth_time timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    current_digest bytea CHECK (octet_length(current_digest) = 32),
    previous_digest bytea CHECK (octet_length(previous_digest) = 32),
    previous_rotated_at timestamptz,
    previous_retried boolean,
    last_used_at timestamptz NOT NULL,
    access_tokens_expire_by timestamptz,
    state text NOT NULL CHECK (state IN ('active', 'revoked')),
    revoked_at timestamptz,
    dead_since timestamptz,
    CHECK ((state = 'revoked') = (revoked_at IS NOT NULL)),
    CHECK ((previous_digest IS NULL) = (previous_rotated_at IS NULL)),
    CHECK ((previous_digest IS NULL) = (previous_retried IS NULL))
);
CREATE INDEX IF NOT EXISTS refresh_families_authorization ON refresh_families (authorization_id);
CREATE INDEX IF NOT EXISTS refresh_families_dead ON refresh_families (dead_since) WHERE dead_since IS NOT NULL;

-- Which family each refresh token (every generation) belongs to.
CREATE TABLE IF NOT EXISTS refresh_tokens (
    digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
    family_id uuid NOT NULL
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE IF NOT EXISTS access_tokens (
    digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
    client_id text NOT NULL,
    subject text,
    scopes text NOT NULL,
    issued_at timestamptz NOT NULL,
    expires_at timestamptz,
    family_id uuid,
    authorization_id uuid,
    state text NOT NULL CHECK (state IN ('active', 'revoked')),
    revoked_at timestamptz,
    dead_since timestamptz,
    CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS access_tokens_family ON access_tokens (family_id) WHERE family_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS access_tokens_authorization ON access_tokens (authorization_id)
    WHERE authorization_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS access_tokens_dead ON access_tokens (dead_since) WHERE dead_since IS NOT NULL;

CREATE TABLE IF NOT EXISTS authorization_codes (
    digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
    client_id text NOT NULL,
    redirect_uri text,
    scopes text NOT NULL,
    subject text NOT NULL,
    auth_time timestamptz NOT NULL,
    nonce text,
    code_challenge text,
    code_challenge_method text,
    authorization_id uuid NOT NULL,
    family_id uuid NOT NULL,
    issued_at timestamptz NOT NULL,
    state text NOT NULL CHECK (state IN ('issued', 'redeemed', 'revoked')),
    -- issued: when it expires; redeemed, revoked: when that happened.
    state_at timestamptz NOT NULL,
    dead_since timestamptz NOT NULL,
    CHECK ((code_challenge IS NULL) = (code_challenge_method IS NULL))
);
CREATE INDEX IF NOT EXISTS authorization_codes_authorization ON authorization_codes (authorization_id);
CREATE INDEX IF NOT EXISTS authorization_codes_dead ON authorization_codes (dead_since);

CREATE TABLE IF NOT EXISTS api_keys (
    digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
    id uuid NOT NULL UNIQUE,
    subject text NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL,
    state text NOT NULL CHECK (state IN ('active', 'revoked')),
    revoked_at timestamptz,
    dead_since timestamptz,
    CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS api_keys_subject ON api_keys (subject, created_at);
CREATE INDEX IF NOT EXISTS api_keys_dead ON api_keys (dead_since) WHERE dead_since IS NOT NULL;
