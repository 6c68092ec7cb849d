-- +goose NO TRANSACTION
-- +goose Up
-- The data protection officer (issue "A council can set itself up", item 5):
-- a role that reads no records, only who looked at them. SQLite cannot
-- change a CHECK constraint in place, so the accounts table is rebuilt the
-- way SQLite's documentation prescribes: foreign keys off (outside any
-- transaction; the migrator's one writing connection runs every statement
-- here), the copy in one transaction, the keys checked before it commits.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE accounts_new (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    team_id         TEXT REFERENCES teams(id),
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin','manager','practitioner','care_home_staff','nhs_clinician','planner','circle_member','person','dpo')),
    person_id       TEXT REFERENCES people(id),
    password_hash   TEXT NOT NULL DEFAULT '',
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL
);
INSERT INTO accounts_new (id, organisation_id, team_id, email, display_name, role, person_id, password_hash, disabled, created_at)
    SELECT id, organisation_id, team_id, email, display_name, role, person_id, password_hash, disabled, created_at FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE accounts_new (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    team_id         TEXT REFERENCES teams(id),
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin','manager','practitioner','care_home_staff','nhs_clinician','planner','circle_member','person')),
    person_id       TEXT REFERENCES people(id),
    password_hash   TEXT NOT NULL DEFAULT '',
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL
);
INSERT INTO accounts_new (id, organisation_id, team_id, email, display_name, role, person_id, password_hash, disabled, created_at)
    SELECT id, organisation_id, team_id, email, display_name, role, person_id, password_hash, disabled, created_at FROM accounts; -- refused by the CHECK while any dpo account exists
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;
COMMIT;
PRAGMA foreign_keys = ON;
