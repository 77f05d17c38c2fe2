-- The Shadowserver schema (intelmq.json) that `baken shadowserver schema update` stored,
-- in place of the one Baken ships: one row, so that every process reads the same.
CREATE TABLE shadowserver_schema (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    types INTEGER NOT NULL,
    data TEXT NOT NULL,
    stored_at TIMESTAMP NOT NULL
);
INSERT INTO versions (name, version) VALUES ('shadowserver-schema', 1);
