-- +goose Up
-- Administration in the browser (issue "A council can set itself up",
-- items 1 and 2): two more kinds of organisation, a CQC location id, the
-- council that added a partner, versions for edits by two admins, team
-- kinds, links between organisations, and invitations.
ALTER TABLE organisations DROP CONSTRAINT organisations_kind_check;
ALTER TABLE organisations ADD CONSTRAINT organisations_kind_check
    CHECK (kind IN ('council','nhs_trust','nhs_community','gp_practice','care_home','home_care_agency','voluntary_group','other'));
ALTER TABLE organisations ADD COLUMN cqc_code TEXT UNIQUE;
ALTER TABLE organisations ADD COLUMN partner_of TEXT REFERENCES organisations(id);
ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX organisations_partner_of ON organisations (partner_of);

ALTER TABLE teams ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'
    CHECK (kind IN ('community','hospital','mental_health','learning_disability','reablement','district_nursing','other'));
ALTER TABLE teams ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

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
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX organisation_links_org ON organisation_links (organisation_id);
CREATE INDEX organisation_links_partner ON organisation_links (partner_id);

CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    code_hash    TEXT NOT NULL UNIQUE,
    created_by   TEXT REFERENCES accounts(id),
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ,
    withdrawn_at TIMESTAMPTZ
);
CREATE INDEX invitations_account ON invitations (account_id);

-- +goose Down
DROP TABLE invitations;
DROP TABLE organisation_links;
ALTER TABLE teams DROP COLUMN version;
ALTER TABLE teams DROP COLUMN kind;
DROP INDEX organisations_partner_of;
ALTER TABLE organisations DROP COLUMN version;
ALTER TABLE organisations DROP COLUMN partner_of;
ALTER TABLE organisations DROP COLUMN cqc_code;
ALTER TABLE organisations DROP CONSTRAINT organisations_kind_check;
ALTER TABLE organisations ADD CONSTRAINT organisations_kind_check
    CHECK (kind IN ('council','nhs_trust','gp_practice','care_home','voluntary_group','other'));
