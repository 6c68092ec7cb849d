-- +goose Up
-- Strengths, with what they mean in the person's life ("so what?"), who
-- named them and when they were last confirmed: a strength nobody has
-- confirmed for a year is due a fresh look.
CREATE TABLE strengths (
    id                TEXT PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES people(id),
    strength          TEXT NOT NULL,
    meaning           TEXT NOT NULL DEFAULT '',
    named_by          TEXT NOT NULL DEFAULT '',
    last_confirmed_on TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    created_by        TEXT REFERENCES accounts(id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX strengths_person ON strengths (person_id);

-- Positive risk agreements: a risk the person chooses to take, agreed
-- openly, with how their strengths and the people around them reduce it.
CREATE TABLE risk_agreements (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people(id),
    wants_to      TEXT NOT NULL,
    risk          TEXT NOT NULL,
    likelihood    TEXT NOT NULL CHECK (likelihood IN ('low','medium','high')),
    impact        TEXT NOT NULL CHECK (impact IN ('low','medium','high')),
    mitigation    TEXT NOT NULL DEFAULT '',
    persons_view  TEXT NOT NULL DEFAULT '',
    agreed_by     TEXT NOT NULL DEFAULT '',
    review_on     TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    TEXT REFERENCES accounts(id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX risk_agreements_person ON risk_agreements (person_id);
CREATE INDEX risk_agreements_review ON risk_agreements (review_on);

-- +goose Down
DROP TABLE risk_agreements;
DROP TABLE strengths;
