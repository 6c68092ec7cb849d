package contacts

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

// Match is a record that may be the person a contact is about.
type Match struct {
	Person       people.Person
	ByNHSNumber  bool   // the NHS number is the same; otherwise date of birth and name are alike
	Team         string // the team (or else the worker) they are allocated to now, if any
	OpenContacts int    // contacts not yet closed
}

// maxCandidates bounds how many records one date of birth can bring back
// to compare names against: more than this many people born on one day in
// one council means the date is a placeholder, and the list would not help.
const maxCandidates = 500

// Matches returns the records the worker's organisation holds that may be
// the person typed: the same NHS number, or the same date of birth and a
// name alike (the same family name, or one given name the start of the
// other). Matching can reveal that someone is known to the council, so it
// looks only at the people linked to the worker's own organisation (by
// any link, current or ended: the council held them), and each record it
// shows is audited against that person, so it appears in their access
// log; a search that found no one is audited too.
func Matches(ctx context.Context, db *store.DB, s account.Subject, p people.Person) ([]Match, error) {
	if err := worker(s); err != nil {
		return nil, err
	}
	found, err := matches(ctx, db.Read(), s.Account.OrganisationID, p)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "contact.match",
			Details: map[string]any{"found": 0}})
	}
	for _, m := range found {
		if err := audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "contact.match", PersonID: m.Person.ID,
			Target: "person/" + m.Person.ID, Details: map[string]any{"found": len(found), "by_nhs_number": m.ByNHSNumber}}); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// matches is Matches without the role check and the audit, for the
// transaction that records a contact, which checks the chosen match again.
func matches(ctx context.Context, r store.Reader, orgID string, p people.Person) ([]Match, error) {
	var args store.Args
	var or []string
	if p.NHSNumber != "" {
		or = append(or, `p.nhs_number = `+args.Add(p.NHSNumber))
	}
	if !p.DateOfBirth.IsZero() {
		or = append(or, `p.date_of_birth = `+args.Add(p.DateOfBirth))
	}
	if len(or) == 0 {
		return nil, nil
	}
	q := `SELECT p.id, p.given_name, p.family_name, p.preferred_name, p.date_of_birth, COALESCE(p.nhs_number, ''),
		COALESCE(t.name,
			(SELECT t2.name FROM person_links l2 JOIN teams t2 ON t2.id = l2.team_id WHERE l2.person_id = p.id
				AND l2.kind = 'allocated_team' AND l2.ended_at IS NULL ORDER BY l2.started_at DESC LIMIT 1),
			(SELECT a2.display_name FROM person_links l2 JOIN accounts a2 ON a2.id = l2.account_id WHERE l2.person_id = p.id
				AND l2.kind = 'allocated_worker' AND l2.ended_at IS NULL ORDER BY l2.started_at DESC LIMIT 1), ''), (SELECT COUNT(*) FROM contacts c WHERE c.person_id = p.id AND c.closed_at IS NULL)
		FROM people p LEFT JOIN allocations al ON al.person_id = p.id AND al.ended_at IS NULL LEFT JOIN teams t ON t.id = al.team_id
		WHERE (` + strings.Join(or, " OR ") + `) AND ` + access.HeldBy("p.id", &args, orgID) +
		fmt.Sprintf(` ORDER BY p.family_name, p.given_name, p.id LIMIT %d`, maxCandidates)
	rows, err := r.QueryContext(ctx, q, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("contacts: match: %w", err)
	}
	defer rows.Close()
	var out []Match
	for rows.Next() {
		var m Match
		c := &m.Person
		if err := rows.Scan(&c.ID, &c.GivenName, &c.FamilyName, &c.PreferredName, &c.DateOfBirth, &c.NHSNumber,
			&m.Team, &m.OpenContacts); err != nil {
			return nil, err
		}
		m.ByNHSNumber = p.NHSNumber != "" && c.NHSNumber == p.NHSNumber
		if m.ByNHSNumber || alike(p, *c) {
			out = append(out, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The surest matches first: the same NHS number.
	sort.SliceStable(out, func(i, j int) bool { return out[i].ByNHSNumber && !out[j].ByNHSNumber })
	return out, nil
}

// alike reports whether a record's name and date of birth are like what
// was typed: the same date of birth, and the same family name or one
// given name (or preferred name) the start of the other ("Sam" and
// "Samuel"), ignoring case and the spaces around them.
func alike(typed, rec people.Person) bool {
	if typed.DateOfBirth.IsZero() || typed.DateOfBirth != rec.DateOfBirth {
		return false
	}
	fold := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	if f := fold(typed.FamilyName); f != "" && f == fold(rec.FamilyName) {
		return true
	}
	given := fold(typed.GivenName)
	if given == "" {
		return false
	}
	for _, g := range []string{fold(rec.GivenName), fold(rec.PreferredName)} {
		if g != "" && (strings.HasPrefix(g, given) || strings.HasPrefix(given, g)) {
			return true
		}
	}
	return false
}

// MatchFromTyped is what the matching is asked with: the typed person,
// tidied (an NHS number typed with spaces is read as its digits). Typing
// that does not check out is left out of the matching, not an error: the
// form reports it.
func MatchFromTyped(p people.Person) people.Person {
	out := people.Person{GivenName: strings.TrimSpace(p.GivenName), FamilyName: strings.TrimSpace(p.FamilyName),
		DateOfBirth: p.DateOfBirth}
	if n, err := people.ParseNHSNumber(p.NHSNumber); err == nil {
		out.NHSNumber = n
	}
	return out
}
