package coach

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Languages the coach has lists for.
var Languages = []string{"en", "cy"}

// LoadDefaults fills each language's list from terms.json the first time
// only. Run it after migrating; it is cheap when already done.
func LoadDefaults(ctx context.Context, db *store.DB) error {
	defaults := Defaults()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for _, lang := range Languages {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM coach_lists WHERE lang = $1`, lang).Scan(&n); err != nil {
				return fmt.Errorf("coach: %w", err)
			}
			if n > 0 {
				continue
			}
			for _, t := range defaults[lang] {
				if err := insertTerm(ctx, tx, lang, t.Term, t.Suggestion); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO coach_lists (lang, loaded_at) VALUES ($1, $2)`, lang, store.Now()); err != nil {
				return fmt.Errorf("coach: %w", err)
			}
		}
		return nil
	})
}

func insertTerm(ctx context.Context, tx *sql.Tx, lang, term, suggestion string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO coach_terms (id, lang, term, suggestion, created_at) VALUES ($1,$2,$3,$4,$5)`,
		uuid.Must(uuid.NewV7()).String(), lang, term, suggestion, store.Now())
	if store.IsUniqueViolation(err) {
		return valid.New("term", "coach.term.taken")
	}
	if err != nil {
		return fmt.Errorf("coach: add term: %w", err)
	}
	return nil
}

// Terms returns a language's list, alphabetically.
func Terms(ctx context.Context, r store.Reader, lang string) ([]Term, error) {
	rows, err := r.QueryContext(ctx, `SELECT id, lang, term, suggestion FROM coach_terms WHERE lang = $1`, lang)
	if err != nil {
		return nil, fmt.Errorf("coach: terms: %w", err)
	}
	defer rows.Close()
	var out []Term
	for rows.Next() {
		var t Term
		if err := rows.Scan(&t.ID, &t.Lang, &t.Term, &t.Suggestion); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Term) < strings.ToLower(out[j].Term) })
	return out, rows.Err()
}

// MaxTerm and MaxSuggestion bound a list's word or phrase and what to
// write instead.
const (
	MaxTerm       = 100
	MaxSuggestion = 300
)

// AddTerm puts a word or phrase on a list. Only admins may (the caller
// checks the role); the change is audited.
func AddTerm(ctx context.Context, db *store.DB, who audit.Actor, lang, term, suggestion string) error {
	term, suggestion = strings.TrimSpace(term), strings.TrimSpace(suggestion)
	switch {
	case lang != "en" && lang != "cy":
		return valid.New("lang", "coach.lang.required")
	case term == "" || len([]rune(term)) > MaxTerm:
		return valid.New("term", "coach.term.required", MaxTerm)
	case suggestion == "" || len([]rune(suggestion)) > MaxSuggestion:
		return valid.New("suggestion", "coach.suggestion.required", MaxSuggestion)
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertTerm(ctx, tx, lang, term, suggestion); err != nil {
			return err
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "coach.term.add",
			Details: map[string]string{"lang": lang, "term": term, "suggestion": suggestion}})
	})
}

// RemoveTerm takes a word or phrase off a list; the change is audited.
func RemoveTerm(ctx context.Context, db *store.DB, who audit.Actor, id string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var lang, term string
		if err := tx.QueryRowContext(ctx, `SELECT lang, term FROM coach_terms WHERE id = $1`, id).Scan(&lang, &term); err != nil {
			return store.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM coach_terms WHERE id = $1`, id); err != nil {
			return fmt.Errorf("coach: remove term: %w", err)
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "coach.term.remove", Details: map[string]string{"lang": lang, "term": term}})
	})
}
