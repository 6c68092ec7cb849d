-- +goose Up
-- The recording coach's word lists, editable by an admin. coach_lists
-- notes which languages have had the starting list loaded, so a list an
-- admin has emptied on purpose is not refilled.
CREATE TABLE coach_terms (
    id         TEXT PRIMARY KEY,
    lang       TEXT NOT NULL CHECK (lang IN ('en','cy')),
    term       TEXT NOT NULL,
    suggestion TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (lang, term)
);

CREATE TABLE coach_lists (
    lang      TEXT PRIMARY KEY,
    loaded_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE coach_lists;
DROP TABLE coach_terms;
