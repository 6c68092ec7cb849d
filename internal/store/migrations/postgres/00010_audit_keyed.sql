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
    keyed_from   BIGINT NOT NULL
);
INSERT INTO audit_chain (id, installation, keyed_from)
    SELECT 1, replace(gen_random_uuid()::text, '-', ''), seq + 1 FROM audit_head WHERE id = 1;

-- Defence in depth (a determined attacker drops these; the key and the
-- checkpoints are what catch them): the head only moves forward and the
-- chain's identity never changes.
-- +goose StatementBegin
CREATE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF NEW.seq < OLD.seq THEN
        RAISE EXCEPTION 'the audit trail is append-only';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
-- Named and split as in SQLite, so the two schemas can be compared; the
-- TRUNCATE triggers are PostgreSQL's alone (SQLite has no TRUNCATE).
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_chain;
DROP TRIGGER audit_head_no_truncate ON audit_head;
DROP TRIGGER audit_head_no_delete ON audit_head;
DROP TRIGGER audit_head_forward_only ON audit_head;
DROP FUNCTION audit_head_forward_only();
ALTER TABLE audit_events DROP COLUMN key_id;
