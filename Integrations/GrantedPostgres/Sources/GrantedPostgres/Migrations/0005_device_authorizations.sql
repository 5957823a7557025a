-- Device authorizations (RFC 8628): keyed by the SHA-256 of the device code, found by the
-- verification page through the server-keyed digest of the user code's first six characters
-- (unique: one entry never finds two devices). Neither code is stored.
-- `state_at`: when it was denied, redeemed or burned (NULL while pending or approved). The
-- approval's columns are set exactly when it is approved or redeemed.

CREATE TABLE IF NOT EXISTS device_authorizations (
    digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
    client_id text NOT NULL,
    scopes text NOT NULL,
    resources text[] NOT NULL DEFAULT '{}',
    user_code_lookup bytea NOT NULL UNIQUE CHECK (octet_length(user_code_lookup) = 32),
    user_code_check bytea NOT NULL CHECK (octet_length(user_code_check) = 32),
    family_id uuid NOT NULL,
    issued_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    interval_seconds double precision NOT NULL,
    last_polled_at timestamptz,
    failed_entries bigint NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'redeemed', 'burned')),
    state_at timestamptz,
    subject text,
    approved_scopes text,
    auth_time timestamptz,
    authorization_id uuid,
    approved_at timestamptz,
    dead_since timestamptz NOT NULL,
    CHECK ((state IN ('approved', 'redeemed')) = (subject IS NOT NULL)),
    CHECK ((state IN ('denied', 'redeemed', 'burned')) = (state_at IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS device_authorizations_dead ON device_authorizations (dead_since);
