-- Rules, decisions (which events go to whom), notifications with their delivery state,
-- feedback, and the repeat window (squelch).
CREATE TABLE rules (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

ALTER TABLE events ADD COLUMN decided BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX events_undecided ON events (id) WHERE NOT decided;

CREATE TABLE squelch (
    target     TEXT NOT NULL,
    identifier TEXT NOT NULL,
    last_at    TIMESTAMPTZ NOT NULL,
    severity   INTEGER NOT NULL,
    PRIMARY KEY (target, identifier)
);

CREATE TABLE items (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    org_id          BIGINT,
    abuse_email     TEXT NOT NULL DEFAULT '',
    window_end      TIMESTAMPTZ NOT NULL,
    review          BOOLEAN NOT NULL DEFAULT FALSE,
    composed        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX items_waiting ON items (recipient, window_end) WHERE NOT composed;

CREATE TABLE tickets (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket          TEXT NOT NULL UNIQUE,
    recipient       TEXT NOT NULL,
    org_id          BIGINT,
    email           TEXT NOT NULL,
    language        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    message         BYTEA NOT NULL,
    advice          TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    last_error      TEXT NOT NULL DEFAULT '',
    verify_code     TEXT NOT NULL,
    feedback_token  TEXT NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX notifications_outbox ON notifications (state, next_attempt_at);
CREATE INDEX notifications_org ON notifications (org_id, id);

CREATE TABLE notification_events (
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    event_id        BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (notification_id, event_id)
);

CREATE TABLE feedback (
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE deliveries (
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempt         INTEGER NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    outcome         TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_notification ON deliveries (notification_id);

ALTER TABLE contacts ADD COLUMN bounced_at TIMESTAMPTZ;
ALTER TABLE contacts ADD COLUMN bounce_reason TEXT NOT NULL DEFAULT '';
