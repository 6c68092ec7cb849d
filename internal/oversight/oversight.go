// Package oversight is the data protection officer's view of the audit
// trail: searching it by person, account, organisation, kind of action,
// outcome and date; flagging access that looks unusual; and showing
// whether the trail itself is intact. The officer reads no records: the
// access rule lets them see the people their organisation holds or has
// held, and their grant reads only the name and the access log.
//
// What the officer may search is the rows about people their organisation
// holds, and every row written by their organisation's accounts.
package oversight

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Kind is a kind of action, as an officer asks for it: the trail's own
// action names are for developers.
type Kind string

const (
	KindAny       Kind = ""
	KindReads     Kind = "reads"     // opened a record
	KindChanges   Kind = "changes"   // changed a record, or something else
	KindEmergency Kind = "emergency" // emergency access and its review
	KindSearches  Kind = "searches"  // searches
	KindSignIns   Kind = "signins"   // sign-in attempts
)

// Kinds lists the kinds in the order the form offers them.
var Kinds = []Kind{KindAny, KindReads, KindChanges, KindEmergency, KindSearches, KindSignIns}

// notChanges are the actions that read, look or sign in: everything else
// writes something.
var notChanges = []string{"person.read", "search", "person.search", "signin", "breakglass.start",
	"breakglass.review", "audit.search", "audit.report", "api.token", "request.cross_origin"}

func (k Kind) condition(args *store.Args) string {
	switch k {
	case KindReads:
		return `e.action = 'person.read'`
	case KindChanges:
		quoted := make([]string, len(notChanges))
		for i, a := range notChanges {
			quoted[i] = args.Add(a)
		}
		return `e.action NOT IN (` + strings.Join(quoted, ", ") + `)`
	case KindEmergency:
		return `e.action IN ('breakglass.start', 'breakglass.review')`
	case KindSearches:
		return `e.action IN ('search', 'person.search', 'audit.search')`
	case KindSignIns:
		return `e.action = 'signin'`
	}
	return ""
}

// Filter is what an officer searches the trail for. Zero fields do not
// narrow the search. To is the last day searched, whole.
type Filter struct {
	PersonID       string
	AccountID      string
	OrganisationID string // whose accounts did it
	Kind           Kind
	Outcome        string // audit.OK, audit.Denied, audit.Failed or ""
	From, To       valid.Date
}

// Row is one row of the trail as an officer reads it: who by name and
// organisation (never an email address), and the person by name where
// the officer may see them.
type Row struct {
	audit.Event
	Name, Organisation string
	PersonName         string // "" when the row is about no one, or someone the officer may not see
}

// PageSize is how many rows one page of a search holds.
const PageSize = 50

// ErrNotOfficer is returned to anyone but a data protection officer.
var ErrNotOfficer = access.ErrNotAllowed

func officer(s account.Subject) error {
	if s.Account == nil || s.Account.Role != account.RoleDPO || s.Account.Disabled {
		return ErrNotOfficer
	}
	return nil
}

// scope is the condition that a row is the officer's to read.
func scope(s account.Subject, args *store.Args) string {
	org := args.Add(s.Account.OrganisationID)
	return `((e.person_id IS NOT NULL AND ` + access.Visible(s, "e.person_id", args) + `)
		OR e.account_id IN (SELECT id FROM accounts WHERE organisation_id = ` + org + `))`
}

