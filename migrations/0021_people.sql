-- People managed in the browser (issue 15, point 6): an invited person has no password until they set one through
-- a one-time link; admins change roles and groups, deactivate people (their sessions end) and send reset links.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL,
    ADD COLUMN groups text[] NOT NULL DEFAULT '{}' CHECK (cardinality(groups) <= 50);

-- One-time links, stored as hashes like keys and sessions; a link works once and until it expires.
CREATE TABLE user_setup_links (
    token_hash  text PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id),
    purpose     text NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX user_setup_links_user ON user_setup_links (user_id);
