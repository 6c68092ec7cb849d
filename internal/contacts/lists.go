package contacts

import (
	"context"
	"errors"
	"fmt"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Waiting is someone allocated to a team with a contact still open: until
// conversations are recorded, an open contact is what waiting means.
type Waiting struct {
	PersonID, Name string
	Priority       Priority
	Worker         string     // the named worker, if any
	Since          valid.Date // the oldest open contact
	Days           int        // how long they have waited, in days
	Open           int        // open contacts
}

// WaitingList is a team's waiting list: everyone, oldest first. Hidden
// counts the people waiting whom the reader may not see by name (a
// practitioner of another team): they are counted, never left out.
type WaitingList struct {
	Team   account.Team
	People []Waiting
	Hidden int
}

// TeamWaiting is the team's waiting list on the day today. The team must
// be one of the reader's organisation's: another council's team is not
// found.
func TeamWaiting(ctx context.Context, r store.Reader, s account.Subject, teamID string, today valid.Date) (*WaitingList, error) {
	if err := worker(s); err != nil {
		return nil, err
	}
	if !valid.IsID(teamID) {
		return nil, store.ErrNotFound
	}
	t, err := account.TeamByID(ctx, r, teamID)
	if err != nil {
		return nil, err
	}
	if t.OrganisationID != s.Account.OrganisationID {
		return nil, store.ErrNotFound
	}
	list := &WaitingList{Team: *t}
	var args store.Args
	team, org := args.Add(teamID), args.Add(t.OrganisationID)
	from := ` FROM allocations al JOIN people p ON p.id = al.person_id
		JOIN contacts c ON c.person_id = al.person_id AND c.closed_at IS NULL AND c.organisation_id = ` + org + `
		LEFT JOIN accounts w ON w.id = al.account_id
		WHERE al.team_id = ` + team + ` AND al.ended_at IS NULL`
	var total int
	if err := r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT al.person_id)`+from, args.Values...).Scan(&total); err != nil {
		return nil, fmt.Errorf("contacts: waiting count: %w", err)
	}
	q := `SELECT p.id, p.given_name, p.family_name, p.preferred_name, al.priority, COALESCE(w.display_name, ''),
		MIN(c.contact_on), COUNT(c.id)` + from + ` AND ` + access.Visible(s, "p.id", &args) + `
		GROUP BY p.id, p.given_name, p.family_name, p.preferred_name, al.priority, w.display_name
		ORDER BY MIN(c.contact_on), p.family_name, p.given_name, p.id`
	rows, err := r.QueryContext(ctx, q, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("contacts: waiting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var wt Waiting
		var given, family, preferred string
		if err := rows.Scan(&wt.PersonID, &given, &family, &preferred, &wt.Priority, &wt.Worker, &wt.Since, &wt.Open); err != nil {
			return nil, err
		}
		wt.Name = displayName(given, family, preferred)
		wt.Days = daysBetween(wt.Since, today)
		list.People = append(list.People, wt)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	list.Hidden = total - len(list.People)
	return list, nil
}

// daysBetween is whole days from a to b (0 if b is not after a).
func daysBetween(a, b valid.Date) int {
	d := int(b.Time().Sub(a.Time()).Hours()/24 + 0.5)
	return max(d, 0)
}

func displayName(given, family, preferred string) string {
	if preferred != "" {
		given = preferred
	}
	return given + " " + family
}

// Mine is one of the people allocated to a worker by name.
type Mine struct {
	PersonID, Name string
	Team           string
	Priority       Priority
	LastContact    valid.Date // the newest contact, any outcome
	Open           int        // contacts not yet closed: they are waiting
}

// MyPeople are the people allocated to the subject by name now, those
// waiting longest first, then by name.
func MyPeople(ctx context.Context, r store.Reader, s account.Subject) ([]Mine, error) {
	if err := worker(s); err != nil {
		return nil, err
	}
	var args store.Args
	me := args.Add(s.Account.ID)
	q := `SELECT p.id, p.given_name, p.family_name, p.preferred_name, t.name, al.priority,
		(SELECT MAX(c.contact_on) FROM contacts c WHERE c.person_id = p.id),
		(SELECT COUNT(*) FROM contacts c WHERE c.person_id = p.id AND c.closed_at IS NULL)
		FROM allocations al JOIN people p ON p.id = al.person_id JOIN teams t ON t.id = al.team_id
		WHERE al.account_id = ` + me + ` AND al.ended_at IS NULL AND ` + access.Visible(s, "p.id", &args) + `
		ORDER BY p.family_name, p.given_name, p.id`
	rows, err := r.QueryContext(ctx, q, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("contacts: my people: %w", err)
	}
	defer rows.Close()
	var out []Mine
	for rows.Next() {
		var m Mine
		var given, family, preferred string
		if err := rows.Scan(&m.PersonID, &given, &family, &preferred, &m.Team, &m.Priority, &m.LastContact, &m.Open); err != nil {
			return nil, err
		}
		m.Name = displayName(given, family, preferred)
		out = append(out, m)
	}
	return out, rows.Err()
}

// TeamWaitingCount is how many people wait for the subject's own team:
// the number on the home page that links to the team's list. ok is false
// for an account with no team.
func TeamWaitingCount(ctx context.Context, r store.Reader, s account.Subject) (n int, ok bool, err error) {
	if worker(s) != nil || s.Account.TeamID == "" {
		return 0, false, nil
	}
	err = r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT al.person_id) FROM allocations al
		JOIN contacts c ON c.person_id = al.person_id AND c.closed_at IS NULL AND c.organisation_id = $1
		WHERE al.team_id = $2 AND al.ended_at IS NULL`, s.Account.OrganisationID, s.Account.TeamID).Scan(&n)
	if err != nil {
		return 0, false, fmt.Errorf("contacts: waiting count: %w", err)
	}
	return n, true, nil
}

// Worker is someone a person can be allocated to by name.
type Worker struct{ ID, Name, TeamID string }

// Choices are the teams and workers of the subject's organisation that a
// contact may be allocated to, by name.
func Choices(ctx context.Context, r store.Reader, s account.Subject) ([]account.Team, []Worker, error) {
	if err := worker(s); err != nil {
		return nil, nil, err
	}
	org := s.Account.OrganisationID
	rows, err := r.QueryContext(ctx, `SELECT id, organisation_id, name FROM teams WHERE organisation_id = $1 ORDER BY name, id`, org)
	if err != nil {
		return nil, nil, fmt.Errorf("contacts: teams: %w", err)
	}
	var teams []account.Team
	for rows.Next() {
		var t account.Team
		if err := rows.Scan(&t.ID, &t.OrganisationID, &t.Name); err != nil {
			rows.Close()
			return nil, nil, err
		}
		teams = append(teams, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = r.QueryContext(ctx, `SELECT id, display_name, COALESCE(team_id, '') FROM accounts WHERE organisation_id = $1
		AND role IN ('practitioner', 'manager') AND NOT disabled ORDER BY display_name, id`, org)
	if err != nil {
		return nil, nil, fmt.Errorf("contacts: workers: %w", err)
	}
	defer rows.Close()
	var workers []Worker
	for rows.Next() {
		var w Worker
		if err := rows.Scan(&w.ID, &w.Name, &w.TeamID); err != nil {
			return nil, nil, err
		}
		workers = append(workers, w)
	}
	return teams, workers, rows.Err()
}

// Current is the opened person's current allocation, or nil.
func Current(ctx context.Context, r store.Reader, op *access.Opened) (*Allocation, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	a, err := current(ctx, r, op.PersonID())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return a, err
}
