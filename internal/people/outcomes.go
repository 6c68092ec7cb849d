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
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Kinds of personal outcome.
const (
	OutcomeChange   = "change"   // e.g. walk outdoors again
	OutcomeMaintain = "maintain" // e.g. keep walking to the river every day
	OutcomeProcess  = "process"  // how I want to be supported
)

// Who expressed an outcome.
var expressers = []string{"person", "relative", "advocate", "carer", "worker"}

// Outcome statuses.
var outcomeStatuses = []string{"working_on_it", "achieved", "maintained", "no_longer_wanted"}

// Movements recorded in progress entries. "further_away" is a setback: a
// normal part of the story, not a failure.
var movements = []string{"further_away", "no_change", "closer", "achieved"}

// Outcome is something the person wants, in the words of whoever said it.
type Outcome struct {
	ID              string     `json:"id"`
	PersonID        string     `json:"person_id"`
	Statement       string     `json:"statement"`
	Kind            string     `json:"kind"`
	ExpressedBy     string     `json:"expressed_by"`
	ExpressedByName string     `json:"expressed_by_name,omitempty"`
	OnBehalfReason  string     `json:"on_behalf_reason,omitempty"`
	WhyItMatters    string     `json:"why_it_matters,omitempty"`
	Status          string     `json:"status"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Progress        []Progress `json:"progress,omitempty"`
	StrengthIDs     []string   `json:"strength_ids,omitempty"` // strengths it builds on
	RiskIDs         []string   `json:"risk_ids,omitempty"`     // risk agreements that go with it
}

// Progress is one dated step on the way to an outcome.
type Progress struct {
	ID           string    `json:"id"`
	OutcomeID    string    `json:"outcome_id"`
	OnDate       string    `json:"on_date"` // YYYY-MM-DD
	Movement     string    `json:"movement"`
	Note         string    `json:"note"`
	Contributors string    `json:"contributors"` // who helped: the person, family, a physiotherapist…
	CreatedAt    time.Time `json:"created_at"`
}

func (o *Outcome) normalise() error {
	for _, f := range []*string{&o.Statement, &o.ExpressedByName, &o.OnBehalfReason, &o.WhyItMatters} {
		*f = strings.TrimSpace(*f)
	}
	if o.Status == "" {
		o.Status = "working_on_it"
	}
	var ps valid.Problems
	add := func(field, msg string) { ps = append(ps, &valid.FieldError{Field: field, Code: msg}) }
	switch {
	case o.Statement == "":
		add("statement", "Write the outcome in the words of whoever said it")
	case len([]rune(o.Statement)) > 500:
		add("statement", "Keep the outcome to 500 characters or fewer: the detail belongs in the story")
	}
	if !slices.Contains([]string{OutcomeChange, OutcomeMaintain, OutcomeProcess}, o.Kind) {
		add("kind", "Choose whether this is about a change, keeping something going, or how support is given")
	}
	if !slices.Contains(expressers, o.ExpressedBy) {
		add("expressed_by", "Choose who said this")
	}
	if o.ExpressedBy != "" && o.ExpressedBy != "person" && o.ExpressedByName == "" {
		add("expressed_by_name", "Give the name of the person who said this")
	}
	if o.ExpressedBy == "worker" && o.OnBehalfReason == "" {
		add("on_behalf_reason", "Say why the person could not express this themselves")
	}
	if !slices.Contains(outcomeStatuses, o.Status) {
		add("status", "Choose a status")
	}
	if len([]rune(o.WhyItMatters)) > 2000 {
		add("why_it_matters", "Keep why it matters to 2000 characters or fewer")
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// AddOutcome records a new outcome for a person the subject may see.
func AddOutcome(ctx context.Context, db *store.DB, op *access.Opened, o *Outcome) error {
	if err := o.normalise(); err != nil {
		return err
	}
	now := store.Now()
	o.ID, o.Version, o.CreatedAt, o.UpdatedAt = valid.NewID(), 1, now, now
	o.PersonID = op.PersonID()
	return access.Change(ctx, db, op, access.PartOutcomes, func(tx *sql.Tx) (audit.Record, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO outcomes (id, person_id, statement, kind, expressed_by, expressed_by_name,
			on_behalf_reason, why_it_matters, status, version, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
			o.ID, o.PersonID, o.Statement, o.Kind, o.ExpressedBy, o.ExpressedByName, o.OnBehalfReason,
			o.WhyItMatters, o.Status, o.Version, op.Subject().Account.ID, now, now)
		if err != nil {
			return audit.Record{}, fmt.Errorf("people: add outcome: %w", err)
		}
		if err := saveLinks(ctx, tx, o); err != nil {
			return audit.Record{}, err
		}
		if err := indexOutcome(ctx, tx, db.Dialect, o); err != nil {
			return audit.Record{}, err
		}
		return audit.Record{Action: "outcome.create", PersonID: o.PersonID,
			Target: "outcome/" + o.ID, Details: map[string]any{"after": o}}, nil
	})
}

// UpdateOutcome saves changes to an outcome; o.Version must be the version
// the editor started from, or store.ErrConflict is returned and nothing
// changes.
func UpdateOutcome(ctx context.Context, db *store.DB, op *access.Opened, o *Outcome) error {
	if err := o.normalise(); err != nil {
		return err
	}
	o.PersonID = op.PersonID()
	return access.Change(ctx, db, op, access.PartOutcomes, func(tx *sql.Tx) (audit.Record, error) {
		before, err := ownOutcome(ctx, tx, op, o.ID)
		if err != nil {
			return audit.Record{}, err
		}
		if before.Version != o.Version {
			return audit.Record{}, store.ErrConflict
		}
		now := store.Now()
		err = store.ExecOne(ctx, tx, `UPDATE outcomes SET statement = $1, kind = $2, expressed_by = $3, expressed_by_name = $4,
			on_behalf_reason = $5, why_it_matters = $6, status = $7, version = version + 1, updated_at = $8
			WHERE id = $9 AND version = $10`,
			o.Statement, o.Kind, o.ExpressedBy, o.ExpressedByName, o.OnBehalfReason, o.WhyItMatters, o.Status, now, o.ID, o.Version)
		if err != nil {
			return audit.Record{}, fmt.Errorf("people: update outcome: %w", err)
		}
		o.Version, o.CreatedAt, o.UpdatedAt = before.Version+1, before.CreatedAt, now
		if err := saveLinks(ctx, tx, o); err != nil {
			return audit.Record{}, err
		}
		if err := indexOutcome(ctx, tx, db.Dialect, o); err != nil {
			return audit.Record{}, err
		}
		return audit.Record{Action: "outcome.update", PersonID: o.PersonID,
			Target: "outcome/" + o.ID, Details: map[string]any{"before": before, "after": o}}, nil
	})
}

// AddProgress records a step towards (or away from) an outcome.
func AddProgress(ctx context.Context, db *store.DB, op *access.Opened, p *Progress) error {
	p.Note, p.Contributors, p.OnDate = strings.TrimSpace(p.Note), strings.TrimSpace(p.Contributors), strings.TrimSpace(p.OnDate)
	var ps valid.Problems
	add := func(field, msg string) { ps = append(ps, &valid.FieldError{Field: field, Code: msg}) }
	if d, err := time.Parse("2006-01-02", p.OnDate); err != nil {
		add("on_date", "Enter the date as a real date, like 2026-11-23")
	} else if d.After(time.Now().Add(24 * time.Hour)) {
		add("on_date", "The date must not be in the future")
	}
	if !slices.Contains(movements, p.Movement) {
		add("movement", "Choose how things have moved: further away, no change, closer, or achieved")
	}
	if len([]rune(p.Note)) > 2000 {
		add("note", "Keep the note to 2000 characters or fewer")
	}
	if len(ps) > 0 {
		return ps
	}
	p.ID, p.CreatedAt = valid.NewID(), store.Now()
	return access.Change(ctx, db, op, access.PartOutcomes, func(tx *sql.Tx) (audit.Record, error) {
		o, err := ownOutcome(ctx, tx, op, p.OutcomeID)
		if err != nil {
			return audit.Record{}, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO outcome_progress (id, outcome_id, person_id, on_date, movement, note,
			contributors, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
			p.ID, p.OutcomeID, o.PersonID, p.OnDate, p.Movement, p.Note, p.Contributors, op.Subject().Account.ID, p.CreatedAt)
		if err != nil {
			return audit.Record{}, fmt.Errorf("people: add progress: %w", err)
		}
		return audit.Record{Action: "outcome.progress", PersonID: o.PersonID,
			Target: "outcome/" + o.ID + "/progress/" + p.ID, Details: map[string]any{"after": p}}, nil
	})
}

// Outcomes lists a person's outcomes with their progress, oldest progress
// first.
func Outcomes(ctx context.Context, r store.Reader, op *access.Opened) ([]Outcome, error) {
	if err := op.Reads(access.PartOutcomes); err != nil {
		return nil, err
	}
	return outcomes(ctx, r, op.PersonID())
}

func outcomes(ctx context.Context, r store.Reader, personID string) ([]Outcome, error) {
	rows, err := r.QueryContext(ctx, `SELECT `+outcomeColumns+` FROM outcomes WHERE person_id = $1 ORDER BY created_at, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("people: outcomes: %w", err)
	}
	var out []Outcome
	index := map[string]int{}
	for rows.Next() {
		o, err := scanOutcome(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[o.ID] = len(out)
		out = append(out, *o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := loadLinks(ctx, r, personID, out, index); err != nil {
		return nil, err
	}
	prog, err := r.QueryContext(ctx, `SELECT id, outcome_id, on_date, movement, note, contributors, created_at
		FROM outcome_progress WHERE person_id = $1 ORDER BY on_date, created_at`, personID)
	if err != nil {
		return nil, fmt.Errorf("people: progress: %w", err)
	}
	defer prog.Close()
	for prog.Next() {
		var p Progress
		if err := prog.Scan(&p.ID, &p.OutcomeID, &p.OnDate, &p.Movement, &p.Note, &p.Contributors, &p.CreatedAt); err != nil {
			return nil, err
		}
		p.CreatedAt = p.CreatedAt.UTC()
		if i, ok := index[p.OutcomeID]; ok {
			out[i].Progress = append(out[i].Progress, p)
		}
	}
	return out, prog.Err()
}

const outcomeColumns = `id, person_id, statement, kind, expressed_by, expressed_by_name, on_behalf_reason,
	why_it_matters, status, version, created_at, updated_at`

func scanOutcome(s store.Scanner) (*Outcome, error) {
	var o Outcome
	err := s.Scan(&o.ID, &o.PersonID, &o.Statement, &o.Kind, &o.ExpressedBy, &o.ExpressedByName, &o.OnBehalfReason,
		&o.WhyItMatters, &o.Status, &o.Version, &o.CreatedAt, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return &o, nil
}

// ownOutcome reads an outcome of the opened person's; another person's is
// not found.
func ownOutcome(ctx context.Context, r store.Reader, op *access.Opened, id string) (*Outcome, error) {
	o, err := outcome(ctx, r, id)
	if err == nil && o.PersonID != op.PersonID() {
		return nil, store.ErrNotFound
	}
	return o, err
}

func outcome(ctx context.Context, r store.Reader, id string) (*Outcome, error) {
	return scanOutcome(r.QueryRowContext(ctx, `SELECT `+outcomeColumns+` FROM outcomes WHERE id = $1`, id))
}
