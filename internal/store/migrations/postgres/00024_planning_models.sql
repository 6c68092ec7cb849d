-- +goose Up
-- Planning models (issue 10, the planning workspace): a Balance of Care
-- model owned by an organisation, shared with named organisations, and
-- versioned. Every save adds a row to planning_model_versions holding the
-- whole model as planning-model/v1 JSON, with who saved it and when; the
-- model's own row says which version is current, so a save names the
-- version its editor started from and a stale one is a conflict. The
-- model's scenarios are part of its document. Planning data is counts and
-- costs, never a person's record.
CREATE TABLE planning_models (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX planning_models_organisation ON planning_models (organisation_id);

CREATE TABLE planning_model_versions (
    model_id   TEXT NOT NULL REFERENCES planning_models(id),
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    saved_by   TEXT REFERENCES accounts(id),
    saved_by_name TEXT NOT NULL,
    saved_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (model_id, version)
);

CREATE TABLE planning_model_shares (
    model_id        TEXT NOT NULL REFERENCES planning_models(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    shared_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (model_id, organisation_id)
);
CREATE INDEX planning_model_shares_organisation ON planning_model_shares (organisation_id);

-- +goose Down
DROP TABLE planning_model_shares;
DROP TABLE planning_model_versions;
DROP TABLE planning_models;
