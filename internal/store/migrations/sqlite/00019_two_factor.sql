-- +goose Up
-- Two-factor sign-in with a time-based one-time password (RFC 6238) for
-- local accounts (issue "A council can set itself up", item 4). The secret
-- is the shared key an authenticator app holds; enabled_at is empty while
-- it is being set up. last_step is the last 30-second step a code was
-- accepted for, so a code is never accepted twice.
CREATE TABLE two_factor (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    secret     TEXT NOT NULL,
    enabled_at TIMESTAMP,
    last_step  INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

-- Recovery codes, for when the phone is lost: each works once. Only a hash
-- is kept (the codes are random, so a plain SHA-256 is enough).
CREATE TABLE recovery_codes (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    code_hash  TEXT NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, code_hash)
);

-- +goose Down
DROP TABLE recovery_codes;
DROP TABLE two_factor;
