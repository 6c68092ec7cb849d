-- +goose Up
-- Who removed a story entry, as an account, beside the label kept at the
-- time ("Name <email>"): the story shows the remover's name and
-- organisation, looked up by this id, and never their email address.
-- Entries removed before this column existed keep only the label; the
-- story shows its name part.
ALTER TABLE story_entries ADD COLUMN removed_by TEXT REFERENCES accounts(id);

-- The current entries of a person's story in the story's order (newest
-- first, ties settled by when written and then by id): a page of the
-- story, the record page's newest entries and the story's count (which
-- stops at 1,000) are read from this index alone, without sorting, so
-- their cost does not grow with the length of the story.
CREATE INDEX story_entries_current ON story_entries (person_id, occurred_at, created_at, id)
    WHERE superseded_by IS NULL AND removed_at IS NULL;

-- +goose Down
DROP INDEX story_entries_current;
ALTER TABLE story_entries DROP COLUMN removed_by;
