-- +goose Up
-- Identifiers are UUIDs held as text; timestamps are UTC, written by the
-- application; dates of birth are ISO 8601 text (YYYY-MM-DD).

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('council','nhs_trust','gp_practice','care_home','voluntary_group','other')),
    ods_code   TEXT UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE teams (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE people (
    id             TEXT PRIMARY KEY,
    given_name     TEXT NOT NULL,
    family_name    TEXT NOT NULL,
    preferred_name TEXT NOT NULL DEFAULT '',
    date_of_birth  TEXT,
    nhs_number     TEXT UNIQUE,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX people_names ON people (family_name, given_name);

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    team_id         TEXT REFERENCES teams(id),
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin','manager','practitioner','care_home_staff','nhs_clinician','planner','circle_member','person')),
    person_id       TEXT REFERENCES people(id),
    password_hash   TEXT NOT NULL DEFAULT '',
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL
);

-- The recorded relationships through which an account may see a person.
-- kind: allocated_worker (account_id), allocated_team (team_id),
-- care_home (organisation_id: the home the person lives in),
-- nhs_team (team_id: an NHS team involved in their care).
CREATE TABLE person_links (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES people(id),
    kind            TEXT NOT NULL CHECK (kind IN ('allocated_worker','allocated_team','care_home','nhs_team')),
    account_id      TEXT REFERENCES accounts(id),
    team_id         TEXT REFERENCES teams(id),
    organisation_id TEXT REFERENCES organisations(id),
    started_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ,
    created_by      TEXT REFERENCES accounts(id)
);
CREATE INDEX person_links_person ON person_links (person_id);
CREATE INDEX person_links_account ON person_links (account_id);
CREATE INDEX person_links_team ON person_links (team_id);
CREATE INDEX person_links_org ON person_links (organisation_id);

CREATE TABLE break_glass (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    person_id   TEXT NOT NULL REFERENCES people(id),
    reason      TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    reviewed_by TEXT REFERENCES accounts(id),
    reviewed_at TIMESTAMPTZ
);
CREATE INDEX break_glass_account ON break_glass (account_id, person_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- Failed sign-ins per email address and per client address, so guessing
-- slows and then pauses, across every instance of the server.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    blocked_until TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- The audit trail: append-only and hash-chained. Each row's hash covers its
-- own fields and the previous row's hash; audit_head holds the last sequence
-- number and hash, and its row lock serialises writers.
CREATE TABLE audit_events (
    seq        BIGINT PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    account_id TEXT,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    person_id  TEXT,
    target     TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT '',
    ip         TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_events_person ON audit_events (person_id, seq);
CREATE INDEX audit_events_account ON audit_events (account_id, seq);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE break_glass;
DROP TABLE person_links;
DROP TABLE accounts;
DROP TABLE people;
DROP TABLE teams;
DROP TABLE organisations;
