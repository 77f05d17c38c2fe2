-- Feeds, ingestions with their rejected rows, events and their matches, the network-owner
-- data from RIPE, and a version number of the registry for the matching indices.
CREATE TABLE feeds (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    provider   TEXT NOT NULL DEFAULT '',
    format     TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'periodic',
    tlp        TEXT NOT NULL DEFAULT 'AMBER',
    taxonomy   TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL DEFAULT '',
    identifier TEXT NOT NULL DEFAULT '',
    options    TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE ingestions (
    id              INTEGER PRIMARY KEY,
    feed_id         INTEGER NOT NULL REFERENCES feeds (id),
    file_name       TEXT NOT NULL,
    report_type     TEXT NOT NULL DEFAULT '',
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    rows_read       INTEGER NOT NULL DEFAULT 0,
    events          INTEGER NOT NULL DEFAULT 0,
    duplicates      INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    matched_events  INTEGER NOT NULL DEFAULT 0,
    fallback_events INTEGER NOT NULL DEFAULT 0,
    unmatched       INTEGER NOT NULL DEFAULT 0,
    organisations   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE ingestion_rejects (
    ingestion_id INTEGER NOT NULL REFERENCES ingestions (id) ON DELETE CASCADE,
    line         INTEGER NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX ingestion_rejects_ingestion ON ingestion_rejects (ingestion_id, line);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    fingerprint    TEXT NOT NULL UNIQUE,
    feed_id        INTEGER NOT NULL REFERENCES feeds (id),
    ingestion_id   INTEGER NOT NULL REFERENCES ingestions (id),
    time_source    TIMESTAMP,
    taxonomy       TEXT NOT NULL DEFAULT '',
    type           TEXT NOT NULL DEFAULT '',
    identifier     TEXT NOT NULL DEFAULT '',
    severity       TEXT NOT NULL DEFAULT '',
    source_ip      TEXT NOT NULL DEFAULT '',
    source_port    INTEGER NOT NULL DEFAULT 0,
    source_asn     INTEGER NOT NULL DEFAULT 0,
    source_fqdn    TEXT NOT NULL DEFAULT '',
    source_url     TEXT NOT NULL DEFAULT '',
    source_account TEXT NOT NULL DEFAULT '',
    data           TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX events_ingestion ON events (ingestion_id);

CREATE TABLE matches (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    org_id           INTEGER,
    asset_id         INTEGER,
    how              TEXT NOT NULL,
    specificity      INTEGER NOT NULL DEFAULT 0,
    verified         INTEGER NOT NULL DEFAULT 0,
    rank             INTEGER NOT NULL DEFAULT 0,
    fallback_contact TEXT NOT NULL DEFAULT '',
    fallback_network TEXT NOT NULL DEFAULT ''
);
CREATE INDEX matches_event ON matches (event_id);
CREATE INDEX matches_org ON matches (org_id, event_id);

CREATE TABLE ripe_networks (
    prefix        TEXT NOT NULL,
    ip_range      TEXT NOT NULL,
    netname       TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL DEFAULT '',
    org_handle    TEXT NOT NULL DEFAULT '',
    org_name      TEXT NOT NULL DEFAULT '',
    abuse_mailbox TEXT NOT NULL DEFAULT '',
    abuse_from    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ripe_asns (
    asn           INTEGER PRIMARY KEY,
    name          TEXT NOT NULL DEFAULT '',
    org_handle    TEXT NOT NULL DEFAULT '',
    org_name      TEXT NOT NULL DEFAULT '',
    abuse_mailbox TEXT NOT NULL DEFAULT ''
);

CREATE TABLE versions (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO versions (name, version) VALUES ('registry', 1), ('ripe', 1);
