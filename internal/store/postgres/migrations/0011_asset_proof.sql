-- How an asset's ownership was proven: when (a DNS check, an analyst's approval, a
-- lapse) and by whom. What an organisation registered itself and nobody proved waits
-- for proof ('pending') and matches nothing: domains too, not only ranges.
ALTER TABLE assets ADD COLUMN proof_at TIMESTAMPTZ;
ALTER TABLE assets ADD COLUMN proof_by TEXT NOT NULL DEFAULT '';
UPDATE assets SET verification = 'pending' WHERE verification = 'unverified'
    AND provenance LIKE 'import:portal:%';
-- Analysts page through what waits; a partial index costs a bulk import nothing.
CREATE INDEX assets_pending ON assets (id) WHERE verification = 'pending';
