-- Two client metadata the token endpoint enforces, read with the client on every request:
-- token_endpoint_auth_signing_alg (OpenID Connect Registration 1.0 §2), the one JWS alg its
-- assertions may use, NULL for any its method allows; and dpop_bound_access_tokens (RFC 9449
-- §5.2), every token request with a DPoP proof. Rows stored before read back as neither.

ALTER TABLE clients ADD COLUMN IF NOT EXISTS token_endpoint_auth_signing_alg text;
ALTER TABLE clients ADD COLUMN IF NOT EXISTS dpop_bound_access_tokens boolean NOT NULL DEFAULT false;
