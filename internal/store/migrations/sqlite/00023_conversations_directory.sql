-- +goose Up
-- The community directory and the first two conversations (issue 9):
-- groups, organisations and services a worker can connect someone to, and
-- on the person's record the conversations held with them: listen and
-- connect, and work in a crisis with its emergency plan.

-- The community directory, owned by one organisation (the council); its
-- staff keep it. Dates are YYYY-MM-DD text.
CREATE TABLE directory_entries (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    offer           TEXT NOT NULL,
    area            TEXT NOT NULL DEFAULT '',
    postcode        TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    website         TEXT NOT NULL DEFAULT '',
    opening_times   TEXT NOT NULL DEFAULT '',
    last_checked_on TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT REFERENCES accounts(id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX directory_entries_org ON directory_entries (organisation_id, name);

CREATE TABLE directory_entry_categories (
    entry_id TEXT NOT NULL REFERENCES directory_entries(id),
    category TEXT NOT NULL CHECK (category IN ('social','practical','carers','advice','equipment','transport','faith','exercise')),
    PRIMARY KEY (entry_id, category)
);
CREATE INDEX directory_entry_categories_category ON directory_entry_categories (category);

-- A conversation with the person. ended: how it ended ('' while open):
-- resolved, crisis (a crisis conversation follows) or good_life (building
-- a good life is next). A crisis names the worker who stays with it.
CREATE TABLE conversations (
    id                TEXT PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES people(id),
    kind              TEXT NOT NULL CHECK (kind IN ('listen_connect','crisis')),
    held_on           TEXT NOT NULL,
    took_part         TEXT NOT NULL,
    what_matters      TEXT NOT NULL DEFAULT '',
    strengths_noticed TEXT NOT NULL DEFAULT '',
    can_do            TEXT NOT NULL DEFAULT '',
    follows_id        TEXT REFERENCES conversations(id),
    worker_id         TEXT REFERENCES accounts(id),
    ended             TEXT NOT NULL DEFAULT '' CHECK (ended IN ('','resolved','crisis','good_life')),
    ended_on          TEXT,
    end_note          TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    created_by        TEXT REFERENCES accounts(id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX conversations_person ON conversations (person_id, held_on);
CREATE INDEX conversations_worker ON conversations (worker_id);

-- The outcomes and strengths a conversation added to the record.
CREATE TABLE conversation_record_links (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    outcome_id      TEXT REFERENCES outcomes(id),
    strength_id     TEXT REFERENCES strengths(id),
    created_at      TIMESTAMP NOT NULL,
    CHECK ((outcome_id IS NULL) <> (strength_id IS NULL))
);
CREATE INDEX conversation_record_links_conversation ON conversation_record_links (conversation_id);

-- The connections made: information and advice, equipment, a directory
-- entry, a neighbour, a circle, something else.
CREATE TABLE conversation_connections (
    id                 TEXT PRIMARY KEY,
    conversation_id    TEXT NOT NULL REFERENCES conversations(id),
    person_id          TEXT NOT NULL REFERENCES people(id),
    kind               TEXT NOT NULL CHECK (kind IN ('information','equipment','directory','neighbour','circle','other')),
    directory_entry_id TEXT REFERENCES directory_entries(id),
    detail             TEXT NOT NULL DEFAULT '',
    created_by         TEXT REFERENCES accounts(id),
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX conversation_connections_conversation ON conversation_connections (conversation_id);
CREATE INDEX conversation_connections_entry ON conversation_connections (directory_entry_id);

-- A crisis's emergency plan: the few things that must change now, each
-- with an owner (a name, or an account), a due date and a status.
CREATE TABLE crisis_actions (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations(id),
    person_id        TEXT NOT NULL REFERENCES people(id),
    what             TEXT NOT NULL,
    owner_name       TEXT NOT NULL DEFAULT '',
    owner_account_id TEXT REFERENCES accounts(id),
    due_on           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('to_do','doing','done','dropped')),
    version          INTEGER NOT NULL DEFAULT 1,
    created_by       TEXT REFERENCES accounts(id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX crisis_actions_conversation ON crisis_actions (conversation_id);
CREATE INDEX crisis_actions_due ON crisis_actions (status, due_on);

-- Short-term help arranged in a crisis and small sums spent (integer
-- pence; 0 for help that cost nothing).
CREATE TABLE crisis_help (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    person_id       TEXT NOT NULL REFERENCES people(id),
    on_date         TEXT NOT NULL,
    help            TEXT NOT NULL,
    amount_pence    INTEGER NOT NULL DEFAULT 0 CHECK (amount_pence >= 0),
    created_by      TEXT REFERENCES accounts(id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX crisis_help_conversation ON crisis_help (conversation_id);

-- Check-ins: the worker sticking with the person through the crisis.
CREATE TABLE crisis_checkins (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    person_id       TEXT NOT NULL REFERENCES people(id),
    on_date         TEXT NOT NULL,
    note            TEXT NOT NULL,
    created_by      TEXT REFERENCES accounts(id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX crisis_checkins_conversation ON crisis_checkins (conversation_id);

-- +goose Down
DROP TABLE crisis_checkins;
DROP TABLE crisis_help;
DROP TABLE crisis_actions;
DROP TABLE conversation_connections;
DROP TABLE conversation_record_links;
DROP TABLE conversations;
DROP TABLE directory_entry_categories;
DROP TABLE directory_entries;
