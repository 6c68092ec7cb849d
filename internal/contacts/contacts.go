// Package contacts is how someone's first request for help is recorded:
// the contact (when, how, who asked, why, and its route of access), the
// match against the people the council already holds before a second
// record is made, the allocation to a team and a named worker (which is
// what lets them see the person: allocation writes the access links), and
// the lists that keep no one waiting unseen — a team's waiting list and a
// worker's own people.
//
// Contacts and allocations are part of a person's record: they are read
// with the story part of the grant, and changed only by practitioners and
// managers, whose grant changes the identity part (the holding council's
// workers; a care home or NHS team reads them but does not allocate).
package contacts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Limits on what is typed, so outside input stays a sensible size.
const (
	MaxReason    = 2000 // why they asked
	MaxAskerName = 200
	MaxNote      = 2000 // an allocation's reason, a closing note
)

// Contact is one request for help.
type Contact struct {
	ID             string     `json:"id"`
	PersonID       string     `json:"person_id"`
	OrganisationID string     `json:"organisation_id"`
	On             valid.Date `json:"contact_on"`
	Method         Method     `json:"method"`
	Asker          Asker      `json:"asker"`
	AskerName      string     `json:"asker_name,omitempty"`
	Reason         string     `json:"reason"`
	Route          string     `json:"route"` // a Routes key
	Outcome        Outcome    `json:"outcome,omitempty"`
	OutcomeNote    string     `json:"outcome_note,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	Version        int        `json:"version"`
	CreatedAt      time.Time  `json:"created_at"`
	CreatedBy      string     `json:"-"` // the name of who recorded it, for the record page
}

// Open reports whether the contact is still waiting for an outcome.
func (c Contact) Open() bool { return c.ClosedAt == nil }

// RouteCLD is the route of access as the Client Level Data return spells it.
func (c Contact) RouteCLD() string { return RouteCLD(c.Route) }

// check tidies the contact's fields and adds what is wrong to ps.
func (c *Contact) check(ps *valid.Problems, today valid.Date) {
	c.AskerName = strings.TrimSpace(c.AskerName)
	c.Reason = strings.TrimSpace(c.Reason)
	switch {
	case c.On.IsZero():
		ps.Add("contact_on", "contact.on.required")
	case c.On.After(today):
		ps.Add("contact_on", "contact.on.future")
	case c.On.Before(today.AddDays(-366)):
		ps.Add("contact_on", "contact.on.too_early")
	}
	if !slices.Contains(Methods, c.Method) {
		ps.Add("method", "contact.method.required")
	}
	if !slices.Contains(Askers, c.Asker) {
		ps.Add("asker", "contact.asker.required")
	}
	if utf8.RuneCountInString(c.AskerName) > MaxAskerName {
		ps.Add("asker_name", "contact.asker_name.too_long", MaxAskerName)
	}
	if c.Asker != AskerPerson && c.Asker != AskerSelfReferral && c.Asker != "" && c.AskerName == "" {
		ps.Add("asker_name", "contact.asker_name.required")
	}
	switch {
	case c.Reason == "":
		ps.Add("reason", "contact.reason.required")
	case utf8.RuneCountInString(c.Reason) > MaxReason:
		ps.Add("reason", "contact.reason.too_long", MaxReason)
	}
	if RouteCLD(c.Route) == "" {
		ps.Add("route", "contact.route.required")
	}
	// A contact may be closed as it is recorded (advice given on the
	// phone there and then).
	c.OutcomeNote = strings.TrimSpace(c.OutcomeNote)
	if c.Outcome != "" && !slices.Contains(Outcomes, c.Outcome) {
		ps.Add("outcome", "contact.outcome.required")
	}
	if utf8.RuneCountInString(c.OutcomeNote) > MaxNote {
		ps.Add("note", "contact.note.too_long", MaxNote)
	}
}

// New is what the contact form gives: who it is about, the contact, and
// where it is allocated.
type New struct {
	Person     people.Person // given and family name, date of birth, NHS number
	Contact    Contact
	Allocation Allocation // team, optional worker, priority, reason
	// SamePerson is the record the worker chose as this person, from the
	// matches they were shown; "" for a new record.
	SamePerson string
	// NewPerson is set when the worker, shown possible matches, said this
	// is someone else: a new record is made only then, or when nothing
	// matched.
	NewPerson bool
}

// Check returns every problem with what was typed at once, so the form
// can show them all.
func (n *New) Check(today valid.Date) error {
	var ps valid.Problems
	if n.SamePerson == "" {
		if err := n.Person.Normalise(); err != nil {
			p, _ := valid.From(err)
			ps = append(ps, p...)
		}
	}
	n.Contact.check(&ps, today)
	n.Allocation.check(&ps)
	return ps.Err()
}

// ErrMatchesFound is returned when a new record was asked for without the
// worker having seen and set aside the possible matches.
var ErrMatchesFound = errors.New("contacts: possible matches not yet seen")

// worker returns ErrNotAllowed unless the subject records contacts: a
// council's practitioners and managers.
func worker(s account.Subject) error {
	a := s.Account
	if a == nil || a.Disabled || (a.Role != account.RolePractitioner && a.Role != account.RoleManager) {
		return access.ErrNotAllowed
	}
	return nil
}

// MayRecord reports whether the account records contacts and allocates.
func MayRecord(r account.Role) bool { return r == account.RolePractitioner || r == account.RoleManager }

// Record writes a contact, for the record the worker chose or a new one,
// and allocates the person, in one transaction with its audit rows: all
// of it is written or none. It returns the person's id.
func Record(ctx context.Context, db *store.DB, s account.Subject, n *New) (string, error) {
	if err := worker(s); err != nil {
		return "", err
	}
	if err := n.Check(valid.Today()); err != nil {
		return "", err
	}
	org := s.Account.OrganisationID
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkAllocation(ctx, tx, org, &n.Allocation); err != nil {
			return err
		}
		if err := choosePerson(ctx, tx, s, n); err != nil {
			return err
		}
		c := &n.Contact
		c.ID, c.PersonID, c.OrganisationID, c.Version, c.CreatedAt = valid.NewID(), n.Person.ID, org, 1, store.Now()
		var closedBy any
		if c.ClosedAt = nil; c.Outcome != "" {
			c.ClosedAt, closedBy = &c.CreatedAt, store.NullIfEmpty(s.Account.ID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO contacts (id, person_id, organisation_id, contact_on, method, asker_kind,
			asker_name, reason, route, outcome, outcome_note, closed_at, closed_by, version, created_at, created_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
			c.ID, c.PersonID, org, c.On, string(c.Method), string(c.Asker), c.AskerName, c.Reason, c.Route, string(c.Outcome),
			c.OutcomeNote, c.ClosedAt, closedBy, c.Version, c.CreatedAt, store.NullIfEmpty(s.Account.ID))
		if err != nil {
			return fmt.Errorf("contacts: record: %w", err)
		}
		if err := audit.Write(ctx, tx, s.Actor, audit.Record{Action: "contact.create", PersonID: c.PersonID,
			Target: "contact/" + c.ID, Details: map[string]any{"after": c}}); err != nil {
			return err
		}
		n.Allocation.PersonID, n.Allocation.ContactID = c.PersonID, c.ID
		return allocate(ctx, tx, s, &n.Allocation)
	})
	if err != nil {
		return "", err
	}
	return n.Person.ID, nil
}

// choosePerson makes n.Person the record the contact is for: the chosen
// match, checked again against what was typed (so no one can name a
// record the matching would not have shown them), or a new record when
// nothing matched or the worker said it is someone else.
func choosePerson(ctx context.Context, tx *sql.Tx, s account.Subject, n *New) error {
	if n.SamePerson != "" {
		// The person's details for matching are what was typed; the
		// chosen record must be one of the matches for them.
		typed := n.Person
		if err := typed.Normalise(); err != nil {
			return err
		}
		found, err := matches(ctx, tx, s.Account.OrganisationID, typed)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(found, func(m Match) bool { return m.Person.ID == n.SamePerson })
		if i < 0 {
			return valid.Problems{valid.New("same_person", "contact.same_person.not_a_match")}
		}
		n.Person = found[i].Person
		return nil
	}
	if !n.NewPerson {
		found, err := matches(ctx, tx, s.Account.OrganisationID, n.Person)
		if err != nil {
			return err
		}
		if len(found) > 0 {
			return ErrMatchesFound
		}
	}
	return people.CreateTx(ctx, tx, s.Actor, &n.Person)
}

// Close ends an open contact with an outcome and a note. version is the
// contact's version the worker saw: if someone else changed it since,
// nothing is written and the answer is store.ErrConflict.
func Close(ctx context.Context, db *store.DB, op *access.Opened, contactID string, version int, outcome Outcome, note string) error {
	if err := worker(op.Subject()); err != nil {
		return err
	}
	if err := op.MayChange(access.PartIdentity); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	var ps valid.Problems
	if !slices.Contains(Outcomes, outcome) {
		ps.Add("outcome", "contact.outcome.required")
	}
	if utf8.RuneCountInString(note) > MaxNote {
		ps.Add("note", "contact.note.too_long", MaxNote)
	}
	if err := ps.Err(); err != nil {
		return err
	}
	s := op.Subject()
	return access.Change(ctx, db, op, access.PartIdentity, func(tx *sql.Tx) (audit.Record, error) {
		before, err := loadContact(ctx, tx, op.PersonID(), contactID)
		if err != nil {
			return audit.Record{}, err
		}
		if before.Version != version || !before.Open() {
			return audit.Record{}, store.ErrConflict
		}
		now := store.Now()
		err = store.ExecOne(ctx, tx, `UPDATE contacts SET outcome = $1, outcome_note = $2, closed_at = $3, closed_by = $4,
			version = version + 1 WHERE id = $5 AND person_id = $6 AND version = $7 AND closed_at IS NULL`,
			string(outcome), note, now, store.NullIfEmpty(s.Account.ID), contactID, op.PersonID(), version)
		if err != nil {
			return audit.Record{}, err
		}
		after := *before
		after.Outcome, after.OutcomeNote, after.ClosedAt, after.Version = outcome, note, &now, before.Version+1
		return audit.Record{Action: "contact.close", Target: "contact/" + contactID,
			Details: map[string]any{"before": before, "after": after}}, nil
	})
}

const contactColumns = `c.id, c.person_id, c.organisation_id, c.contact_on, c.method, c.asker_kind, c.asker_name, c.reason,
	c.route, c.outcome, c.outcome_note, c.closed_at, c.version, c.created_at, COALESCE(a.display_name, '')`

func scanContact(sc store.Scanner) (*Contact, error) {
	var c Contact
	var closed sql.NullTime
	if err := sc.Scan(&c.ID, &c.PersonID, &c.OrganisationID, &c.On, &c.Method, &c.Asker, &c.AskerName, &c.Reason,
		&c.Route, &c.Outcome, &c.OutcomeNote, &closed, &c.Version, &c.CreatedAt, &c.CreatedBy); err != nil {
		return nil, err
	}
	c.ClosedAt, c.CreatedAt = store.NullTime(closed), c.CreatedAt.UTC()
	return &c, nil
}

func loadContact(ctx context.Context, r store.Reader, personID, id string) (*Contact, error) {
	c, err := scanContact(r.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts c
		LEFT JOIN accounts a ON a.id = c.created_by WHERE c.id = $1 AND c.person_id = $2`, id, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return c, err
}

// Contacts are the opened person's contacts, newest first.
func Contacts(ctx context.Context, r store.Reader, op *access.Opened) ([]Contact, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	rows, err := r.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts c LEFT JOIN accounts a ON a.id = c.created_by
		WHERE c.person_id = $1 ORDER BY c.contact_on DESC, c.created_at DESC`, op.PersonID())
	if err != nil {
		return nil, fmt.Errorf("contacts: list: %w", err)
	}
	return store.CollectRows(rows, scanContact)
}

// Get is one of the opened person's contacts.
func Get(ctx context.Context, r store.Reader, op *access.Opened, id string) (*Contact, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	if !valid.IsID(id) {
		return nil, store.ErrNotFound
	}
	return loadContact(ctx, r, op.PersonID(), id)
}
