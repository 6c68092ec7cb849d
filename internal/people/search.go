package people

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// One search serves the home page's box, the search page and the API's
// GET /api/v1/search: people by name, NHS number or date of birth, and the
// words written in their story, About me (the current version) and
// outcomes (the statement and why it matters).
//
// Every part is searched only among the people whose record the searcher
// may open AND whose part their grant lets them read (access.Readable), so
// nobody learns from a result, a count or a snippet that a record out of
// reach holds the words. A person's own account searches their own record.
//
// Each engine does full text its own way, with the same meaning: every
// word must appear, words match their stems ("herons" finds "heron").
// SQLite: FTS5 tables (story_search, about_me_search, outcome_search) kept
// in step with each write, in its transaction. PostgreSQL: GIN indexes on
// to_tsvector('english', …) of the rows themselves (00004_story.sql,
// 00012_search_more.sql); the expressions below must match those indexes.

// MaxSearchTerm is the longest search accepted, in characters: enough for
// any name, number or phrase, and it bounds the work one search can ask of
// the database.
const MaxSearchTerm = 200

// Where a search found the words.
const (
	FoundStory   = "story"
	FoundAboutMe = "about_me"
	FoundOutcome = "outcome"
)

// Hit is one place in one person's record where the words were found.
type Hit struct {
	PersonID   string `json:"person_id"`
	PersonName string `json:"person_name"`
	FoundIn    string `json:"found_in"` // FoundStory, FoundAboutMe or FoundOutcome
	// ID is the story entry's or the outcome's id; for About me, empty.
	ID string `json:"id,omitempty"`
	// Section is the field the snippet comes from: an About me section's
	// form name (what_matters…), an outcome's "statement" or
	// "why_it_matters", a story entry's "body".
	Section string `json:"section"`
	Kind    string `json:"kind,omitempty"` // a story entry's kind
	// At is when a story entry happened, when the About me version was
	// saved, or when the outcome was last changed.
	At      time.Time `json:"at"`
	Snippet string    `json:"snippet"`
	// Link is the place in the record, as a path on the site.
	Link string `json:"link"`
	// Parts is the snippet cut where the words were found, so a page can
	// mark them without building HTML from text.
	Parts []SnippetPart `json:"-"`
}

// SnippetPart is a run of a snippet; Match says it is a searched word.
type SnippetPart struct {
	Text  string
	Match bool
}

// Results is what one search found.
type Results struct {
	Query  string
	People []Person
	Hits   []Hit // About me first, then outcomes, then the story, newest first
}

// In returns the hits found in one place (FoundStory…).
func (r *Results) In(where string) []Hit {
	var out []Hit
	for _, h := range r.Hits {
		if h.FoundIn == where {
			out = append(out, h)
		}
	}
	return out
}

// StoryHit is a story entry that matched, as the API has always listed
// them under "story".
type StoryHit struct {
	PersonID   string    `json:"person_id"`
	PersonName string    `json:"person_name"`
	EntryID    string    `json:"entry_id"`
	Kind       string    `json:"kind"`
	OccurredAt time.Time `json:"occurred_at"`
	Snippet    string    `json:"snippet"`
}

// StoryHits lists the story matches in their original shape.
func (r *Results) StoryHits() []StoryHit {
	out := []StoryHit{}
	for _, h := range r.In(FoundStory) {
		out = append(out, StoryHit{PersonID: h.PersonID, PersonName: h.PersonName, EntryID: h.ID, Kind: h.Kind,
			OccurredAt: h.At, Snippet: h.Snippet})
	}
	return out
}

