-- Collectors: a feed's collector configuration (JSON, "" for none), every file the
-- collectors fetched (kept as collected, unique by content per feed), and what each
-- collector remembers between runs.
ALTER TABLE feeds ADD COLUMN collect TEXT NOT NULL DEFAULT '';

CREATE TABLE collected_files (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds (id),
    name         TEXT NOT NULL,
    source       TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB,
    collected_at TIMESTAMP NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    ingestion_id INTEGER REFERENCES ingestions (id),
    ingested_at  TIMESTAMP,
    pruned_at    TIMESTAMP,
    UNIQUE (feed_id, sha256)
);
CREATE INDEX collected_files_feed ON collected_files (feed_id, id);

CREATE TABLE collector_state (
    feed_id           INTEGER PRIMARY KEY REFERENCES feeds (id),
    last_slot         TIMESTAMP,
    last_run_at       TIMESTAMP,
    last_success_at   TIMESTAMP,
    last_new_at       TIMESTAMP,
    last_error        TEXT NOT NULL DEFAULT '',
    last_files        INTEGER NOT NULL DEFAULT 0,
    cursor            TEXT NOT NULL DEFAULT '{}',
    stale_notified_at TIMESTAMP
);
