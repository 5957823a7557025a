-- One-time uses (GrantStore.insertOnce): the digest of a client assertion's client and `jti`
-- (RFC 7523 §3), kept until `expires_at` so a replay is refused; later DPoP proofs (RFC 9449
-- §11.1). Neither the assertion nor its `jti` is stored. The primary key makes the insert
-- atomic: `ON CONFLICT DO NOTHING` answers no row to every caller but one.

CREATE TABLE IF NOT EXISTS one_time_uses (
    digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS one_time_uses_expiry ON one_time_uses (expires_at);
