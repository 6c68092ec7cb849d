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

// OutcomeKind is what an outcome is about. Its value is what is stored
// and what the API and forms send.
type OutcomeKind string

// Kinds of personal outcome.
const (
	OutcomeChange   OutcomeKind = "change"   // e.g. walk outdoors again
	OutcomeMaintain OutcomeKind = "maintain" // e.g. keep walking to the river every day
	OutcomeProcess  OutcomeKind = "process"  // how I want to be supported
)

// OutcomeKinds are the kinds, in the order a form offers them.
var OutcomeKinds = []OutcomeKind{OutcomeChange, OutcomeMaintain, OutcomeProcess}

// Expresser is who expressed an outcome.
type Expresser string

// Who may express an outcome: the person, or someone on their behalf.
const (
	ExpressedByPerson   Expresser = "person"
	ExpressedByRelative Expresser = "relative"
	ExpressedByAdvocate Expresser = "advocate"
	ExpressedByCarer    Expresser = "carer"
	ExpressedByWorker   Expresser = "worker" // only when the person could not: a reason is required
)

// Expressers are who may express an outcome, in the order a form offers them.
var Expressers = []Expresser{ExpressedByPerson, ExpressedByRelative, ExpressedByAdvocate, ExpressedByCarer, ExpressedByWorker}

// OutcomeStatus is where an outcome stands.
type OutcomeStatus string

// Outcome statuses.
const (
	StatusWorkingOnIt    OutcomeStatus = "working_on_it"
	StatusAchieved       OutcomeStatus = "achieved"
	StatusMaintained     OutcomeStatus = "maintained"
	StatusNoLongerWanted OutcomeStatus = "no_longer_wanted"
)

// OutcomeStatuses are the statuses, in the order a form offers them.
var OutcomeStatuses = []OutcomeStatus{StatusWorkingOnIt, StatusAchieved, StatusMaintained, StatusNoLongerWanted}

// Movement is how things moved at a step of progress.
type Movement string

// Movements recorded in progress entries. MovementFurtherAway is a
// setback: a normal part of the story, not a failure.
const (
	MovementFurtherAway Movement = "further_away"
	MovementNoChange    Movement = "no_change"
	MovementCloser      Movement = "closer"
	MovementAchieved    Movement = "achieved"
)

// Movements are the movements, from furthest away to achieved: the order
// a form offers them and the progress chart climbs.
var Movements = []Movement{MovementFurtherAway, MovementNoChange, MovementCloser, MovementAchieved}

// MaxStatement is the longest an outcome may be: the detail belongs in
// the story. MaxNote bounds why it matters and a progress note.
const (
	MaxStatement = 500
	MaxNote      = 2000
)

