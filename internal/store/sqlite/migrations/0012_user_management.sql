-- User management: an account can be disabled (kept, but no login and no session), and a
-- set-up link keeps the TOTP secret it offers until the set-up completes, so that every
-- load of the set-up page shows the same one.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE user_tokens ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
