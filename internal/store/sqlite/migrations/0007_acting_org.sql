-- The organisation an intermediary's user acts for in a session (one of its children).
ALTER TABLE sessions ADD COLUMN acting_org_id INTEGER;