// Outcome is something the person wants, in the words of whoever said it.
type Outcome struct {
	ID              string        `json:"id"`
	PersonID        string        `json:"person_id"`
	Statement       string        `json:"statement"`
	Kind            OutcomeKind   `json:"kind"`
	ExpressedBy     Expresser     `json:"expressed_by"`
	ExpressedByName string        `json:"expressed_by_name,omitempty"`
	OnBehalfReason  string        `json:"on_behalf_reason,omitempty"`
	WhyItMatters    string        `json:"why_it_matters,omitempty"`
	Status          OutcomeStatus `json:"status"`
	Version         int           `json:"version"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	Progress        []Progress    `json:"progress,omitempty"`
	StrengthIDs     []string      `json:"strength_ids,omitempty"` // strengths it builds on
	RiskIDs         []string      `json:"risk_ids,omitempty"`     // risk agreements that go with it
}

// Progress is one dated step on the way to an outcome.
type Progress struct {
	ID           string     `json:"id"`
	OutcomeID    string     `json:"outcome_id"`
	OnDate       valid.Date `json:"on_date"` // YYYY-MM-DD
	Movement     Movement   `json:"movement"`
	Note         string     `json:"note"`
	Contributors string     `json:"contributors"` // who helped: the person, family, a physiotherapist…
	CreatedAt    time.Time  `json:"created_at"`
}

func (o *Outcome) normalise() error {
	for _, f := range []*string{&o.Statement, &o.ExpressedByName, &o.OnBehalfReason, &o.WhyItMatters} {
		*f = strings.TrimSpace(*f)
	}
	if o.Status == "" {
		o.Status = StatusWorkingOnIt
	}
	var ps valid.Problems
	switch {
	case o.Statement == "":
		ps.Add("statement", "outcome.statement.required")
	case len([]rune(o.Statement)) > MaxStatement:
		ps.Add("statement", "outcome.statement.too_long", MaxStatement)
	}
	if !slices.Contains(OutcomeKinds, o.Kind) {
		ps.Add("kind", "outcome.kind.required")
	}
	if !slices.Contains(Expressers, o.ExpressedBy) {
		ps.Add("expressed_by", "outcome.expressed_by.required")
	}
	switch {
	case o.ExpressedBy != "" && o.ExpressedBy != ExpressedByPerson && o.ExpressedByName == "":
		ps.Add("expressed_by_name", "outcome.expressed_by_name.required")
	case len([]rune(o.ExpressedByName)) > MaxName:
		ps.Add("expressed_by_name", "outcome.expressed_by_name.too_long", MaxName)
	}
	switch {
	case o.ExpressedBy == ExpressedByWorker && o.OnBehalfReason == "":
		ps.Add("on_behalf_reason", "outcome.on_behalf_reason.required")
	case len([]rune(o.OnBehalfReason)) > MaxNote:
		ps.Add("on_behalf_reason", "outcome.on_behalf_reason.too_long", MaxNote)
	}
	if !slices.Contains(OutcomeStatuses, o.Status) {
		ps.Add("status", "outcome.status.required")
	}
	if len([]rune(o.WhyItMatters)) > MaxNote {
		ps.Add("why_it_matters", "outcome.why_it_matters.too_long", MaxNote)
	}
	return ps.Err()
}

// Check tidies a new outcome and checks it without saving, every problem
// at once, so a form that saves it with something else can show them all
// before anything is written.
func (o *Outcome) Check() error { return o.normalise() }

// AddOutcome records a new outcome for a person the subject may see.
func AddOutcome(ctx context.Context, db *store.DB, op *access.Opened, o *Outcome) error {
	if err := readyOutcome(op, o); err != nil {
		return err
	}
	return access.Change(ctx, db, op, access.PartOutcomes, func(tx *sql.Tx) (audit.Record, error) {
		return insertOutcome(ctx, tx, db.Dialect, op, o)
	})
}

// AddOutcomeTx records a new outcome, with its audit row, inside a
// transaction the caller runs through the person gate (access.Change): an
// outcome saved with something else, such as the conversation that heard
// it, is written with it or not at all.
func AddOutcomeTx(ctx context.Context, tx *sql.Tx, dialect store.Dialect, op *access.Opened, o *Outcome) error {
	if err := readyOutcome(op, o); err != nil {
		return err
	}
	rec, err := insertOutcome(ctx, tx, dialect, op, o)
	if err != nil {
		return err
	}
	return audit.Write(ctx, tx, op.Subject().Actor, rec)
}

// readyOutcome checks the grant and the outcome and gives it its id.
func readyOutcome(op *access.Opened, o *Outcome) error {
	if err := op.MayChange(access.PartOutcomes); err != nil {
		return err
	}
	if err := o.normalise(); err != nil {
		return err
	}
	now := store.Now()
	o.ID, o.Version, o.CreatedAt, o.UpdatedAt = valid.NewID(), 1, now, now
	o.PersonID = op.PersonID()
	return nil
}

func insertOutcome(ctx context.Context, tx *sql.Tx, dialect store.Dialect, op *access.Opened, o *Outcome) (audit.Record, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO outcomes (id, person_id, statement, kind, expressed_by, expressed_by_name,
		on_behalf_reason, why_it_matters, status, version, created_by, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		o.ID, o.PersonID, o.Statement, o.Kind, o.ExpressedBy, o.ExpressedByName, o.OnBehalfReason,
		o.WhyItMatters, o.Status, o.Version, op.Subject().Account.ID, o.CreatedAt, o.UpdatedAt)
	if err != nil {
		return audit.Record{}, fmt.Errorf("people: add outcome: %w", err)
	}
	if err := saveLinks(ctx, tx, o); err != nil {
		return audit.Record{}, err
	}
	if err := indexOutcome(ctx, tx, dialect, o); err != nil {
		return audit.Record{}, err
	}
	return audit.Record{Action: "outcome.create", PersonID: o.PersonID,
		Target: "outcome/" + o.ID, Details: map[string]any{"after": o}}, nil
}

// UpdateOutcome saves changes to an outcome; o.Version must be the version
// the editor started from, or store.ErrConflict is returned and nothing
// changes.
func UpdateOutcome(ctx context.Context, db *store.DB, op *access.Opened, o *Outcome) error {
	if err := op.MayChange(access.PartOutcomes); err != nil {
		return err
	}
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
		if err := saveLinks(ctx, tx, o); err != nil {
			return audit.Record{}, err
		}
		if err := indexOutcome(ctx, tx, db.Dialect, o); err != nil {
			return audit.Record{}, err
		}
		// The caller's copy takes the new version only once nothing else
		// can fail, so a refused save can be corrected and sent again.
		o.Version, o.CreatedAt, o.UpdatedAt = before.Version+1, before.CreatedAt, now
		return audit.Record{Action: "outcome.update", PersonID: o.PersonID,
			Target: "outcome/" + o.ID, Details: map[string]any{"before": before, "after": o}}, nil
	})
}

// AddProgress records a step towards (or away from) an outcome.
func AddProgress(ctx context.Context, db *store.DB, op *access.Opened, p *Progress) error {
	if err := op.MayChange(access.PartOutcomes); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
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

// Check tidies a step of progress and checks it, without saving: a form
// whose date could not be read shows the other problems with it.
func (p *Progress) Check() error {
	p.Note, p.Contributors = strings.TrimSpace(p.Note), strings.TrimSpace(p.Contributors)
	var ps valid.Problems
	switch {
	case p.OnDate.IsZero():
		ps.Add("on_date", "valid.date.required")
	case p.OnDate.After(valid.Today()):
		ps.Add("on_date", "progress.on_date.future")
	}
	if !slices.Contains(Movements, p.Movement) {
		ps.Add("movement", "progress.movement.required")
	}
	if len([]rune(p.Note)) > MaxNote {
		ps.Add("note", "progress.note.too_long", MaxNote)
	}
	return ps.Err()
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
