-- API tokens: opaque random tokens of an organisation for the REST API and TAXII, stored
-- hashed, each with a name, scopes, an expiry, an optional address allowlist and the last
-- time it was used (recorded at most once a minute). A revoked token stays, for the audit.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    allow        TEXT NOT NULL DEFAULT '',
    expires_at   TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    created_by   INTEGER,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (org_id, name) WHERE revoked_at IS NULL;
