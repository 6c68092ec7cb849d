package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Part is one part of a person's record. A grant says which parts an
// account may read and which it may change, so a care home, the person
// themselves, a circle member or a partner organisation can each be given
// exactly their part.
type Part uint16

const (
	PartIdentity      Part = 1 << iota // name, date of birth, NHS number
	PartAboutMe                        // About me and its history
	PartProfile                        // the one-page profile: communication, GP, what helps
	PartOutcomes                       // outcomes and their progress
	PartStrengths                      // strengths
	PartRisks                          // positive risk agreements
	PartStory                          // story entries and their attachments
	PartRelationships                  // the people who matter
	PartAddresses                      // addresses
	PartAccessLog                      // who has looked at the record
	PartConversations                  // conversations: listen and connect, crisis plans

	// PartsAll is the whole record.
	PartsAll = PartIdentity | PartAboutMe | PartProfile | PartOutcomes | PartStrengths | PartRisks |
		PartStory | PartRelationships | PartAddresses | PartAccessLog | PartConversations

	// partLast is the last part, for loops over every part.
	partLast = PartConversations
)

// partNames name the parts in audit rows, docs and tests.
var partNames = map[Part]string{PartIdentity: "identity", PartAboutMe: "about_me", PartProfile: "profile",
	PartOutcomes: "outcomes", PartStrengths: "strengths", PartRisks: "risks", PartStory: "story",
	PartRelationships: "relationships", PartAddresses: "addresses", PartAccessLog: "access_log",
	PartConversations: "conversations"}

// PartNamed is the part with the name, or 0 if none has it.
func PartNamed(name string) Part {
	for p, n := range partNames {
		if n == name {
			return p
		}
	}
	return 0
}

// String lists the parts in p by name.
func (p Part) String() string {
	if p == PartsAll {
		return "whole record"
	}
	s := ""
	for bit := Part(1); bit <= partLast; bit <<= 1 {
		if p&bit != 0 {
			if s != "" {
				s += ", "
			}
			s += partNames[bit]
		}
	}
	if s == "" {
		return "nothing"
	}
	return s
}

// Grant is what an account may do with one person's record.
type Grant struct {
	Read   Part
	Change Part
}

// MayRead and MayChange report whether every part in p is granted.
func (g Grant) MayRead(p Part) bool   { return g.Read&p == p }
func (g Grant) MayChange(p Part) bool { return g.Change&p == p }

// ReadOnly reports whether the grant allows no change at all.
func (g Grant) ReadOnly() bool { return g.Change == 0 }

// String describes the grant for docs and tests.
func (g Grant) String() string {
	return fmt.Sprintf("read %s; change %s", g.Read, g.Change)
}

// Need is what a route needs of the grant: to read or to change a part.
type Need struct {
	Part   Part
	Change bool
}

// Reads and Changes are the needs of a route.
func Reads(p Part) Need   { return Need{Part: p} }
func Changes(p Part) Need { return Need{Part: p, Change: true} }

// Allows reports whether the grant meets the need.
func (g Grant) Allows(n Need) bool {
	if n.Change {
		return g.MayChange(n.Part)
	}
	return g.MayRead(n.Part)
}

// The grants by role, for a person the account sees through a recorded
// relationship. Identity fields belong to the holding council's workers;
// care homes and NHS teams read them but do not change them. A person
// reads their own record and may add to About me only (until the
// person's own portal gives them more).
var roleGrants = map[account.Role]Grant{
	account.RolePractitioner:  {Read: PartsAll, Change: PartsAll &^ PartAccessLog},
	account.RoleManager:       {Read: PartsAll, Change: PartsAll &^ PartAccessLog},
	account.RoleCareHomeStaff: {Read: PartsAll, Change: PartsAll &^ (PartIdentity | PartAccessLog)},
	account.RoleNHSClinician:  {Read: PartsAll, Change: PartsAll &^ (PartIdentity | PartAccessLog)},
	account.RolePerson:        {Read: PartsAll, Change: PartAboutMe},
	// The data protection officer reads who looked at a record, and the
	// name it is about, never what is in it.
	account.RoleDPO: {Read: PartIdentity | PartAccessLog},
}

// EmergencyGrant is the grant of a record seen only through emergency
// access: read everything, change nothing.
var EmergencyGrant = Grant{Read: PartsAll}

// RoleGrant is the grant a role has on a record it sees through a recorded
// relationship (zero for roles that see no one).
func RoleGrant(r account.Role) Grant { return roleGrants[r] }

// GrantOn is the subject's grant on a person's record, worked out without
// opening it (no audit row): for a change to one opened record that also
// writes to another, such as a relationship recorded both ways, which
// needs the right to change the other record too, not only to see it.
func GrantOn(ctx context.Context, r store.Reader, s account.Subject, personID string) (Grant, error) {
	g, _, err := grantFor(ctx, r, s, personID)
	return g, err
}

