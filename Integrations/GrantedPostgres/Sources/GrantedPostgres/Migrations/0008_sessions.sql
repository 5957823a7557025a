-- Sessions (OpenID Connect Back-Channel Logout 1.0 §2.1): which clients a user session signed
-- in to and which refresh token families were issued in it, so sign-out can tell and revoke
-- them. Codes, families and device approvals carry the session they were approved in (`sid` in
-- ID tokens).
-- `ended_at` is NULL while the session is active; `dead_since` is set exactly when it ended.

CREATE TABLE IF NOT EXISTS sessions (
    id text PRIMARY KEY,
    subject text NOT NULL,
    created_at timestamptz NOT NULL,
    client_ids text[] NOT NULL DEFAULT '{}',
    family_ids uuid[] NOT NULL DEFAULT '{}',
    ended_at timestamptz,
    dead_since timestamptz,
    CHECK ((ended_at IS NULL) = (dead_since IS NULL))
);
CREATE INDEX IF NOT EXISTS sessions_dead ON sessions (dead_since) WHERE dead_since IS NOT NULL;

ALTER TABLE authorization_codes ADD COLUMN IF NOT EXISTS session_id text;
ALTER TABLE refresh_families ADD COLUMN IF NOT EXISTS session_id text;
ALTER TABLE device_authorizations ADD COLUMN IF NOT EXISTS session_id text;

-- A client's sign-out metadata (RP-Initiated Logout 1.0 §3.1, Back-Channel Logout 1.0 §2.2),
-- read with the client at the end-session endpoint and at sign-out.
ALTER TABLE clients ADD COLUMN IF NOT EXISTS post_logout_redirect_uris text[] NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN IF NOT EXISTS backchannel_logout_uri text;
ALTER TABLE clients ADD COLUMN IF NOT EXISTS backchannel_logout_session_required boolean NOT NULL DEFAULT false;
