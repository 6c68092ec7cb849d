package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// EntryKind is what kind of story entry one is. Its value is what is
// stored and what the API and forms send.
type EntryKind string

// Kinds of story entry.
const (
	KindConversation EntryKind = "conversation"
	KindVisit        EntryKind = "visit"
	KindPhoneCall    EntryKind = "phone_call"
	KindNote         EntryKind = "note"
	KindLetter       EntryKind = "letter"
	KindPhoto        EntryKind = "photo"
	KindDrawing      EntryKind = "drawing"
)

// EntryKinds are the kinds, in the order a form offers them.
var EntryKinds = []EntryKind{KindConversation, KindVisit, KindPhoneCall, KindNote, KindLetter, KindPhoto, KindDrawing}

// MaxEntryBody is the longest entry accepted. The recording coach nudges
// well before this; the limit only stops accidents.
const MaxEntryBody = 20000

// Entry is one part of the person's story.
type Entry struct {
	ID               string     `json:"id"`
	PersonID         string     `json:"person_id"`
	Kind             EntryKind  `json:"kind"`
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
	if !slices.Contains(EntryKinds, e.Kind) {
		ps.Add("kind", "story.kind.required")
	}
	if e.OccurredAt.IsZero() {
		ps.Add("occurred_at", "story.occurred_at.required")
	} else if e.OccurredAt.After(time.Now().Add(time.Hour)) {
		ps.Add("occurred_at", "story.occurred_at.future")
	}
	switch {
	case e.Body == "":
		ps.Add("body", "story.body.required")
	case len([]rune(e.Body)) > MaxEntryBody:
		ps.Add("body", "story.body.too_long", MaxEntryBody)
	}
	if len(ps) > 0 {
		return ps
	}
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	return nil
}

// Check tidies an entry and checks it, without saving: a form whose date
// could not be read shows the other problems with it.
func (e *Entry) Check() error { return e.normalise() }

