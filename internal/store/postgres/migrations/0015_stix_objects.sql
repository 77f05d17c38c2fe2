-- TAXII: the STIX objects of each organisation's collection (org_id 0: the public one),
-- every version of an object a row of its own, served from the stored JSON. Times are
-- microseconds since 1970 (UTC), so that both engines compare and page them alike;
-- seq breaks the ties of date_added for the keyset cursor (date_added, seq).
CREATE TABLE stix_objects (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL,
    object_id    TEXT NOT NULL,
    type         TEXT NOT NULL,
    version      BIGINT NOT NULL,
    spec_version TEXT NOT NULL,
    date_added   BIGINT NOT NULL,
    object       TEXT NOT NULL,
    UNIQUE (org_id, object_id, version)
);
CREATE INDEX stix_objects_page ON stix_objects (org_id, date_added, seq);

-- A notification's publication on a channel that is not e-mail (TAXII now; webhooks
-- later): one row per notification and channel, written with what it published.
CREATE TABLE publications (
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL,
    objects         INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 1,
    published_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (notification_id, channel)
);
