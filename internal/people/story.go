package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Kinds of story entry.
var EntryKinds = []string{"conversation", "visit", "phone_call", "note", "letter", "photo", "drawing"}

// MaxEntryBody is the longest entry accepted. The recording coach nudges
// well before this; the limit only stops accidents.
const MaxEntryBody = 20000

// Entry is one part of the person's story.
type Entry struct {
	ID               string     `json:"id"`
	PersonID         string     `json:"person_id"`
	Kind             string     `json:"kind"`
	OccurredAt       time.Time  `json:"occurred_at"`
	Place            string     `json:"place,omitempty"`
	Who              string     `json:"who,omitempty"` // who was there
	Body             string     `json:"body"`
	OutcomeIDs       []string   `json:"outcome_ids,omitempty"`
	Supersedes       string     `json:"supersedes,omitempty"`
	CorrectionReason string     `json:"correction_reason,omitempty"`
	SupersededBy     string     `json:"superseded_by,omitempty"`
	RemovedAt        *time.Time `json:"removed_at,omitempty"`
	RemovedBy        string     `json:"removed_by,omitempty"`
	RemovedReason    string     `json:"removed_reason,omitempty"`
	CreatedBy        string     `json:"created_by"`
	CreatedAt        time.Time  `json:"created_at"`
}

// Current reports whether the entry is the live version: neither corrected
// by a later entry nor removed.
func (e *Entry) Current() bool { return e.SupersededBy == "" && e.RemovedAt == nil }

func (e *Entry) normalise() error {
	e.Place, e.Who, e.Body = strings.TrimSpace(e.Place), strings.TrimSpace(e.Who), strings.TrimSpace(e.Body)
	var ps valid.Problems
	add := func(field, msg string) { ps = append(ps, &valid.FieldError{Field: field, Code: msg}) }
	if !slices.Contains(EntryKinds, e.Kind) {
		add("kind", "Choose what kind of entry this is")
	}
	if e.OccurredAt.IsZero() {
		add("occurred_at", "Enter when it happened")
	} else if e.OccurredAt.After(time.Now().Add(time.Hour)) {
		add("occurred_at", "When it happened must not be in the future")
	}
	switch {
	case e.Body == "":
		add("body", "Write what happened")
	case len([]rune(e.Body)) > MaxEntryBody:
		add("body", fmt.Sprintf("An entry must be %d characters or fewer: split it, or attach the document", MaxEntryBody))
	}
	if len(ps) > 0 {
		return ps
	}
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	return nil
}

// AddEntry adds an entry to the story of a person the subject may see.
func AddEntry(ctx context.Context, db *store.DB, s account.Subject, e *Entry) error {
	if err := e.normalise(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := mustSee(ctx, tx, s, e.PersonID); err != nil {
			return err
		}
		if err := insertEntry(ctx, tx, db.Dialect, s, e); err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "story.add", PersonID: e.PersonID,
			Target: "story_entry/" + e.ID, Details: map[string]any{"after": e}})
	})
}

func insertEntry(ctx context.Context, tx *sql.Tx, dialect store.Dialect, s account.Subject, e *Entry) error {
	e.ID, e.CreatedAt, e.CreatedBy = valid.NewID(), store.Now(), s.Actor.Label
	_, err := tx.ExecContext(ctx, `INSERT INTO story_entries (id, person_id, kind, occurred_at, place, who, body,
		supersedes, correction_reason, created_by, created_by_label, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		e.ID, e.PersonID, e.Kind, e.OccurredAt, e.Place, e.Who, e.Body, store.NullIfEmpty(e.Supersedes), e.CorrectionReason,
		s.Account.ID, e.CreatedBy, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("people: add story entry: %w", err)
	}
	for _, oid := range e.OutcomeIDs {
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT person_id FROM outcomes WHERE id = $1`, oid).Scan(&owner)
		if err != nil || owner != e.PersonID {
			return valid.Problems{{Field: "outcome_ids", Code: "Choose outcomes from this person's own record"}}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO story_entry_outcomes (entry_id, outcome_id) VALUES ($1, $2)`, e.ID, oid); err != nil {
			return fmt.Errorf("people: link entry to outcome: %w", err)
		}
	}
	if dialect == store.SQLite {
		_, err = tx.ExecContext(ctx, `INSERT INTO story_search (entry_id, person_id, body) VALUES ($1, $2, $3)`, e.ID, e.PersonID, e.Body)
	}
	return err
}

// CorrectEntry writes a corrected version of an entry. The old entry stays,
// marked as superseded, with the reason on the new one.
func CorrectEntry(ctx context.Context, db *store.DB, s account.Subject, oldID string, e *Entry, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := e.normalise(); err != nil {
		return err
	}
	if reason == "" {
		return valid.Problems{{Field: "correction_reason", Code: "Say why the entry is being corrected"}}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := entry(ctx, tx, oldID)
		if err != nil {
			return err
		}
		if err := mustSee(ctx, tx, s, old.PersonID); err != nil {
			return err
		}
		if !old.Current() {
			return store.ErrConflict // someone corrected or removed it first
		}
		e.PersonID, e.Supersedes, e.CorrectionReason = old.PersonID, old.ID, reason
		if err := insertEntry(ctx, tx, db.Dialect, s, e); err != nil {
			return err
		}
		if err := retire(ctx, tx, db.Dialect, old.ID, `superseded_by = $1`, e.ID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "story.correct", PersonID: old.PersonID,
			Target: "story_entry/" + e.ID, Details: map[string]any{"before": old, "after": e, "reason": reason}})
	})
}

// RemoveEntry marks an entry as removed, with who and why. It stays in the
// history; it no longer shows in the timeline or in searches.
func RemoveEntry(ctx context.Context, db *store.DB, s account.Subject, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return valid.Problems{{Field: "removed_reason", Code: "Say why the entry is being removed"}}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := entry(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := mustSee(ctx, tx, s, old.PersonID); err != nil {
			return err
		}
		if !old.Current() {
			return store.ErrConflict
		}
		if err := retire(ctx, tx, db.Dialect, id, `removed_at = $1, removed_by_label = $2, removed_reason = $3`,
			store.Now(), s.Actor.Label, reason); err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "story.remove", PersonID: old.PersonID,
			Target: "story_entry/" + id, Details: map[string]any{"before": old, "reason": reason}})
	})
}

// retire marks an entry as no longer current and drops it from the search
// index. set is the SET clause, its values first; the id is added last.
func retire(ctx context.Context, tx *sql.Tx, dialect store.Dialect, id, set string, values ...any) error {
	idArg := fmt.Sprintf("$%d", len(values)+1)
	if _, err := tx.ExecContext(ctx, `UPDATE story_entries SET `+set+` WHERE id = `+idArg, append(values, id)...); err != nil {
		return fmt.Errorf("people: retire story entry: %w", err)
	}
	if dialect == store.SQLite {
		if _, err := tx.ExecContext(ctx, `DELETE FROM story_search WHERE entry_id = $1`, id); err != nil {
			return fmt.Errorf("people: unindex story entry: %w", err)
		}
	}
	return nil
}

const entryColumns = `e.id, e.person_id, e.kind, e.occurred_at, e.place, e.who, e.body, e.supersedes, e.correction_reason,
	e.superseded_by, e.removed_at, e.removed_by_label, e.removed_reason, e.created_by_label, e.created_at`

func scanEntry(s store.Scanner) (*Entry, error) {
	var e Entry
	var supersedes, supersededBy sql.NullString
	var removed sql.NullTime
	err := s.Scan(&e.ID, &e.PersonID, &e.Kind, &e.OccurredAt, &e.Place, &e.Who, &e.Body, &supersedes, &e.CorrectionReason,
		&supersededBy, &removed, &e.RemovedBy, &e.RemovedReason, &e.CreatedBy, &e.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	e.Supersedes, e.SupersededBy, e.RemovedAt = supersedes.String, supersededBy.String, store.NullTime(removed)
	e.OccurredAt, e.CreatedAt = e.OccurredAt.UTC(), e.CreatedAt.UTC()
	return &e, nil
}

func entry(ctx context.Context, r store.Reader, id string) (*Entry, error) {
	return scanEntry(r.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM story_entries e WHERE e.id = $1`, id))
}

