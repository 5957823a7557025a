-- DPoP (RFC 9449): the JWK SHA-256 thumbprint (RFC 7638) a record is bound to, NULL when it is
-- not. An access token's `cnf.jkt` (§6); a public client's refresh family (§5); a code's
-- `dpop_jkt` (§10). A thumbprint names a public key: it is no secret. Proofs' `jti`s go to
-- one_time_uses (migration 6) under their own digest; server nonces are derived, not stored.
-- Version 9: 7 and 8 are taken by the pushed-request and session migrations of other branches.

ALTER TABLE access_tokens ADD COLUMN IF NOT EXISTS key_thumbprint text;
ALTER TABLE refresh_families ADD COLUMN IF NOT EXISTS key_thumbprint text;
ALTER TABLE authorization_codes ADD COLUMN IF NOT EXISTS key_thumbprint text;
