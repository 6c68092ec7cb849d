package access

import (
	"context"
	"errors"
	"fmt"

	"whatmatters/internal/account"
	"whatmatters/internal/store"
)

// Visible returns an SQL condition that is true exactly for the people the
// subject may see, with personCol naming the person id column to test.
// This is THE access rule; every list, count, search and read of people
// goes through it, so a person out of reach is simply never found.
//
// An account sees a person only through a recorded, current relationship:
//   - practitioners: people allocated to them or to their team;
//   - managers: people allocated to their team or anyone in it (a manager
//     with no team: anyone in their organisation's teams);
//   - care home staff: people living in their care home;
//   - NHS clinicians: people their NHS team is involved with, or who are
//     allocated to them;
//   - a person: themselves;
//   - anyone who may break glass: a person they opened in an emergency,
//     until that access expires;
//   - the data protection officer: anyone their organisation holds or has
//     held (a link, current or ended, to the organisation, one of its teams
//     or one of its accounts) — to answer for who looked at them; their
//     grant (grant.go) reads the name and the access log, nothing else.
//
// Admins, planners and circle members see no one through this rule.
// Everything not listed is denied.
func Visible(s account.Subject, personCol string, args *store.Args) string {
	return visible(s, personCol, args, true)
}

// visible is the rule, with or without the emergency access part: a record
// seen only through emergency access is read-only (grantFor).
func visible(s account.Subject, personCol string, args *store.Args, breakGlass bool) string {
	a := s.Account
	if a == nil || a.Disabled {
		return "1 = 0"
	}
	// The account id is added to args only when a condition uses it:
	// PostgreSQL refuses a query given more arguments than it names.
	var acctPlaceholder string
	acct := func() string {
		if acctPlaceholder == "" {
			acctPlaceholder = args.Add(a.ID)
		}
		return acctPlaceholder
	}
	var link string
	switch a.Role {
	case account.RolePractitioner:
		link = fmt.Sprintf(`(l.kind = 'allocated_worker' AND l.account_id = %s) OR (l.kind = 'allocated_team' AND l.team_id = %s)`,
			acct(), args.Add(a.TeamID))
	case account.RoleManager:
		if a.TeamID != "" {
			team := args.Add(a.TeamID)
			link = fmt.Sprintf(`(l.kind = 'allocated_team' AND l.team_id = %s) OR
				(l.kind = 'allocated_worker' AND l.account_id IN (SELECT id FROM accounts WHERE team_id = %s))`, team, team)
		} else {
			org := args.Add(a.OrganisationID)
			link = fmt.Sprintf(`(l.kind = 'allocated_team' AND l.team_id IN (SELECT id FROM teams WHERE organisation_id = %s)) OR
				(l.kind = 'allocated_worker' AND l.account_id IN (SELECT id FROM accounts WHERE organisation_id = %s))`, org, org)
		}
	case account.RoleCareHomeStaff:
		link = fmt.Sprintf(`l.kind = 'care_home' AND l.organisation_id = %s`, args.Add(a.OrganisationID))
	case account.RoleNHSClinician:
		link = fmt.Sprintf(`(l.kind = 'nhs_team' AND l.team_id = %s) OR (l.kind = 'allocated_worker' AND l.account_id = %s)`,
			args.Add(a.TeamID), acct())
	}
	var parts []string
	if link != "" {
		parts = append(parts, fmt.Sprintf(`EXISTS (SELECT 1 FROM person_links l WHERE l.person_id = %s AND l.ended_at IS NULL AND (%s))`, personCol, link))
	}
	if a.Role == account.RoleDPO {
		// Ended links count: a subject access request reaches back past
		// the end of someone's support.
		parts = append(parts, HeldBy(personCol, args, a.OrganisationID))
	}
	if a.Role == account.RolePerson && a.PersonID != "" {
		parts = append(parts, fmt.Sprintf(`%s = %s`, personCol, args.Add(a.PersonID)))
	}
	if breakGlass && a.Role.MayBreakGlass() {
		parts = append(parts, fmt.Sprintf(`EXISTS (SELECT 1 FROM break_glass b WHERE b.person_id = %s AND b.account_id = %s AND b.expires_at > %s)`,
			personCol, acct(), args.Add(store.Now())))
	}
	if len(parts) == 0 {
		return "1 = 0"
	}
	cond := parts[0]
	for _, p := range parts[1:] {
		cond += " OR " + p
	}
	return "(" + cond + ")"
}

// CanSee reports whether the subject may see the person. It does not audit;
// routes open a record with Open.
func CanSee(ctx context.Context, r store.Reader, s account.Subject, personID string) (bool, error) {
	return matches(ctx, r, s, personID, true)
}

func matches(ctx context.Context, r store.Reader, s account.Subject, personID string, breakGlass bool) (bool, error) {
	var args store.Args
	id := args.Add(personID)
	q := `SELECT COUNT(*) FROM people p WHERE p.id = ` + id + ` AND ` + visible(s, "p.id", &args, breakGlass)
	var n int
	if err := r.QueryRowContext(ctx, q, args.Values...).Scan(&n); err != nil {
		return false, fmt.Errorf("access: check: %w", err)
	}
	return n == 1, nil
}

// ErrNotAllowed is returned when a role may not do something at all
// (as opposed to a person being out of reach, which is ErrNotFound).
var ErrNotAllowed = errors.New("not allowed for this role")

// HeldBy is the condition that the person in personCol is linked to the
// organisation by any link, current or ended, to it, its teams or its
// accounts: whom an organisation holds or held. The DPO's reach, and where
// a contact or an import looks for someone already known.
func HeldBy(personCol string, args *store.Args, orgID string) string {
	org := args.Add(orgID)
	return `EXISTS (SELECT 1 FROM person_links hl WHERE hl.person_id = ` + personCol + ` AND (hl.organisation_id = ` + org + `
		OR hl.team_id IN (SELECT id FROM teams WHERE organisation_id = ` + org + `)
		OR hl.account_id IN (SELECT id FROM accounts WHERE organisation_id = ` + org + `)))`
}