// Search is the one search. An empty q finds nothing (and is not audited);
// a q longer than MaxSearchTerm is refused, as a problem with the field
// q, before anything is read. The
// search is audited once, with its words and how much it found.
func Search(ctx context.Context, db *store.DB, s account.Subject, q string) (*Results, error) {
	q = strings.TrimSpace(q)
	res := &Results{Query: q}
	if q == "" {
		return res, nil
	}
	if len([]rune(q)) > MaxSearchTerm {
		return res, valid.New("q", "search.q.too_long", MaxSearchTerm)
	}
	var err error
	if res.People, err = listPeople(ctx, db.Read(), s, q); err != nil {
		return nil, err
	}
	if words := searchWords(q); len(words) > 0 {
		for _, find := range []func(context.Context, *store.DB, account.Subject, []string) ([]Hit, error){
			searchAboutMe, searchOutcomes, searchStory} {
			hits, err := find(ctx, db, s, words)
			if err != nil {
				return nil, err
			}
			res.Hits = append(res.Hits, hits...)
		}
	}
	err = audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "search", Details: map[string]any{"q": q,
		"people": len(res.People), "story": len(res.In(FoundStory)), "about_me": len(res.In(FoundAboutMe)),
		"outcomes": len(res.In(FoundOutcome))}})
	return res, err
}

// maxHits is the most matches of each kind one search returns.
const maxHits = 100

// searchWords splits a query into plain words, dropping punctuation, so
// nothing typed can be read as search-engine syntax.
func searchWords(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 10 {
		words = words[:10]
	}
	return words
}

// ftsMatch is the condition that a row matches every word: on SQLite an
// FTS5 MATCH on table (each word quoted, so it is only ever a word), on
// PostgreSQL the tsvector of the expression pgDoc against a plain query.
func ftsMatch(db *store.DB, table, pgDoc string, words []string, args *store.Args) string {
	if db.Dialect == store.SQLite {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + w + `"`
		}
		return table + ` MATCH ` + args.Add(strings.Join(quoted, " "))
	}
	return `to_tsvector('english', ` + pgDoc + `) @@ plainto_tsquery('english', ` + args.Add(strings.Join(words, " ")) + `)`
}

// readable is the access condition for hits in part: the searcher must be
// able to read the part and the person's name shown beside it.
func readable(s account.Subject, part access.Part, args *store.Args) string {
	return access.Readable(s, part|access.PartIdentity, "p.id", args)
}

func searchStory(ctx context.Context, db *store.DB, s account.Subject, words []string) ([]Hit, error) {
	var args store.Args
	var match string
	if db.Dialect == store.SQLite {
		match = `e.id IN (SELECT entry_id FROM story_search WHERE ` + ftsMatch(db, "story_search", "", words, &args) + `)`
	} else {
		match = ftsMatch(db, "", "e.body", words, &args)
	}
	rows, err := db.Read().QueryContext(ctx, `SELECT e.id, e.kind, e.occurred_at, e.body, p.id, p.given_name, p.family_name, p.preferred_name
		FROM story_entries e JOIN people p ON p.id = e.person_id
		WHERE `+match+` AND e.superseded_by IS NULL AND e.removed_at IS NULL AND `+readable(s, access.PartStory, &args)+
		fmt.Sprintf(` ORDER BY e.occurred_at DESC, e.id LIMIT %d`, maxHits), args.Values...)
	if err != nil {
		return nil, fmt.Errorf("people: search story: %w", err)
	}
	return scanHits(rows, func(h *Hit, scan func(...any) error) error {
		var body string
		if err := scan(&h.ID, &h.Kind, &h.At, &body); err != nil {
			return err
		}
		h.FoundIn, h.Section, h.Link = FoundStory, "body", "/people/"+h.PersonID+"/story?at="+h.ID+"#entry-"+h.ID
		h.setSnippet(body, words)
		return nil
	})
}

// aboutMeSearchText is About me as one document for search: the seven
// sections, in the page's order, a line each. The SQLite migration
// 00012_search_more.sql builds the same text for what was already written.
func aboutMeSearchText(a *AboutMe) string {
	return strings.Join([]string{a.WhatMatters, a.GoodDay, a.BadDay, a.HowToSupport, a.Important, a.TalkAbout, a.DontTalkAbout}, "\n")
}

// pgAboutMeDoc is the PostgreSQL index expression's document
// (about_me_versions_search).
const pgAboutMeDoc = `v.what_matters || ' ' || v.good_day || ' ' || v.bad_day || ' ' || v.how_to_support || ' ' || v.important || ' ' ||
    v.talk_about || ' ' || v.dont_talk_about`

