-- Passkeys (WebAuthn credentials) as a second factor, and the challenge of a ceremony in
-- progress, kept on the session that started it.
CREATE TABLE passkeys (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL DEFAULT '',
    credential_id BYTEA NOT NULL UNIQUE,
    credential    BYTEA NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX passkeys_user ON passkeys (user_id);

ALTER TABLE sessions ADD COLUMN challenge TEXT NOT NULL DEFAULT '';
