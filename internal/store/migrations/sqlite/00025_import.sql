-- +goose Up
-- Importing what a council already has (issue 11, item 3).
--
-- imported_people remembers, per organisation, which person each row of the
-- source system (its own person id, external_id) became, so importing the
-- same file again creates no one twice.
CREATE TABLE imported_people (
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    external_id     TEXT NOT NULL,
    person_id       TEXT NOT NULL REFERENCES people(id),
    imported_at     TIMESTAMP NOT NULL,
    imported_by     TEXT REFERENCES accounts(id),
    PRIMARY KEY (organisation_id, external_id)
);
CREATE INDEX imported_people_person ON imported_people (person_id);

-- A saved column mapping: which column of an organisation's export holds
-- each field of the template (a JSON object, field to column name).
CREATE TABLE import_mappings (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    columns         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT REFERENCES accounts(id),
    UNIQUE (organisation_id, name)
);

-- An upload checked in the browser and waiting to be confirmed: the file
-- stays here, keyed to the account that sent it, until it is imported or
-- expires, so the confirm button sends a token and never the file.
CREATE TABLE import_uploads (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    mapping     TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX import_uploads_expiry ON import_uploads (expires_at);

-- +goose Down
DROP TABLE import_uploads;
DROP TABLE import_mappings;
DROP TABLE imported_people;
