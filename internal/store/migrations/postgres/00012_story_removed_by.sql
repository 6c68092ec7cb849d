-- +goose Up
-- Who removed a story entry, as an account, beside the label kept at the
-- time ("Name <email>"): the story shows the remover's name and
-- organisation, looked up by this id, and never their email address.
-- Entries removed before this column existed keep only the label; the
-- story shows its name part.
ALTER TABLE story_entries ADD COLUMN removed_by TEXT REFERENCES accounts(id);

-- +goose Down
ALTER TABLE story_entries DROP COLUMN removed_by;
