-- Resource indicators (RFC 8707): the audience of each access token, and the resources a code
-- or family was granted for, as absolute URIs the adapter writes sorted. Rows stored before
-- this migration were issued for no resource, so they read back with an empty set.

ALTER TABLE access_tokens ADD COLUMN IF NOT EXISTS audience text[] NOT NULL DEFAULT '{}';
ALTER TABLE authorization_codes ADD COLUMN IF NOT EXISTS resources text[] NOT NULL DEFAULT '{}';
ALTER TABLE refresh_families ADD COLUMN IF NOT EXISTS resources text[] NOT NULL DEFAULT '{}';
