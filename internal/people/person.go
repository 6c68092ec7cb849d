package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Person is someone whatmatters supports.
type Person struct {
	ID            string     `json:"id"`
	GivenName     string     `json:"given_name"`
	FamilyName    string     `json:"family_name"`
	PreferredName string     `json:"preferred_name,omitempty"`
	DateOfBirth   valid.Date `json:"date_of_birth,omitzero"` // YYYY-MM-DD
	NHSNumber     string     `json:"nhs_number,omitempty"`   // 10 digits
	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Name is how the person is addressed: their preferred name if they gave
// one, with their family name.
func (p *Person) Name() string {
	given := p.GivenName
	if p.PreferredName != "" {
		given = p.PreferredName
	}
	return strings.TrimSpace(given + " " + p.FamilyName)
}

// NHSNumberDisplay is the NHS number in 3-3-4 form.
func (p *Person) NHSNumberDisplay() string { return FormatNHSNumber(p.NHSNumber) }

// MaxName is the longest name accepted, given, family or preferred.
const MaxName = 100

// EarliestBirthYear bounds a date of birth: an earlier year is a typing
// slip, not someone whatmatters supports.
const EarliestBirthYear = 1890

// Normalise tidies what was typed and checks it, returning every problem at
// once so a form can show them all.
func (p *Person) Normalise() error {
	p.GivenName = strings.TrimSpace(p.GivenName)
	p.FamilyName = strings.TrimSpace(p.FamilyName)
	p.PreferredName = strings.TrimSpace(p.PreferredName)
	var ps valid.Problems
	if p.GivenName == "" {
		ps.Add("given_name", "person.given_name.required")
	}
	if p.FamilyName == "" {
		ps.Add("family_name", "person.family_name.required")
	}
	for _, f := range []struct{ field, v string }{{"given_name", p.GivenName}, {"family_name", p.FamilyName}, {"preferred_name", p.PreferredName}} {
		if len([]rune(f.v)) > MaxName {
			ps.Add(f.field, "person.name.too_long", MaxName)
		}
	}
	switch dob := p.DateOfBirth; {
	case dob.IsZero(): // not known
	case dob.After(valid.Today()):
		ps.Add("date_of_birth", "person.date_of_birth.future")
	case dob.Year() < EarliestBirthYear:
		ps.Add("date_of_birth", "person.date_of_birth.too_early", EarliestBirthYear)
	}
	if strings.TrimSpace(p.NHSNumber) != "" {
		n, err := ParseNHSNumber(p.NHSNumber)
		if fe, ok := err.(*valid.FieldError); ok {
			ps = append(ps, fe)
		} else {
			p.NHSNumber = n
		}
	} else {
		p.NHSNumber = ""
	}
	return ps.Err()
}

// Create records a new person. The caller makes the relationship (an
// allocation) through which they will be seen.
func Create(ctx context.Context, db *store.DB, who audit.Actor, p *Person) error {
	if err := p.Normalise(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error { return CreateTx(ctx, tx, who, p) })
}

// CreateTx records a new person inside the caller's transaction, so that
// the record and the relationship through which it is seen (a contact's
// allocation) are written together or not at all.
func CreateTx(ctx context.Context, q store.Querier, who audit.Actor, p *Person) error {
	rec, err := InsertTx(ctx, q, p)
	if err != nil {
		return err
	}
	return audit.Write(ctx, q, who, rec)
}

// InsertTx is CreateTx without writing the audit row: it returns the row
// for the caller to write, in the same transaction, with many others at
// once (audit.WriteMany), as an import of thousands of people does.
func InsertTx(ctx context.Context, q store.Querier, p *Person) (audit.Record, error) {
	if err := p.Normalise(); err != nil {
		return audit.Record{}, err
	}
	now := store.Now()
	p.ID, p.Version, p.CreatedAt, p.UpdatedAt = valid.NewID(), 1, now, now
	_, err := q.ExecContext(ctx, `INSERT INTO people
		(id, given_name, family_name, preferred_name, date_of_birth, nhs_number, version, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		p.ID, p.GivenName, p.FamilyName, p.PreferredName, p.DateOfBirth, store.NullIfEmpty(p.NHSNumber), p.Version, now, now)
	if store.IsUniqueViolation(err) {
		return audit.Record{}, valid.Problems{valid.New("nhs_number", "person.nhs_number.taken_new")}
	}
	if err != nil {
		return audit.Record{}, fmt.Errorf("people: create: %w", err)
	}
	return audit.Record{Action: "person.create", PersonID: p.ID, Target: "person/" + p.ID,
		Details: map[string]any{"after": *p}}, nil
}

// Update saves changed details. p.Version must be the version the editor
// started from; if someone else saved in between, Update returns
// store.ErrConflict and changes nothing.
func Update(ctx context.Context, db *store.DB, op *access.Opened, p *Person) error {
	if err := op.MayChange(access.PartIdentity); err != nil {
		return err
	}
	if err := p.Normalise(); err != nil {
		return err
	}
	return access.Change(ctx, db, op, access.PartIdentity, func(tx *sql.Tx) (audit.Record, error) {
		p.ID = op.PersonID()
		before, err := load(ctx, tx, p.ID)
		if err != nil {
			return audit.Record{}, err
		}
		if before.Version != p.Version {
			return audit.Record{}, store.ErrConflict
		}
		now := store.Now()
		err = store.ExecOne(ctx, tx, `UPDATE people SET given_name = $1, family_name = $2, preferred_name = $3,
			date_of_birth = $4, nhs_number = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`,
			p.GivenName, p.FamilyName, p.PreferredName, p.DateOfBirth, store.NullIfEmpty(p.NHSNumber), now, p.ID, p.Version)
		if store.IsUniqueViolation(err) {
			return audit.Record{}, valid.Problems{valid.New("nhs_number", "person.nhs_number.taken")}
		}
		if err != nil {
			return audit.Record{}, fmt.Errorf("people: update: %w", err)
		}
		p.Version, p.UpdatedAt, p.CreatedAt = before.Version+1, now, before.CreatedAt
		return audit.Record{Action: "person.update", PersonID: p.ID,
			Target: "person/" + p.ID, Details: map[string]any{"before": before, "after": p}}, nil
	})
}

// Load reads the opened person's details.
func Load(ctx context.Context, r store.Reader, op *access.Opened) (*Person, error) {
	if err := op.Reads(access.PartIdentity); err != nil {
		return nil, err
	}
	return load(ctx, r, op.PersonID())
}

const personColumns = `p.id, p.given_name, p.family_name, p.preferred_name, p.date_of_birth, p.nhs_number, p.version, p.created_at, p.updated_at`

func load(ctx context.Context, r store.Reader, id string) (*Person, error) {
	p, err := scan(r.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people p WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return p, err
}

func scan(s store.Scanner) (*Person, error) {
	var p Person
	var nhs sql.NullString
	if err := s.Scan(&p.ID, &p.GivenName, &p.FamilyName, &p.PreferredName, &p.DateOfBirth, &nhs, &p.Version, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.NHSNumber = nhs.String
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}
