-- +goose Up
-- Full-text search over About me (the current version only) and outcomes
-- (statement and why it matters), beside story_search. As there, FTS5
-- tables that the application keeps in step in the same transaction as
-- the write: About me's row is replaced on every save, an outcome's on
-- every add or change. The PostgreSQL twin indexes the rows themselves.
CREATE VIRTUAL TABLE about_me_search USING fts5(person_id UNINDEXED, version UNINDEXED, body, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE outcome_search USING fts5(outcome_id UNINDEXED, person_id UNINDEXED, body, tokenize = 'porter unicode61');

-- What is already written is indexed now. The sections are joined by new
-- lines, in the order the page shows them (people.aboutMeSearchText).
INSERT INTO about_me_search (person_id, version, body)
SELECT v.person_id, v.version, v.what_matters || char(10) || v.good_day || char(10) || v.bad_day || char(10) ||
       v.how_to_support || char(10) || v.important || char(10) || v.talk_about || char(10) || v.dont_talk_about
FROM about_me_versions v
WHERE v.version = (SELECT MAX(m.version) FROM about_me_versions m WHERE m.person_id = v.person_id);
INSERT INTO outcome_search (outcome_id, person_id, body)
SELECT id, person_id, statement || char(10) || why_it_matters FROM outcomes;

-- +goose Down
DROP TABLE outcome_search;
DROP TABLE about_me_search;
