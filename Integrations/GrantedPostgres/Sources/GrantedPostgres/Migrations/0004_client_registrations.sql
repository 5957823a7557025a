-- Dynamic client registration (RFC 7591 §3; RFC 7592 §2). A `private_key_jwt` client keeps its
-- public keys in `clients` (a JWK Set as JSON, or its URL). A registration keeps the metadata as
-- registered (JSON), when its id was issued, and only the SHA-256 of its registration access
-- token. Deleting the client deletes its registration.

ALTER TABLE clients ADD COLUMN IF NOT EXISTS jwks text;
ALTER TABLE clients ADD COLUMN IF NOT EXISTS jwks_uri text;

CREATE TABLE IF NOT EXISTS client_registrations (
    client_id text PRIMARY KEY REFERENCES clients (client_id) ON DELETE CASCADE,
    metadata text NOT NULL,
    issued_at timestamptz NOT NULL,
    access_token_digest bytea NOT NULL
);
