-- +goose Up
-- The person's story: conversations, visits, calls, notes, letters, photos
-- and drawings. Append-only: a correction is a new entry that supersedes
-- the old one, with who, when and why; a removal keeps the entry, marked
-- with who removed it and why. Nothing a worker wrote silently disappears.
CREATE TABLE story_entries (
    id                TEXT PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES people(id),
    kind              TEXT NOT NULL CHECK (kind IN ('conversation','visit','phone_call','note','letter','photo','drawing')),
    occurred_at       TIMESTAMP NOT NULL,
    place             TEXT NOT NULL DEFAULT '',
    who               TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL,
    supersedes        TEXT REFERENCES story_entries(id),
    correction_reason TEXT NOT NULL DEFAULT '',
    superseded_by     TEXT REFERENCES story_entries(id),
    removed_at        TIMESTAMP,
    removed_by_label  TEXT NOT NULL DEFAULT '',
    removed_reason    TEXT NOT NULL DEFAULT '',
    created_by        TEXT REFERENCES accounts(id),
    created_by_label  TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX story_entries_person ON story_entries (person_id, occurred_at);

CREATE TABLE story_entry_outcomes (
    entry_id   TEXT NOT NULL REFERENCES story_entries(id),
    outcome_id TEXT NOT NULL REFERENCES outcomes(id),
    PRIMARY KEY (entry_id, outcome_id)
);
CREATE INDEX story_entry_outcomes_outcome ON story_entry_outcomes (outcome_id);

-- Full-text index of the current (not superseded, not removed) entries.
-- Kept in step by the application in the same transaction as the entry.
CREATE VIRTUAL TABLE story_search USING fts5(entry_id UNINDEXED, person_id UNINDEXED, body, tokenize = 'porter unicode61');

-- +goose Down
DROP TABLE story_search;
DROP TABLE story_entry_outcomes;
DROP TABLE story_entries;