// grantFor works out the subject's grant on a person: none if the person is
// out of reach, the role's grant through a recorded relationship, the
// emergency grant through emergency access alone.
func grantFor(ctx context.Context, r store.Reader, s account.Subject, personID string) (g Grant, emergency bool, err error) {
	ok, err := matches(ctx, r, s, personID, false)
	if err != nil || ok {
		return RoleGrant(s.Account.Role), false, err
	}
	ok, err = matches(ctx, r, s, personID, true)
	if err != nil || !ok {
		return Grant{}, false, err
	}
	return EmergencyGrant, true, nil
}

// Opened is a person's record opened through the rule: only Open makes
// one, so every reader of a record's parts that takes an Opened can only
// be called on a record the caller may see, and can check the grant.
type Opened struct {
	personID  string
	grant     Grant
	subject   account.Subject
	emergency *BreakGlass
}

// Emergency is the emergency access through which the record was opened,
// or nil if it was opened through a recorded relationship.
func (o *Opened) Emergency() *BreakGlass { return o.emergency }

// PersonID is the opened person's id.
func (o *Opened) PersonID() string { return o.personID }

// Grant is what the subject may do with this record.
func (o *Opened) Grant() Grant { return o.grant }

// Subject is who opened the record.
func (o *Opened) Subject() account.Subject { return o.subject }

// Reads returns ErrNotAllowed unless the grant lets the subject read p.
func (o *Opened) Reads(p Part) error {
	if !o.grant.MayRead(p) {
		return ErrNotAllowed
	}
	return nil
}

// MayChange returns ErrNotAllowed unless the grant lets the subject change
// p. Writers ask it before checking their input, so a role that may not
// change a part hears that, not what is wrong with the form.
func (o *Opened) MayChange(p Part) error {
	if !o.grant.MayChange(p) {
		return ErrNotAllowed
	}
	return nil
}

// Open is the gate in front of every route that names a person: it checks
// the rule, works out the grant and writes the audit row, a read or a
// refusal. A refusal is store.ErrNotFound, exactly as for a person who
// does not exist, so the caller answers 404 either way.
func Open(ctx context.Context, db *store.DB, s account.Subject, personID, what string) (*Opened, error) {
	if s.Account == nil {
		return nil, store.ErrNotFound
	}
	// An id that is not an id (bytes that are not UTF-8, or far too long)
	// names nobody: refused and audited like any other, without asking the
	// database (PostgreSQL rejects invalid UTF-8 outright).
	if !valid.IsID(personID) {
		err := audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "person.read", Outcome: audit.Denied,
			Target: audit.Short(strings.ToValidUTF8(what, "?")), Details: map[string]string{"id": audit.Short(strings.ToValidUTF8(personID, "?"))}})
		if err != nil {
			return nil, err
		}
		return nil, store.ErrNotFound
	}
	g, emergency, err := grantFor(ctx, db.Read(), s, personID)
	if err != nil {
		return nil, err
	}
	rec := audit.Record{Action: "person.read", PersonID: personID, Target: audit.Short(strings.ToValidUTF8(what, "?"))}
	if g.Read == 0 {
		rec.Outcome = audit.Denied
	}
	if err := audit.WriteAlone(ctx, db, s.Actor, rec); err != nil {
		return nil, err
	}
	if g.Read == 0 {
		return nil, store.ErrNotFound
	}
	op := &Opened{personID: personID, grant: g, subject: s}
	if emergency {
		if op.emergency, err = activeBreakGlass(ctx, db.Read(), s, personID); err != nil {
			return nil, err
		}
	}
	return op, nil
}

// Change is the one write path for a person's record. In one transaction
// it checks the rule again (a link may have ended since the record was
// opened) and that the grant lets the subject change part, runs fn, and
// writes the audit row fn returns (its person is the opened one). Nothing
// is written unless all of it succeeds.
func Change(ctx context.Context, db *store.DB, o *Opened, part Part, fn func(tx *sql.Tx) (audit.Record, error)) error {
	if !o.grant.MayChange(part) {
		return ErrNotAllowed
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		g, _, err := grantFor(ctx, tx, o.subject, o.personID)
		if err != nil {
			return err
		}
		if g.Read == 0 {
			return store.ErrNotFound
		}
		if !g.MayChange(part) {
			return ErrNotAllowed
		}
		rec, err := fn(tx)
		if err != nil {
			return err
		}
		rec.PersonID = o.personID
		return audit.Write(ctx, tx, o.subject.Actor, rec)
	})
}

// IsNotAllowed reports whether err is a grant's refusal.
func IsNotAllowed(err error) bool { return errors.Is(err, ErrNotAllowed) }