// TimelineFilter narrows a timeline.
type TimelineFilter struct {
	Kind      string // one of EntryKinds, or "" for all
	OutcomeID string // only entries linked to this outcome
	History   bool   // include corrected and removed entries
	EntryID   string // only this entry
	Limit     int    // at most this many, newest first (0: up to MaxTimeline)
}

// MaxTimeline is the most entries one timeline returns.
const MaxTimeline = 2000

// Timeline returns a person's story, newest first. The caller must already
// have opened the record (Get).
func Timeline(ctx context.Context, r store.Reader, personID string, f TimelineFilter) ([]Entry, error) {
	var args store.Args
	where := `e.person_id = ` + args.Add(personID)
	if !f.History {
		where += ` AND e.superseded_by IS NULL AND e.removed_at IS NULL`
	}
	if f.Kind != "" {
		where += ` AND e.kind = ` + args.Add(f.Kind)
	}
	if f.OutcomeID != "" {
		where += ` AND EXISTS (SELECT 1 FROM story_entry_outcomes so WHERE so.entry_id = e.id AND so.outcome_id = ` + args.Add(f.OutcomeID) + `)`
	}
	if f.EntryID != "" {
		where += ` AND e.id = ` + args.Add(f.EntryID)
	}
	limit := MaxTimeline
	if f.Limit > 0 && f.Limit < limit {
		limit = f.Limit
	}
	rows, err := r.QueryContext(ctx, `SELECT `+entryColumns+` FROM story_entries e WHERE `+where+
		fmt.Sprintf(` ORDER BY e.occurred_at DESC, e.created_at DESC LIMIT %d`, limit), args.Values...)
	if err != nil {
		return nil, fmt.Errorf("people: timeline: %w", err)
	}
	var out []Entry
	index := map[string]int{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[e.ID] = len(out)
		out = append(out, *e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, linkOutcomes(ctx, r, personID, out, index)
}

// StoryCount is how many current entries a person's story has. The caller
// must already have opened the record (Get).
func StoryCount(ctx context.Context, r store.Reader, personID string) (int, error) {
	var n int
	err := r.QueryRowContext(ctx, `SELECT COUNT(*) FROM story_entries WHERE person_id = $1
		AND superseded_by IS NULL AND removed_at IS NULL`, personID).Scan(&n)
	return n, err
}

func linkOutcomes(ctx context.Context, r store.Reader, personID string, out []Entry, index map[string]int) error {
	rows, err := r.QueryContext(ctx, `SELECT so.entry_id, so.outcome_id FROM story_entry_outcomes so
		JOIN story_entries e ON e.id = so.entry_id WHERE e.person_id = $1 ORDER BY so.outcome_id`, personID)
	if err != nil {
		return fmt.Errorf("people: timeline outcomes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var eid, oid string
		if err := rows.Scan(&eid, &oid); err != nil {
			return err
		}
		if i, ok := index[eid]; ok {
			out[i].OutcomeIDs = append(out[i].OutcomeIDs, oid)
		}
	}
	return rows.Err()
}
