-- TAXII: the STIX objects of each organisation's collection (org_id 0: the public one),
-- every version of an object a row of its own, served from the stored JSON. Times are
-- microseconds since 1970 (UTC), so that both engines compare and page them alike;
-- seq breaks the ties of date_added for the keyset cursor (date_added, seq).
CREATE TABLE stix_objects (
    seq          INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    object_id    TEXT NOT NULL,
    type         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    spec_version TEXT NOT NULL,
    date_added   INTEGER NOT NULL,
    object       TEXT NOT NULL,
    UNIQUE (org_id, object_id, version)
);
CREATE INDEX stix_objects_page ON stix_objects (org_id, date_added, seq);

-- A notification's publication on a channel that is not e-mail (TAXII now; webhooks
-- later): one row per notification and channel, written with what it published.
CREATE TABLE publications (
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL,
    objects         INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 1,
    published_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (notification_id, channel)
);
