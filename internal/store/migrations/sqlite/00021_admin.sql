-- +goose NO TRANSACTION
-- +goose Up
-- Administration in the browser (issue "A council can set itself up",
-- items 1 and 2). Organisations gain two kinds (home care agencies, NHS
-- community services), a CQC location id beside the ODS code, the council
-- that added them as a partner, and a version for edits by two admins.
-- SQLite cannot change a CHECK in place, so the table is rebuilt the way
-- its documentation prescribes (as 00018 does for accounts): foreign keys
-- off, outside any transaction, the copy in one transaction.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE organisations_new (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('council','nhs_trust','nhs_community','gp_practice','care_home','home_care_agency','voluntary_group','other')),
    ods_code   TEXT UNIQUE,
    cqc_code   TEXT UNIQUE,
    partner_of TEXT REFERENCES organisations(id),
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO organisations_new (id, name, kind, ods_code, created_at)
    SELECT id, name, kind, ods_code, created_at FROM organisations;
DROP TABLE organisations;
ALTER TABLE organisations_new RENAME TO organisations;
CREATE INDEX organisations_partner_of ON organisations (partner_of);

-- A team's kind, and a version for renames by two admins.
ALTER TABLE teams ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'
    CHECK (kind IN ('community','hospital','mental_health','learning_disability','reablement','district_nursing','other'));
ALTER TABLE teams ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- How organisations work together: a care home served by a GP practice or
-- by a district nursing team (partner_team_id), a council commissioning
-- places at a care home. An ended link keeps its row: the history stays.
CREATE TABLE organisation_links (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    kind            TEXT NOT NULL CHECK (kind IN ('served_by','commissions_places_at','works_with')),
    partner_id      TEXT NOT NULL REFERENCES organisations(id),
    partner_team_id TEXT REFERENCES teams(id),
    starts_on       TEXT NOT NULL,
    ends_on         TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT REFERENCES accounts(id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX organisation_links_org ON organisation_links (organisation_id);
CREATE INDEX organisation_links_partner ON organisation_links (partner_id);

-- Invitations: a one-time code, stored only as its SHA-256, that lets the
-- invited person set the password of the account made for them.
CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    code_hash    TEXT NOT NULL UNIQUE,
    created_by   TEXT REFERENCES accounts(id),
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    used_at      TIMESTAMP,
    withdrawn_at TIMESTAMP
);
CREATE INDEX invitations_account ON invitations (account_id);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE invitations;
DROP TABLE organisation_links;
ALTER TABLE teams DROP COLUMN version;
ALTER TABLE teams DROP COLUMN kind;
CREATE TABLE organisations_new (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('council','nhs_trust','gp_practice','care_home','voluntary_group','other')),
    ods_code   TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO organisations_new (id, name, kind, ods_code, created_at)
    SELECT id, name, kind, ods_code, created_at FROM organisations; -- refused by the CHECK while a new kind is in use
DROP TABLE organisations;
ALTER TABLE organisations_new RENAME TO organisations;
COMMIT;
PRAGMA foreign_keys = ON;
