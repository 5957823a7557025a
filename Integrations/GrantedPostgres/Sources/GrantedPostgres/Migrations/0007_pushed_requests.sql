-- Pushed authorization requests (RFC 9126): keyed by the SHA-256 of the request_uri, which is
-- never stored. The parameters are two parallel text[] in the order pushed (names may repeat).
-- `used_at`: when the authorization endpoint ran it (NULL while pushed).

CREATE TABLE IF NOT EXISTS pushed_requests (
    digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
    client_id text NOT NULL,
    parameter_names text[] NOT NULL,
    parameter_values text[] NOT NULL,
    issued_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    state text NOT NULL CHECK (state IN ('pushed', 'used')),
    used_at timestamptz,
    dead_since timestamptz NOT NULL,
    CHECK ((state = 'used') = (used_at IS NOT NULL)),
    CHECK (cardinality(parameter_names) = cardinality(parameter_values))
);
CREATE INDEX IF NOT EXISTS pushed_requests_dead ON pushed_requests (dead_since);

-- A client whose authorization requests must be pushed (RFC 9126 §6
-- `require_pushed_authorization_requests`); existing clients need not.
ALTER TABLE clients ADD COLUMN IF NOT EXISTS requires_pushed_authorization_requests boolean NOT NULL DEFAULT false;
