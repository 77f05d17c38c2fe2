-- DNS-token challenges: one random token per organisation and domain, and what the last
-- check found.
CREATE TABLE domain_challenges (
    org_id     BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    domain     TEXT NOT NULL,
    token      TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending',
    detail     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    checked_at TIMESTAMPTZ,
    PRIMARY KEY (org_id, domain)
);
