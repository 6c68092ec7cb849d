-- +goose Up
-- The data protection officer: a role that reads no records, only who
-- looked at them.
ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check
    CHECK (role IN ('admin','manager','practitioner','care_home_staff','nhs_clinician','planner','circle_member','person','dpo'));

-- +goose Down
ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check
    CHECK (role IN ('admin','manager','practitioner','care_home_staff','nhs_clinician','planner','circle_member','person'));