// Search returns a page of the rows matching f that the officer may read,
// newest first, older than before (a sequence number; 0 for the newest),
// and whether there are older ones. The search itself is audited, against
// the person searched for if there is one, so it shows in their access
// log.
func Search(ctx context.Context, db *store.DB, s account.Subject, f Filter, before int64, limit int) ([]Row, bool, error) {
	if err := officer(s); err != nil {
		return nil, false, err
	}
	if limit <= 0 || limit > 1000 {
		limit = PageSize
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	var args store.Args
	where := []string{scope(s, &args)}
	add := func(cond string) {
		if cond != "" {
			where = append(where, cond)
		}
	}
	if f.PersonID != "" {
		add(`e.person_id = ` + args.Add(f.PersonID))
	}
	if f.AccountID != "" {
		add(`e.account_id = ` + args.Add(f.AccountID))
	}
	if f.OrganisationID != "" {
		add(`e.account_id IN (SELECT id FROM accounts WHERE organisation_id = ` + args.Add(f.OrganisationID) + `)`)
	}
	add(f.Kind.condition(&args))
	if f.Outcome != "" {
		add(`e.outcome = ` + args.Add(f.Outcome))
	}
	if !f.From.IsZero() {
		add(`e.at >= ` + args.Add(startOf(f.From)))
	}
	if !f.To.IsZero() {
		add(`e.at < ` + args.Add(startOf(f.To.AddDays(1))))
	}
	if before > 0 {
		add(`e.seq < ` + args.Add(before))
	}
	q := `SELECT ` + eventColumns + `, a.display_name, o.name
		FROM audit_events e LEFT JOIN accounts a ON a.id = e.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
		WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY e.seq DESC LIMIT %d`, limit+1)
	rows, err := scanRows(ctx, db.Read(), q, args.Values...)
	if err != nil {
		return nil, false, err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if err := namePeople(ctx, db.Read(), s, rows); err != nil {
		return nil, false, err
	}
	err = audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "audit.search", PersonID: f.PersonID,
		Details: f.details(len(rows))})
	return rows, more, err
}

// MaxRange is the longest stretch of dates one search may cover, so an
// export cannot be made to read the whole trail of a large council at
// once by accident.
const MaxRange = 366