// indexAboutMe makes a the version search finds for its person. Called in
// the transaction that saves the version.
func indexAboutMe(ctx context.Context, tx *sql.Tx, dialect store.Dialect, a *AboutMe) error {
	if dialect != store.SQLite {
		return nil // the GIN index follows the rows
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM about_me_search WHERE person_id = $1`, a.PersonID); err != nil {
		return fmt.Errorf("people: unindex about me: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO about_me_search (person_id, version, body) VALUES ($1, $2, $3)`,
		a.PersonID, a.Version, aboutMeSearchText(a)); err != nil {
		return fmt.Errorf("people: index about me: %w", err)
	}
	return nil
}

func searchAboutMe(ctx context.Context, db *store.DB, s account.Subject, words []string) ([]Hit, error) {
	var args store.Args
	var from string
	if db.Dialect == store.SQLite {
		from = `about_me_search JOIN about_me_versions v ON v.person_id = about_me_search.person_id AND v.version = about_me_search.version
			JOIN people p ON p.id = v.person_id WHERE ` + ftsMatch(db, "about_me_search", "", words, &args)
	} else {
		from = `about_me_versions v JOIN people p ON p.id = v.person_id WHERE ` + ftsMatch(db, "", pgAboutMeDoc, words, &args) +
			` AND v.version = (SELECT MAX(m.version) FROM about_me_versions m WHERE m.person_id = v.person_id)`
	}
	rows, err := db.Read().QueryContext(ctx, `SELECT v.created_at, v.what_matters, v.good_day, v.bad_day, v.how_to_support,
		v.important, v.talk_about, v.dont_talk_about, p.id, p.given_name, p.family_name, p.preferred_name
		FROM `+from+` AND `+readable(s, access.PartAboutMe, &args)+
		fmt.Sprintf(` ORDER BY p.family_name, p.given_name, p.id LIMIT %d`, maxHits), args.Values...)
	if err != nil {
		return nil, fmt.Errorf("people: search about me: %w", err)
	}
	return scanHits(rows, func(h *Hit, scan func(...any) error) error {
		var a AboutMe
		if err := scan(&h.At, &a.WhatMatters, &a.GoodDay, &a.BadDay, &a.HowToSupport, &a.Important, &a.TalkAbout, &a.DontTalkAbout); err != nil {
			return err
		}
		h.FoundIn, h.Link = FoundAboutMe, "/people/"+h.PersonID+"#about-me"
		var fields []field
		for _, name := range AboutMeSections[:7] {
			fields = append(fields, field{name, a.Section(name)})
		}
		h.setSnippetFrom(fields, words)
		return nil
	})
}

// indexOutcome makes search find the outcome as it now reads. Called in
// the transaction that adds or changes it.
func indexOutcome(ctx context.Context, tx *sql.Tx, dialect store.Dialect, o *Outcome) error {
	if dialect != store.SQLite {
		return nil // the GIN index follows the rows
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outcome_search WHERE outcome_id = $1`, o.ID); err != nil {
		return fmt.Errorf("people: unindex outcome: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outcome_search (outcome_id, person_id, body) VALUES ($1, $2, $3)`,
		o.ID, o.PersonID, o.Statement+"\n"+o.WhyItMatters); err != nil {
		return fmt.Errorf("people: index outcome: %w", err)
	}
	return nil
}

func searchOutcomes(ctx context.Context, db *store.DB, s account.Subject, words []string) ([]Hit, error) {
	var args store.Args
	var from string
	if db.Dialect == store.SQLite {
		from = `outcome_search JOIN outcomes o ON o.id = outcome_search.outcome_id JOIN people p ON p.id = o.person_id
			WHERE ` + ftsMatch(db, "outcome_search", "", words, &args)
	} else {
		from = `outcomes o JOIN people p ON p.id = o.person_id WHERE ` + ftsMatch(db, "", `o.statement || ' ' || o.why_it_matters`, words, &args)
	}
	rows, err := db.Read().QueryContext(ctx, `SELECT o.id, o.updated_at, o.statement, o.why_it_matters, p.id, p.given_name, p.family_name, p.preferred_name
		FROM `+from+` AND `+readable(s, access.PartOutcomes, &args)+
		fmt.Sprintf(` ORDER BY o.updated_at DESC, o.id LIMIT %d`, maxHits), args.Values...)
	if err != nil {
		return nil, fmt.Errorf("people: search outcomes: %w", err)
	}
	return scanHits(rows, func(h *Hit, scan func(...any) error) error {
		var statement, why string
		if err := scan(&h.ID, &h.At, &statement, &why); err != nil {
			return err
		}
		h.FoundIn, h.Link = FoundOutcome, "/people/"+h.PersonID+"#outcome-"+h.ID
		h.setSnippetFrom([]field{{"statement", statement}, {"why_it_matters", why}}, words)
		return nil
	})
}

