-- +goose Up
-- About me, in the person's own words, following the PRSB About Me
-- headings. Every save is a new version; the newest is what is shown, and
-- the history says who changed what and when.
CREATE TABLE about_me_versions (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES people(id),
    version          INTEGER NOT NULL,
    what_matters     TEXT NOT NULL DEFAULT '',
    good_day         TEXT NOT NULL DEFAULT '',
    bad_day          TEXT NOT NULL DEFAULT '',
    how_to_support   TEXT NOT NULL DEFAULT '',
    important        TEXT NOT NULL DEFAULT '',
    talk_about       TEXT NOT NULL DEFAULT '',
    dont_talk_about  TEXT NOT NULL DEFAULT '',
    in_words_of      TEXT NOT NULL DEFAULT '',
    written_by       TEXT REFERENCES accounts(id),
    written_by_label TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, version)
);

-- Personal outcomes: the statement in the words of whoever expressed it.
CREATE TABLE outcomes (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES people(id),
    statement       TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('change','maintain','process')),
    expressed_by    TEXT NOT NULL CHECK (expressed_by IN ('person','relative','advocate','carer','worker')),
    expressed_by_name TEXT NOT NULL DEFAULT '',
    on_behalf_reason TEXT NOT NULL DEFAULT '',
    why_it_matters  TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('working_on_it','achieved','maintained','no_longer_wanted')),
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT REFERENCES accounts(id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX outcomes_person ON outcomes (person_id);

-- Progress towards an outcome over time. Setbacks are part of the story.
CREATE TABLE outcome_progress (
    id           TEXT PRIMARY KEY,
    outcome_id   TEXT NOT NULL REFERENCES outcomes(id),
    person_id    TEXT NOT NULL REFERENCES people(id),
    on_date      TEXT NOT NULL,
    movement     TEXT NOT NULL CHECK (movement IN ('further_away','no_change','closer','achieved')),
    note         TEXT NOT NULL DEFAULT '',
    contributors TEXT NOT NULL DEFAULT '',
    created_by   TEXT REFERENCES accounts(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX outcome_progress_outcome ON outcome_progress (outcome_id, on_date);

-- +goose Down
DROP TABLE outcome_progress;
DROP TABLE outcomes;
DROP TABLE about_me_versions;
