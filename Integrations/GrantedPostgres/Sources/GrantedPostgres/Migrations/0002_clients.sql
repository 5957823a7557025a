-- Registered clients (RFC 6749 §2; RFC 7591 §2 names). A secret only as its hash, in
-- `SecretHash`'s text form `scheme$base64url`.

CREATE TABLE IF NOT EXISTS clients (
    client_id text PRIMARY KEY,
    name text NOT NULL,
    secret_hash text,
    redirect_uris text[] NOT NULL DEFAULT '{}',
    grant_types text[] NOT NULL,
    -- NULL: any scope the server knows.
    allowed_scopes text,
    authentication_methods text[] NOT NULL,
    requires_pkce boolean NOT NULL
);
