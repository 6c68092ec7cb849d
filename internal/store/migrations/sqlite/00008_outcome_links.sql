-- +goose Up
-- The strengths an outcome builds on and the risk agreements that go with
-- it. Both ends belong to the same person; the application checks that.
CREATE TABLE outcome_strengths (
    outcome_id  TEXT NOT NULL REFERENCES outcomes(id),
    strength_id TEXT NOT NULL REFERENCES strengths(id),
    PRIMARY KEY (outcome_id, strength_id)
);
CREATE TABLE outcome_risks (
    outcome_id TEXT NOT NULL REFERENCES outcomes(id),
    risk_id    TEXT NOT NULL REFERENCES risk_agreements(id),
    PRIMARY KEY (outcome_id, risk_id)
);

-- +goose Down
DROP TABLE outcome_risks;
DROP TABLE outcome_strengths;
