-- +goose Up
-- Attachments to story entries: photos, drawings, scanned letters. Kept in
-- the database, so every instance of the server can serve them and a
-- backup of the database is a backup of everything.
CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    entry_id     TEXT NOT NULL REFERENCES story_entries(id),
    person_id    TEXT NOT NULL REFERENCES people(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg','image/png','image/gif','image/webp','application/pdf')),
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_by   TEXT REFERENCES accounts(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_entry ON attachments (entry_id);
CREATE INDEX attachments_person ON attachments (person_id);

-- +goose Down
DROP TABLE attachments;