// AddEntry adds an entry to the opened person's story, with any files
// attached to it, in one transaction: an entry is never left without the
// file it was saved with, nor a file without its entry.
func AddEntry(ctx context.Context, db *store.DB, op *access.Opened, e *Entry, files ...NewFile) error {
	if err := op.MayChange(access.PartStory); err != nil {
		return err
	}
	if err := e.normalise(); err != nil {
		return err
	}
	for _, f := range files {
		if err := CheckAttachment(f.Name, f.Data); err != nil {
			return err
		}
	}
	e.PersonID = op.PersonID()
	return access.Change(ctx, db, op, access.PartStory, func(tx *sql.Tx) (audit.Record, error) {
		if err := insertEntry(ctx, tx, db.Dialect, op.Subject(), e); err != nil {
			return audit.Record{}, err
		}
		var added []*Attachment
		for _, f := range files {
			a, err := insertAttachment(ctx, tx, op, e, f)
			if err != nil {
				return audit.Record{}, err
			}
			added = append(added, a)
		}
		return audit.Record{Action: "story.add", Target: "story_entry/" + e.ID,
			Details: map[string]any{"after": e, "attachments": added}}, nil
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
			return valid.Problems{valid.New("outcome_ids", "story.outcome_ids.not_own")}
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

// CheckCorrection tidies a correction and checks it, without saving:
// every problem with the corrected entry and its reason at once.
func CheckCorrection(e *Entry, reason string) error {
	err := e.normalise()
	ps, _ := valid.From(err)
	if strings.TrimSpace(reason) == "" {
		ps.Add("correction_reason", "story.correction_reason.required")
	}
	return ps.Err()
}

// CorrectEntry writes a corrected version of an entry. The old entry stays,
// marked as superseded, with the reason on the new one.
func CorrectEntry(ctx context.Context, db *store.DB, op *access.Opened, oldID string, e *Entry, reason string) error {
	if err := op.MayChange(access.PartStory); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if err := CheckCorrection(e, reason); err != nil {
		return err
	}
	return access.Change(ctx, db, op, access.PartStory, func(tx *sql.Tx) (audit.Record, error) {
		old, err := ownEntry(ctx, tx, op, oldID)
		if err != nil {
			return audit.Record{}, err
		}
		if !old.Current() {
			return audit.Record{}, store.ErrConflict // someone corrected or removed it first
		}
		e.PersonID, e.Supersedes, e.CorrectionReason = old.PersonID, old.ID, reason
		if err := insertEntry(ctx, tx, db.Dialect, op.Subject(), e); err != nil {
			return audit.Record{}, err
		}
		if err := retire(ctx, tx, db.Dialect, old.ID, `superseded_by = $1`, e.ID); err != nil {
			return audit.Record{}, err
		}
		// The files belong to the entry, whichever version is current: a
		// correction of the words keeps the photo or letter attached.
		if _, err := tx.ExecContext(ctx, `UPDATE attachments SET entry_id = $1 WHERE entry_id = $2`, e.ID, old.ID); err != nil {
			return audit.Record{}, fmt.Errorf("people: keep files with the correction: %w", err)
		}
		return audit.Record{Action: "story.correct", PersonID: old.PersonID,
			Target: "story_entry/" + e.ID, Details: map[string]any{"before": old, "after": e, "reason": reason}}, nil
	})
}

// RemoveEntry marks an entry as removed, with who and why. It stays in the
// history; it no longer shows in the timeline or in searches.
func RemoveEntry(ctx context.Context, db *store.DB, op *access.Opened, id, reason string) error {
	if err := op.MayChange(access.PartStory); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return valid.Problems{valid.New("removed_reason", "story.removed_reason.required")}
	}
	return access.Change(ctx, db, op, access.PartStory, func(tx *sql.Tx) (audit.Record, error) {
		old, err := ownEntry(ctx, tx, op, id)
		if err != nil {
			return audit.Record{}, err
		}
		if !old.Current() {
			return audit.Record{}, store.ErrConflict
		}
		if err := retire(ctx, tx, db.Dialect, id, `removed_at = $1, removed_by_label = $2, removed_reason = $3`,
			store.Now(), op.Subject().Actor.Label, reason); err != nil {
			return audit.Record{}, err
		}
		return audit.Record{Action: "story.remove", PersonID: old.PersonID,
			Target: "story_entry/" + id, Details: map[string]any{"before": old, "reason": reason}}, nil
	})
}

// retire marks an entry as no longer current and drops it from the search
// index. set is the SET clause, its values first; the id is added last.
// Only a current entry is retired: if another writer corrected or removed
// it first, no row changes and the answer is store.ErrConflict, so an
// entry never has two live versions.
func retire(ctx context.Context, tx *sql.Tx, dialect store.Dialect, id, set string, values ...any) error {
	idArg := fmt.Sprintf("$%d", len(values)+1)
	err := store.ExecOne(ctx, tx, `UPDATE story_entries SET `+set+` WHERE id = `+idArg+
		` AND superseded_by IS NULL AND removed_at IS NULL`, append(values, id)...)
	if err != nil {
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

// ownEntry reads an entry of the opened person's; another person's is not
// found.
func ownEntry(ctx context.Context, r store.Reader, op *access.Opened, id string) (*Entry, error) {
	e, err := entry(ctx, r, id)
	if err == nil && e.PersonID != op.PersonID() {
		return nil, store.ErrNotFound
	}
	return e, err
}

func entry(ctx context.Context, r store.Reader, id string) (*Entry, error) {
	return scanEntry(r.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM story_entries e WHERE e.id = $1`, id))
}

// TimelineFilter narrows a timeline.
type TimelineFilter struct {
	Kind      EntryKind // one of EntryKinds, or "" for all
	OutcomeID string    // only entries linked to this outcome
	History   bool      // include corrected and removed entries
	EntryID   string    // only this entry
	Limit     int       // at most this many, newest first (0: up to MaxTimeline)
}

// MaxTimeline is the most entries one timeline returns.
const MaxTimeline = 2000

// Timeline returns a person's story, newest first. The caller must already
// have opened the record (Get).
func Timeline(ctx context.Context, r store.Reader, op *access.Opened, f TimelineFilter) ([]Entry, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	return timeline(ctx, r, op.PersonID(), f)
}

func timeline(ctx context.Context, r store.Reader, personID string, f TimelineFilter) ([]Entry, error) {
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

// StoryCount is how many current entries a person's story has.
func StoryCount(ctx context.Context, r store.Reader, op *access.Opened) (int, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return 0, err
	}
	return storyCount(ctx, r, op.PersonID())
}

func storyCount(ctx context.Context, r store.Reader, personID string) (int, error) {
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
