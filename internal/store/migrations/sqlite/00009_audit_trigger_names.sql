-- +goose Up
-- Nothing to do on SQLite: its audit triggers already have these names
-- (audit_events_no_update, audit_events_no_delete). The PostgreSQL twin of
-- this migration renames its triggers to match; this empty one keeps the
-- two engines' version numbers in step.

-- +goose Down
