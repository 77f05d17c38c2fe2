-- Rules, decisions (which events go to whom), notifications with their delivery state,
-- feedback, and the repeat window (squelch).
CREATE TABLE rules (
    id           INTEGER PRIMARY KEY,
    feed         TEXT NOT NULL DEFAULT '',
    taxonomy     TEXT NOT NULL DEFAULT '',
    type         TEXT NOT NULL DEFAULT '',
    identifier   TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    min_severity TEXT NOT NULL DEFAULT '',
    repeat_hours INTEGER NOT NULL DEFAULT 168,
    aggregation  TEXT NOT NULL DEFAULT 'immediate',
    UNIQUE (feed, taxonomy, type, identifier)
);

ALTER TABLE events ADD COLUMN decided INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_undecided ON events (id) WHERE NOT decided;

CREATE TABLE squelch (
    target     TEXT NOT NULL,
    identifier TEXT NOT NULL,
    last_at    TIMESTAMP NOT NULL,
    severity   INTEGER NOT NULL,
    PRIMARY KEY (target, identifier)
);

CREATE TABLE items (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    org_id          INTEGER,
    abuse_email     TEXT NOT NULL DEFAULT '',
    window_end      TIMESTAMP NOT NULL,
    review          INTEGER NOT NULL DEFAULT 0,
    composed        INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX items_waiting ON items (recipient, window_end) WHERE NOT composed;

CREATE TABLE tickets (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    ticket          TEXT NOT NULL UNIQUE,
    recipient       TEXT NOT NULL,
    org_id          INTEGER,
    email           TEXT NOT NULL,
    language        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    message         BLOB NOT NULL,
    advice          TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until     TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    verify_code     TEXT NOT NULL,
    feedback_token  TEXT NOT NULL UNIQUE,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE INDEX notifications_outbox ON notifications (state, next_attempt_at);
CREATE INDEX notifications_org ON notifications (org_id, id);

CREATE TABLE notification_events (
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (notification_id, event_id)
);

CREATE TABLE feedback (
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE deliveries (
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempt         INTEGER NOT NULL,
    at              TIMESTAMP NOT NULL,
    outcome         TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_notification ON deliveries (notification_id);

ALTER TABLE contacts ADD COLUMN bounced_at TIMESTAMP;
ALTER TABLE contacts ADD COLUMN bounce_reason TEXT NOT NULL DEFAULT '';
