-- +goose Up
-- Contacts and allocation (issue 9, items 1 and 2): someone asked for help
-- for a person; the person is allocated to a team, and optionally a named
-- worker, through access links (person_links), so the access rule follows
-- allocation.
--
-- A contact: when it came (contact_on, the day as the worker records it),
-- how, who asked and why, and the route of access as England's Client
-- Level Data names it. It is open until closed with an outcome.
CREATE TABLE contacts (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES people(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    contact_on      TEXT NOT NULL,
    method          TEXT NOT NULL,
    asker_kind      TEXT NOT NULL,
    asker_name      TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL,
    route           TEXT NOT NULL,
    outcome         TEXT NOT NULL DEFAULT '',
    outcome_note    TEXT NOT NULL DEFAULT '',
    closed_at       TIMESTAMP,
    closed_by       TEXT REFERENCES accounts(id),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT REFERENCES accounts(id)
);
CREATE INDEX contacts_person ON contacts (person_id, contact_on);
CREATE INDEX contacts_open ON contacts (organisation_id, closed_at, contact_on);

-- An allocation: to a team and optionally a worker, with a priority and a
-- reason. A transfer ends the current allocation (ended_at) and starts a
-- new one; ended rows are the history. team_link and worker_link are the
-- access links the allocation made, ended with it.
CREATE TABLE allocations (
    id          TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people(id),
    contact_id  TEXT REFERENCES contacts(id),
    team_id     TEXT NOT NULL REFERENCES teams(id),
    account_id  TEXT REFERENCES accounts(id),
    priority    TEXT NOT NULL CHECK (priority IN ('urgent','high','routine')),
    reason      TEXT NOT NULL,
    team_link   TEXT NOT NULL REFERENCES person_links(id),
    worker_link TEXT REFERENCES person_links(id),
    started_at  TIMESTAMP NOT NULL,
    started_by  TEXT REFERENCES accounts(id),
    ended_at    TIMESTAMP,
    ended_by    TEXT REFERENCES accounts(id)
);
CREATE INDEX allocations_person ON allocations (person_id, started_at);
CREATE INDEX allocations_team ON allocations (team_id, ended_at);
CREATE INDEX allocations_account ON allocations (account_id, ended_at);
-- One current allocation per person: two workers allocating at once cannot
-- both win.
CREATE UNIQUE INDEX allocations_current ON allocations (person_id) WHERE ended_at IS NULL;

-- +goose Down
DROP TABLE allocations;
DROP TABLE contacts;
