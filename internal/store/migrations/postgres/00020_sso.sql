-- +goose Up
-- Single sign-on with OpenID Connect (issue "A council can set itself up",
-- item 4). An account is linked to an identity provider's account by the
-- pair (issuer, subject), never by email address alone, because an email
-- address can be reassigned while a subject never is.
CREATE TABLE sso_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_account ON sso_identities (account_id);

-- An admin's rules for someone signing in for the first time: when the
-- identity provider's claim holds the value (a group, or the email
-- domain), they get an account in the rule's organisation with its role
-- and team. Without a matching rule nobody gets an account.
CREATE TABLE sso_rules (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    claim           TEXT NOT NULL,
    value           TEXT NOT NULL,
    role            TEXT NOT NULL,
    team_id         TEXT REFERENCES teams(id),
    created_by      TEXT REFERENCES accounts(id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX sso_rules_org ON sso_rules (organisation_id);

-- +goose Down
DROP TABLE sso_rules;
DROP TABLE sso_identities;
