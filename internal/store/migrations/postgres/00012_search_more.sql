-- +goose Up
-- Full-text search over About me and outcomes (statement and why it
-- matters), as for the story: GIN indexes on the rows' own words, so there
-- is nothing to keep in step. About me's index covers every version; the
-- search keeps to the newest. The expressions must match the ones in
-- internal/people/search.go word for word, or PostgreSQL will not use them.
-- The SQLite twin uses FTS5 tables instead.
CREATE INDEX about_me_versions_search ON about_me_versions USING GIN (to_tsvector('english',
    what_matters || ' ' || good_day || ' ' || bad_day || ' ' || how_to_support || ' ' || important || ' ' ||
    talk_about || ' ' || dont_talk_about));
CREATE INDEX outcomes_search ON outcomes USING GIN (to_tsvector('english', statement || ' ' || why_it_matters));

-- +goose Down
DROP INDEX outcomes_search;
DROP INDEX about_me_versions_search;
