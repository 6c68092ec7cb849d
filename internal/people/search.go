package people

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
)

// StoryHit is one story entry that matched a search.
type StoryHit struct {
	PersonID   string    `json:"person_id"`
	PersonName string    `json:"person_name"`
	EntryID    string    `json:"entry_id"`
	Kind       string    `json:"kind"`
	OccurredAt time.Time `json:"occurred_at"`
	Snippet    string    `json:"snippet"`
}

// searchWords splits a query into plain words, dropping punctuation, so
// nothing typed can be read as search-engine syntax.
func searchWords(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 10 {
		words = words[:10]
	}
	return words
}

// SearchStory finds current story entries containing every word of q,
// among the people the subject may see only: nobody learns that a hidden
// record matched. Words match their stems ("heron" finds "herons"). The
// search is audited with its terms and the number of results.
func SearchStory(ctx context.Context, db *store.DB, s account.Subject, q string) ([]StoryHit, error) {
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	var args store.Args
	var match string
	if db.Dialect == store.SQLite {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + w + `"`
		}
		match = `e.id IN (SELECT entry_id FROM story_search WHERE story_search MATCH ` + args.Add(strings.Join(quoted, " ")) + `)`
	} else {
		match = `to_tsvector('english', e.body) @@ plainto_tsquery('english', ` + args.Add(strings.Join(words, " ")) + `)`
	}
	visible := access.Visible(s, "p.id", &args)
	rows, err := db.Read().QueryContext(ctx, `SELECT e.id, e.kind, e.occurred_at, e.body, p.id, p.given_name, p.family_name, p.preferred_name
		FROM story_entries e JOIN people p ON p.id = e.person_id
		WHERE `+match+` AND e.superseded_by IS NULL AND e.removed_at IS NULL AND `+visible+`
		ORDER BY e.occurred_at DESC LIMIT 100`, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("people: search story: %w", err)
	}
	defer rows.Close()
	var hits []StoryHit
	for rows.Next() {
		var h StoryHit
		var body string
		var p Person
		if err := rows.Scan(&h.EntryID, &h.Kind, &h.OccurredAt, &body, &h.PersonID, &p.GivenName, &p.FamilyName, &p.PreferredName); err != nil {
			return nil, err
		}
		h.PersonName, h.OccurredAt, h.Snippet = p.Name(), h.OccurredAt.UTC(), snippet(body, words, 160)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "story.search",
		Details: map[string]any{"q": q, "results": len(hits)}})
	return hits, err
}

// snippet returns up to width characters of body around the first word of
// words that it contains (as a prefix, so stems match), on word boundaries.
func snippet(body string, words []string, width int) string {
	runes := []rune(body)
	lower := []rune(strings.ToLower(body))
	at := -1
	for _, w := range words {
		if i := strings.Index(string(lower), w); i >= 0 {
			at = len([]rune(string(lower)[:i]))
			break
		}
	}
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
