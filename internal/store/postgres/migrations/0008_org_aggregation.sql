-- An organisation's choice: every notification at once, or a daily digest ('' leaves it to the rules).
ALTER TABLE organisations ADD COLUMN aggregation TEXT NOT NULL DEFAULT '';
