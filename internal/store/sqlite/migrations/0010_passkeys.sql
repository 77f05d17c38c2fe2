-- Passkeys (WebAuthn credentials) as a second factor, and the challenge of a ceremony in
-- progress, kept on the session that started it.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL DEFAULT '',
    credential_id BLOB NOT NULL UNIQUE,
    credential    BLOB NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP
);
CREATE INDEX passkeys_user ON passkeys (user_id);

ALTER TABLE sessions ADD COLUMN challenge TEXT NOT NULL DEFAULT '';