// scanHits reads hits whose last four columns are the person's id and
// names; each reads the columns before them.
func scanHits(rows *sql.Rows, each func(h *Hit, scan func(...any) error) error) ([]Hit, error) {
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		var p Person
		err := each(&h, func(dest ...any) error {
			return rows.Scan(append(dest, &h.PersonID, &p.GivenName, &p.FamilyName, &p.PreferredName)...)
		})
		if err != nil {
			return nil, err
		}
		h.PersonName, h.At = p.Name(), h.At.UTC()
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// field is a named piece of text a hit may come from.
type field struct{ name, text string }

// setSnippetFrom takes the snippet from the first field holding one of
// the words (the one the reader is sent to), or else the first with any
// text: the engine's stemming can match a form the plain comparison here
// does not.
func (h *Hit) setSnippetFrom(fields []field, words []string) {
	pick := -1
	for i, f := range fields {
		if firstMatch(f.text, words) >= 0 {
			pick = i
			break
		}
		if pick < 0 && f.text != "" {
			pick = i
		}
	}
	if pick < 0 {
		return
	}
	h.Section = fields[pick].name
	h.setSnippet(fields[pick].text, words)
}

func (h *Hit) setSnippet(body string, words []string) {
	h.Snippet = snippet(body, words, 160)
	h.Parts = markWords(h.Snippet, words)
}

// matches reports whether a word of text is one of the searched words or
// a form of it: either begins with the other once common endings are
// taken off ("herons" and "heron", "walking" and "walked").
func matches(token string, words []string) bool {
	t := stem(strings.ToLower(token))
	for _, w := range words {
		sw := stem(w)
		switch {
		case t == sw, len(sw) >= 3 && strings.HasPrefix(t, sw), len(t) >= 4 && strings.HasPrefix(sw, t):
			return true
		}
	}
	return false
}

func stem(w string) string {
	for _, end := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(end)+2 && strings.HasSuffix(w, end) {
			return w[:len(w)-len(end)]
		}
	}
	return w
}

// tokens splits text into runs of word and non-word characters, so the
// runs joined give the text back.
func tokens(text string) []string {
	var out []string
	start, inWord := 0, false
	for i, r := range text {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if i > 0 && w != inWord {
			out = append(out, text[start:i])
			start = i
		}
		inWord = w
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func isWord(tok string) bool {
	for _, r := range tok {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return false
}

// firstMatch is the rune offset of the first word of text matching
// words, or -1.
func firstMatch(text string, words []string) int {
	at := 0
	for _, tok := range tokens(text) {
		if isWord(tok) && matches(tok, words) {
			return at
		}
		at += len([]rune(tok))
	}
	return -1
}

// markWords cuts a snippet into runs, marking the searched words.
func markWords(text string, words []string) []SnippetPart {
	var out []SnippetPart
	for _, tok := range tokens(text) {
		m := isWord(tok) && matches(tok, words)
		if n := len(out); n > 0 && !m && !out[n-1].Match {
			out[n-1].Text += tok
			continue
		}
		out = append(out, SnippetPart{Text: tok, Match: m})
	}
	return out
}

// snippet returns up to width characters of body around the first word
// that matches words, on word boundaries.
func snippet(body string, words []string, width int) string {
	runes := []rune(body)
	at := firstMatch(body, words)
	start := 0
	if at > width/3 {
		start = at - width/3
	}
	end := start + width
	if end > len(runes) {
		end = len(runes)
	}
	for start > 0 && start < end && !unicode.IsSpace(runes[start-1]) {
		start++
	}
	out := strings.TrimSpace(string(runes[start:end]))
	if start > 0 {
		out = "…" + out
	}
	if end < len(runes) {
		out += "…"
	}
	return out
}
