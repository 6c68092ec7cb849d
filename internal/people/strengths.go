package people

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// StrengthFreshFor is how long a confirmed strength stays current. Betty
// "can drive", but has not for two years: after this long a strength is
// marked for a fresh look.
const StrengthFreshFor = 365 * 24 * time.Hour

// Strength is something the person can do or has, with what it means.
type Strength struct {
	ID              string     `json:"id"`
	PersonID        string     `json:"person_id"`
	Strength        string     `json:"strength"`
	Meaning         string     `json:"meaning"` // "so what?": what difference it makes
	NamedBy         string     `json:"named_by"`
	LastConfirmedOn valid.Date `json:"last_confirmed_on"` // YYYY-MM-DD
	Version         int        `json:"version"`
}

// NeedsFreshLook reports whether nobody has confirmed the strength for a
// year as of today.
func (s *Strength) NeedsFreshLook(today valid.Date) bool {
	return s.LastConfirmedOn.IsZero() || today.Time().Sub(s.LastConfirmedOn.Time()) > StrengthFreshFor
}

// Check tidies a strength and checks it, without saving: a form whose
// date could not be read shows the other problems with it.
func (s *Strength) Check() error { return s.normalise() }

func (s *Strength) normalise() error {
	s.Strength, s.Meaning, s.NamedBy = strings.TrimSpace(s.Strength), strings.TrimSpace(s.Meaning), strings.TrimSpace(s.NamedBy)
	var ps valid.Problems
	switch {
	case s.Strength == "":
		ps.Add("strength", "strength.strength.required")
	case len([]rune(s.Strength)) > MaxStrength:
		ps.Add("strength", "strength.strength.too_long", MaxStrength)
	}
	if s.Meaning == "" {
		ps.Add("meaning", "strength.meaning.required")
	}
	if s.NamedBy == "" {
		ps.Add("named_by", "strength.named_by.required")
	}
	switch {
	case s.LastConfirmedOn.IsZero():
		ps.Add("last_confirmed_on", "valid.date.required")
	case s.LastConfirmedOn.After(valid.Today()):
		ps.Add("last_confirmed_on", "strength.last_confirmed_on.future")
	}
	return ps.Err()
}

// MaxStrength is the longest a strength may be: a phrase, with its
// meaning beside it.
const MaxStrength = 300

// AddStrength records a strength for a person the subject may see.
func AddStrength(ctx context.Context, db *store.DB, op *access.Opened, st *Strength) error {
	if err := op.MayChange(access.PartStrengths); err != nil {
		return err
	}
	if err := st.normalise(); err != nil {
		return err
	}
	now := store.Now()
	st.ID, st.Version = valid.NewID(), 1
	st.PersonID = op.PersonID()
	return access.Change(ctx, db, op, access.PartStrengths, func(tx *sql.Tx) (audit.Record, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO strengths (id, person_id, strength, meaning, named_by, last_confirmed_on,
			version, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
			st.ID, st.PersonID, st.Strength, st.Meaning, st.NamedBy, st.LastConfirmedOn, st.Version, op.Subject().Account.ID, now, now)
		if err != nil {
			return audit.Record{}, fmt.Errorf("people: add strength: %w", err)
		}
		return audit.Record{Action: "strength.create", PersonID: st.PersonID,
			Target: "strength/" + st.ID, Details: map[string]any{"after": st}}, nil
	})
}

// Strengths lists a person's strengths.
func Strengths(ctx context.Context, r store.Reader, op *access.Opened) ([]Strength, error) {
	if err := op.Reads(access.PartStrengths); err != nil {
		return nil, err
	}
	return strengths(ctx, r, op.PersonID())
}

func strengths(ctx context.Context, r store.Reader, personID string) ([]Strength, error) {
	rows, err := r.QueryContext(ctx, `SELECT id, person_id, strength, meaning, named_by, last_confirmed_on, version
		FROM strengths WHERE person_id = $1 ORDER BY created_at, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("people: strengths: %w", err)
	}
	defer rows.Close()
	var out []Strength
	for rows.Next() {
		var s Strength
		if err := rows.Scan(&s.ID, &s.PersonID, &s.Strength, &s.Meaning, &s.NamedBy, &s.LastConfirmedOn, &s.Version); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
