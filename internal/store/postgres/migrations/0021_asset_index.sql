-- The assets the matching index holds, in the compact form it loads from, with the
-- registry version they were read at: a process that finds the registry at that version
-- loads this one row instead of every asset.
CREATE TABLE asset_index (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    data BYTEA NOT NULL
);
