-- Analysts' own advice texts, replacing the built-in course of action of a classification
-- type or identifier in one language.
CREATE TABLE advice (
    scope    TEXT NOT NULL,
    language TEXT NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (scope, language)
);
