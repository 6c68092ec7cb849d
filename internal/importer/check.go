package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// batch bounds the values in one IN (...) list: both engines take far
// more, but a long statement is slow to plan.
const batch = 500

// plan is what checking a file against the database found: for each row
// to create, its team and worker; the rows already imported; and every
// problem.
type plan struct {
	create   []int // indexes into rows
	skipped  int
	teamOf   map[int]string // row index → team id
	workerOf map[int]string // row index → account id
	problems []Problem
}

// check finds what needs the database: rows already imported (skipped),
// the team and worker each names, and people already recorded (by NHS
// number anywhere, whose uniqueness the database keeps, or by name and
// date of birth among those the organisation holds). It also finds the
// same person twice in the file. It reads through r, so run inside the
// confirming transaction it sees what that transaction would write over.
func check(ctx context.Context, r store.Reader, orgID string, rows []Row, cols colIndex) (*plan, error) {
	pl := &plan{teamOf: map[int]string{}, workerOf: map[int]string{}}
	done, err := importedIDs(ctx, r, orgID)
	if err != nil {
		return nil, err
	}
	teams, err := teamIndex(ctx, r, orgID)
	if err != nil {
		return nil, err
	}
	workers := map[string]string{} // email → account id, "" for no such worker
	firstID, firstNHS := map[string]int{}, map[string]int{}
	add := func(row Row, f Field, code string, args ...any) {
		pl.problems = append(pl.problems, Problem{Row: row.Number, Column: cols.name[f], Code: code, Args: args})
	}
	for i, row := range rows {
		if row.ExternalID != "" {
			if first, ok := firstID[row.ExternalID]; ok {
				add(row, FExternalID, "import.external_id.repeated", first)
				continue
			}
			firstID[row.ExternalID] = row.Number
		}
		if done[row.ExternalID] {
			pl.skipped++
			continue
		}
		if nhs := row.Person.NHSNumber; nhs != "" {
			if first, ok := firstNHS[nhs]; ok {
				add(row, FNHSNumber, "import.nhs_number.repeated", first)
			} else {
				firstNHS[nhs] = row.Number
			}
		}
		if row.Team != "" {
			if id, ok := teams[strings.ToLower(row.Team)]; ok {
				pl.teamOf[i] = id
			} else {
				add(row, FTeam, "import.team.unknown", row.Team)
			}
		}
		if e := row.WorkerEmail; e != "" {
			id, seen := workers[e]
			if !seen {
				if id, err = workerID(ctx, r, orgID, e); err != nil {
					return nil, err
				}
				workers[e] = id
			}
			if id == "" {
				add(row, FWorker, "import.worker.unknown", e)
			} else {
				pl.workerOf[i] = id
			}
		}
		pl.create = append(pl.create, i)
	}
	if err := pl.findRecorded(ctx, r, orgID, rows, add); err != nil {
		return nil, err
	}
	return pl, nil
}

// findRecorded reports the rows to create that are someone already
// recorded: the same NHS number, or held by the organisation with the same
// date of birth and family name and a given name one the start of the
// other ("Sam" and "Samuel"). That is stricter than contacts' matching
// (which also offers the same date of birth with only the family name, or
// only the given name, alike): a worker looks through those matches one
// contact at a time, while here each match stops a whole file.
func (pl *plan) findRecorded(ctx context.Context, r store.Reader, orgID string, rows []Row, add func(Row, Field, string, ...any)) error {
	var nhs []string
	for _, i := range pl.create {
		if n := rows[i].Person.NHSNumber; n != "" {
			nhs = append(nhs, n)
		}
	}
	taken, err := existingNHS(ctx, r, nhs)
	if err != nil {
		return err
	}
	held, err := heldPeople(ctx, r, orgID)
	if err != nil {
		return err
	}
	for _, i := range pl.create {
		p := rows[i].Person
		if p.NHSNumber != "" && taken[p.NHSNumber] {
			add(rows[i], FNHSNumber, "import.nhs_number.exists")
			continue
		}
		if p.DateOfBirth.IsZero() {
			continue
		}
		for _, h := range held[nameKey{p.DateOfBirth.String(), fold(p.FamilyName)}] {
			if alike(fold(p.GivenName), h) {
				add(rows[i], FFamilyName, "import.person.exists")
				break
			}
		}
	}
	return nil
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func alike(a, b string) bool {
	return a != "" && b != "" && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a))
}

type nameKey struct{ dob, family string }

// heldPeople are the given names of the people the organisation holds (a
// link, current or ended, to it, its teams or its accounts), by date of
// birth and family name.
func heldPeople(ctx context.Context, r store.Reader, orgID string) (map[nameKey][]string, error) {
	var args store.Args
	rows, err := r.QueryContext(ctx, `SELECT p.date_of_birth, p.family_name, p.given_name FROM people p
		WHERE p.date_of_birth IS NOT NULL AND `+access.HeldBy("p.id", &args, orgID), args.Values...)
	if err != nil {
		return nil, fmt.Errorf("importer: held people: %w", err)
	}
	defer rows.Close()
	out := map[nameKey][]string{}
	for rows.Next() {
		var dob valid.Date
		var family, given string
		if err := rows.Scan(&dob, &family, &given); err != nil {
			return nil, err
		}
		if dob.IsZero() {
			continue
		}
		k := nameKey{dob.String(), fold(family)}
		out[k] = append(out[k], fold(given))
	}
	return out, rows.Err()
}

// existingNHS are those of the NHS numbers already recorded.
func existingNHS(ctx context.Context, r store.Reader, nhs []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(nhs) > 0 {
		n := min(batch, len(nhs))
		var args store.Args
		ph := make([]string, n)
		for i, v := range nhs[:n] {
			ph[i] = args.Add(v)
		}
		nhs = nhs[n:]
		rows, err := r.QueryContext(ctx, `SELECT nhs_number FROM people WHERE nhs_number IN (`+strings.Join(ph, ",")+`)`, args.Values...)
		if err != nil {
			return nil, fmt.Errorf("importer: NHS numbers: %w", err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			out[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// importedIDs are the external ids the organisation imported before.
func importedIDs(ctx context.Context, r store.Reader, orgID string) (map[string]bool, error) {
	rows, err := r.QueryContext(ctx, `SELECT external_id FROM imported_people WHERE organisation_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("importer: imported: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// teamIndex finds the organisation's teams by name (any case) or id.
func teamIndex(ctx context.Context, r store.Reader, orgID string) (map[string]string, error) {
	ts, err := account.Teams(ctx, r, orgID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, t := range ts {
		out[strings.ToLower(t.Name)], out[strings.ToLower(t.ID)] = t.ID, t.ID
	}
	return out, nil
}

// workerID is the account a named worker must be: a practitioner or
// manager of the organisation whose account is in use; "" if not.
func workerID(ctx context.Context, r store.Reader, orgID, email string) (string, error) {
	a, err := account.AccountByEmail(ctx, r, email)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if a.OrganisationID != orgID || a.Disabled || (a.Role != account.RolePractitioner && a.Role != account.RoleManager) {
		return "", nil
	}
	return a.ID, nil
}
