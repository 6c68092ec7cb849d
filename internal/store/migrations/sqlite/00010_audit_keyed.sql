-- +goose Up
-- Keyed chaining (issue "Integrity under attack", item 2). From now on each
-- audit row's hash is an HMAC-SHA256 made with a key kept outside the
-- database, so someone who can write to the database cannot recompute the
-- chain after changing a row. key_id names the key a row was made with
-- (an HMAC of a constant, not the key); '' marks a row written before this
-- migration, hashed with plain SHA-256.
ALTER TABLE audit_events ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- The trail's identity, which signed checkpoints name, and the first row
-- that must be keyed: rows before it were written by earlier versions.
CREATE TABLE audit_chain (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    installation TEXT NOT NULL,
    keyed_from   INTEGER NOT NULL
);
INSERT INTO audit_chain (id, installation, keyed_from)
    SELECT 1, lower(hex(randomblob(16))), seq + 1 FROM audit_head WHERE id = 1;

-- Defence in depth (a determined attacker drops these; the key and the
-- checkpoints are what catch them): the head only moves forward and the
-- chain's identity never changes.
-- +goose StatementBegin
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head WHEN NEW.seq < OLD.seq
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_chain_no_delete;
DROP TRIGGER audit_chain_no_update;
DROP TRIGGER audit_head_no_delete;
DROP TRIGGER audit_head_forward_only;
DROP TABLE audit_chain;
ALTER TABLE audit_events DROP COLUMN key_id;
