-- +goose Up
-- The person's profile beyond their name: how to address them, languages,
-- how they communicate and what helps, their GP practice.
ALTER TABLE people ADD COLUMN pronouns TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN first_language TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN prefers_welsh BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE people ADD COLUMN communication TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN communication_helps TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN communication_aids TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN best_time TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN gp_practice_id TEXT REFERENCES organisations(id);
ALTER TABLE people ADD COLUMN nhs_number_verified BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE person_addresses (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    kind       TEXT NOT NULL CHECK (kind IN ('home','care_home','correspondence','temporary')),
    lines      TEXT NOT NULL,
    postcode   TEXT NOT NULL DEFAULT '',
    from_date  TEXT NOT NULL DEFAULT '',
    to_date    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX person_addresses_person ON person_addresses (person_id);

-- The people who matter to the person. When both are people we support,
-- the relationship is stored both ways (daughter and mother), linked by
-- inverse_id.
CREATE TABLE person_relationships (
    id                TEXT PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES people(id),
    related_person_id TEXT REFERENCES people(id),
    name              TEXT NOT NULL,
    relationship      TEXT NOT NULL,
    inverse_id        TEXT REFERENCES person_relationships(id),
    is_carer          BOOLEAN NOT NULL DEFAULT FALSE,
    is_main_carer     BOOLEAN NOT NULL DEFAULT FALSE,
    is_key_contact    BOOLEAN NOT NULL DEFAULT FALSE,
    contact           TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX person_relationships_person ON person_relationships (person_id);

-- +goose Down
DROP TABLE person_relationships;
DROP TABLE person_addresses;
ALTER TABLE people DROP COLUMN pronouns;
ALTER TABLE people DROP COLUMN first_language;
ALTER TABLE people DROP COLUMN prefers_welsh;
ALTER TABLE people DROP COLUMN communication;
ALTER TABLE people DROP COLUMN communication_helps;
ALTER TABLE people DROP COLUMN communication_aids;
ALTER TABLE people DROP COLUMN best_time;
ALTER TABLE people DROP COLUMN gp_practice_id;
ALTER TABLE people DROP COLUMN nhs_number_verified;
