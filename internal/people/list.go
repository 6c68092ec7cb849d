package people

import (
	"context"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
)

// MaxListed is the most people one list or search returns.
const MaxListed = 200

// List returns the people the subject may see, filtered by q when it is
// not empty: q matches any part of a name, or an NHS number typed with or
// without spaces. Nobody outside the access rule is ever counted, matched
// or returned. The search itself is audited (its terms can be personal
// data), but not each person listed: opening a record is what is audited
// as a read.
func List(ctx context.Context, db *store.DB, s account.Subject, q string) ([]Person, error) {
	q = strings.TrimSpace(q)
	out, err := listPeople(ctx, db.Read(), s, q)
	if err != nil {
		return nil, err
	}
	if q != "" {
		err = audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "person.search",
			Details: map[string]any{"q": q, "results": len(out)}})
	}
	return out, err
}

// listPeople is List without the audit, for Search, which audits itself.
// A person's name is identity: only those whose identity the grant lets
// the subject read are listed.
func listPeople(ctx context.Context, r store.Reader, s account.Subject, q string) ([]Person, error) {
	var args store.Args
	where := access.Readable(s, access.PartIdentity, "p.id", &args)
	if q != "" {
		where += " AND " + matchClause(q, &args)
	}
	rows, err := r.QueryContext(ctx, `SELECT `+personColumns+` FROM people p WHERE `+where+
		fmt.Sprintf(` ORDER BY p.family_name, p.given_name, p.id LIMIT %d`, MaxListed), args.Values...)
	if err != nil {
		return nil, fmt.Errorf("people: list: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// matchClause matches every word of q against the names, or the whole of
// q against the NHS number when q is all digits (spaces allowed).
func matchClause(q string, args *store.Args) string {
	if dob, ok := parseTypedDate(q); ok {
		return fmt.Sprintf("p.date_of_birth = %s", args.Add(dob))
	}
	digits := strings.NewReplacer(" ", "", "-", "").Replace(q)
	if digits != "" && strings.Trim(digits, "0123456789") == "" {
		return fmt.Sprintf("p.nhs_number LIKE %s", args.Add(store.LikeEscape(digits)+"%"))
	}
	var parts []string
	for _, w := range strings.Fields(strings.ToLower(q)) {
		pat := args.Add("%" + store.LikeEscape(w) + "%")
		parts = append(parts, fmt.Sprintf(`(LOWER(p.given_name) LIKE %[1]s ESCAPE '\' OR LOWER(p.family_name) LIKE %[1]s ESCAPE '\' OR LOWER(p.preferred_name) LIKE %[1]s ESCAPE '\')`, pat))
	}
	return strings.Join(parts, " AND ")
}

// dateLayouts are the ways people type a date of birth into a search box.
var dateLayouts = []string{"2/1/2006", "02/01/2006", "2-1-2006", "2.1.2006", "2006-01-02", "2 1 2006",
	"2 January 2006", "2 Jan 2006", "January 2 2006"}

// parseTypedDate reads a search as a date of birth, if it is one, and
// returns it as YYYY-MM-DD.
func parseTypedDate(q string) (string, bool) {
	q = strings.Join(strings.Fields(strings.ReplaceAll(q, ",", " ")), " ")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, q); err == nil && t.Year() > 1890 {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// IDByNHSNumber finds a person by exact NHS number regardless of the access
// rule. It exists only for break-glass access, where the worker must name
// the person before being let in, and that request is itself audited.
func IDByNHSNumber(ctx context.Context, r store.Reader, nhs string) (string, error) {
	n, err := ParseNHSNumber(nhs)
	if err != nil {
		return "", err
	}
	var id string
	err = r.QueryRowContext(ctx, `SELECT id FROM people WHERE nhs_number = $1`, n).Scan(&id)
	if err != nil {
		return "", store.ErrNotFound
	}
	return id, nil
}
