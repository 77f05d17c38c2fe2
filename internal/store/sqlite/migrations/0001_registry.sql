-- Organisations, their contacts and assets; durable jobs.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    ref        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    sector     TEXT NOT NULL DEFAULT '',
    parent_id  INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organisations_parent ON organisations (parent_id);

CREATE TABLE contacts (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email    TEXT NOT NULL,
    role     TEXT NOT NULL DEFAULT 'security',
    language TEXT NOT NULL DEFAULT 'en',
    UNIQUE (org_id, email)
);

-- assets.org_id has no foreign key: checking one per row would double the time of a
-- bulk import of a million assets; the store removes an organisation's assets with it.
CREATE TABLE assets (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    value        TEXT NOT NULL,
    verification TEXT NOT NULL DEFAULT 'unverified',
    provenance   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, kind, value)
);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    args         TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL,
    attempt      INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    run_at       TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    unique_key   TEXT UNIQUE,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP
);
CREATE INDEX jobs_due ON jobs (state, run_at);