func (f Filter) check() error {
	var p valid.Problems
	if f.Outcome != "" && f.Outcome != audit.OK && f.Outcome != audit.Denied && f.Outcome != audit.Failed {
		p.Add("outcome", "oversight.outcome.unknown")
	}
	kindKnown := false
	for _, k := range Kinds {
		kindKnown = kindKnown || k == f.Kind
	}
	if !kindKnown {
		p.Add("kind", "oversight.kind.unknown")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Time().Before(f.From.Time()) {
		p.Add("to", "oversight.to.before_from")
	}
	return p.Err()
}

func (f Filter) details(found int) map[string]any {
	d := map[string]any{"found": found}
	for k, v := range map[string]string{"account": f.AccountID, "organisation": f.OrganisationID, "kind": string(f.Kind),
		"outcome": f.Outcome, "from": f.From.String(), "to": f.To.String()} {
		if v != "" {
			d[k] = v
		}
	}
	return d
}

// eventColumns are audit_events' columns, prefixed for the joins here.
const eventColumns = `e.seq, e.at, e.account_id, e.actor, e.action, e.outcome, e.person_id, e.target, e.details, e.ip, e.request_id, e.key_id, e.prev_hash, e.hash`

func scanRows(ctx context.Context, r store.Reader, q string, args ...any) ([]Row, error) {
	rows, err := r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("oversight: search: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var row Row
		var account, person, name, org sql.NullString
		e := &row.Event
		if err := rows.Scan(&e.Seq, &e.At, &account, &e.Actor, &e.Action, &e.Outcome, &person, &e.Target, &e.Details,
			&e.IP, &e.RequestID, &e.KeyID, &e.PrevHash, &e.Hash, &name, &org); err != nil {
			return nil, err
		}
		e.AccountID, e.PersonID, e.At = account.String, person.String, e.At.UTC()
		row.Name, row.Organisation = name.String, org.String
		if row.Name == "" {
			row.Name = nameOfLabel(e.Actor)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// namePeople puts the names of the people the rows are about, where the
// officer may see them: a row written by one of their organisation's
// accounts about someone the organisation does not hold keeps that
// person's name from them.
func namePeople(ctx context.Context, r store.Reader, s account.Subject, rows []Row) error {
	ids := map[string]bool{}
	for _, row := range rows {
		if row.PersonID != "" {
			ids[row.PersonID] = true
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var args store.Args
	var in []string
	for id := range ids {
		in = append(in, args.Add(id))
	}
	q := `SELECT p.id, p.given_name, p.family_name FROM people p WHERE p.id IN (` + strings.Join(in, ", ") + `) AND ` +
		access.Visible(s, "p.id", &args)
	res, err := r.QueryContext(ctx, q, args.Values...)
	if err != nil {
		return fmt.Errorf("oversight: names: %w", err)
	}
	defer res.Close()
	names := map[string]string{}
	for res.Next() {
		var id, given, family string
		if err := res.Scan(&id, &given, &family); err != nil {
			return err
		}
		names[id] = given + " " + family
	}
	if err := res.Err(); err != nil {
		return err
	}
	for i := range rows {
		rows[i].PersonName = names[rows[i].PersonID]
	}
	return nil
}

// nameOfLabel is the name part of an audit label "Name <email>".
func nameOfLabel(label string) string {
	if i := strings.IndexByte(label, '<'); i >= 0 {
		label = label[:i]
	}
	return strings.TrimSpace(label)
}

// Organisations lists the organisations an officer may narrow a search
// to: their own, and any organisation whose accounts have a link to a
// person their organisation holds (a care home, a district nursing team).
func Organisations(ctx context.Context, r store.Reader, s account.Subject) ([]account.Organisation, error) {
	if err := officer(s); err != nil {
		return nil, err
	}
	var args store.Args
	own := args.Add(s.Account.OrganisationID)
	q := `SELECT o.id, o.name FROM organisations o WHERE o.id = ` + own + ` OR o.id IN (
		SELECT COALESCE(l.organisation_id, t.organisation_id, a.organisation_id) FROM person_links l
		LEFT JOIN teams t ON t.id = l.team_id LEFT JOIN accounts a ON a.id = l.account_id
		WHERE ` + access.Visible(s, "l.person_id", &args) + `) ORDER BY o.name`
	rows, err := r.QueryContext(ctx, q, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("oversight: organisations: %w", err)
	}
	defer rows.Close()
	var out []account.Organisation
	for rows.Next() {
		var o account.Organisation
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Account is one of the officer's organisation's accounts, for the
// search form: by name, never by email.
type Account struct{ ID, Name string }

// Accounts lists the officer's organisation's accounts by name.
func Accounts(ctx context.Context, r store.Reader, s account.Subject) ([]Account, error) {
	if err := officer(s); err != nil {
		return nil, err
	}
	rows, err := r.QueryContext(ctx, `SELECT id, display_name FROM accounts WHERE organisation_id = $1 ORDER BY display_name, id`,
		s.Account.OrganisationID)
	if err != nil {
		return nil, fmt.Errorf("oversight: accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		if err := rows.Scan(&a.ID, &a.Name); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// seqAt is the first sequence number written at or after t (one past the
// last row when none was). Rows are numbered in the order they were
// written, with the time of writing, so the trail is sorted by both and a
// bisection on the primary key finds the place in a few lookups, where a
// condition on the time alone would read every row.
func seqAt(ctx context.Context, r store.Reader, t time.Time) (int64, error) {
	var lo, hi int64
	if err := r.QueryRowContext(ctx, `SELECT COALESCE(MIN(seq), 1), COALESCE(MAX(seq), 0) FROM audit_events`).Scan(&lo, &hi); err != nil {
		return 0, fmt.Errorf("oversight: trail ends: %w", err)
	}
	hi++ // the answer is in [lo, hi]
	for lo < hi {
		mid := lo + (hi-lo)/2
		var at time.Time
		err := r.QueryRowContext(ctx, `SELECT at FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT 1`, mid).Scan(&at)
		if err != nil {
			return 0, fmt.Errorf("oversight: trail at %d: %w", mid, err)
		}
		if at.Before(t) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// startOf is when a day begins in London, where the officer works, as UTC
// (the trail's times are UTC).
func startOf(d valid.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, valid.London).UTC()
}
