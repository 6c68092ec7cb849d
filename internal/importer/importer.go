package importer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/contacts"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Result is what checking or importing a file found and did.
type Result struct {
	Rows     int       // rows read, after the header
	New      int       // rows that are people not imported before
	Skipped  int       // rows whose external id was imported before: nothing is done with them
	Problems []Problem // sorted by row; none if the file may be imported
	Written  bool      // true only when a confirmed import wrote its rows
}

// MaxSourceName is the most of a file's name kept: it names the import in
// the audit trail and in each allocation's default reason.
const MaxSourceName = 100

// errProblems rolls back a confirmed import that found problems inside
// its transaction (something changed since the dry run).
var errProblems = errors.New("importer: problems found")

// mayImport: importing is for the organisation's admins.
func mayImport(s account.Subject) error {
	a := s.Account
	if a == nil || a.Disabled || a.Role != account.RoleAdmin {
		return access.ErrNotAllowed
	}
	return nil
}

// Run checks a file and, if confirm is set and nothing is wrong with it,
// imports it: every new person with their address, relationship,
// allocation and access links, in one transaction with their audit rows.
// A file with any problem writes nothing. source names the file in the
// audit trail and in each allocation's default reason.
func Run(ctx context.Context, db *store.DB, s account.Subject, r io.Reader, m Mapping, source string, confirm bool) (*Result, error) {
	if err := mayImport(s); err != nil {
		return nil, err
	}
	source = valid.Clip(source, MaxSourceName)
	rows, cols, ps, err := parse(r, m)
	if err != nil {
		return nil, err
	}
	res := &Result{Rows: len(rows)}
	if len(rows) == 0 {
		res.Problems = sorted(ps)
		return res, nil
	}
	org := s.Account.OrganisationID
	if !confirm || len(ps) > 0 {
		pl, err := check(ctx, db.Read(), org, rows, cols)
		if err != nil {
			return nil, err
		}
		res.fill(pl, ps)
		return res, nil
	}
	for attempt := 0; ; attempt++ {
		err = db.Tx(ctx, func(tx *sql.Tx) error {
			pl, err := check(ctx, tx, org, rows, cols)
			if err != nil {
				return err
			}
			if res.fill(pl, ps); len(res.Problems) > 0 {
				return errProblems
			}
			return write(ctx, tx, s, rows, pl, m, source)
		})
		// Another confirm of the same people committed while this one was
		// writing (two tabs, a double click; on PostgreSQL the two checks
		// can run side by side): check again, and find them imported.
		if attempt > 0 || !raced(err) {
			break
		}
	}
	if errors.Is(err, errProblems) {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Written = true
	return res, nil
}

// raced reports whether a write failed on a uniqueness another
// transaction claimed after this one's check: an NHS number (which the
// check would have reported had it been there) or an imported id.
func raced(err error) bool {
	var ps valid.Problems
	return store.IsUniqueViolation(err) || errors.As(err, &ps)
}

func (res *Result) fill(pl *plan, ps []Problem) {
	res.New, res.Skipped = len(pl.create), pl.skipped
	res.Problems = sorted(append(ps, pl.problems...))
}

func sorted(ps []Problem) []Problem {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Row < ps[j].Row })
	return ps
}

// auditBatch is how many people's audit rows are written at once: the
// chain's head is advanced once a batch (audit.WriteMany), not once a row.
const auditBatch = 1000

// write creates each new person and what belongs to them, with the audit
// rows adding each of them one by one would write: person.create,
// address.add, relationship.add, person.link.add for each access link and
// allocation.start.
func write(ctx context.Context, tx *sql.Tx, s account.Subject, rows []Row, pl *plan, m Mapping, source string) error {
	now := store.Now()
	var recs []audit.Record
	for n, i := range pl.create {
		row := rows[i]
		p := row.Person
		rec, err := people.InsertTx(ctx, tx, &p)
		if err != nil {
			return fmt.Errorf("importer: row %d: %w", row.Number, err)
		}
		recs = append(recs, rec)
		if _, err := tx.ExecContext(ctx, `INSERT INTO imported_people (organisation_id, external_id, person_id, imported_at, imported_by)
			VALUES ($1,$2,$3,$4,$5)`, s.Account.OrganisationID, row.ExternalID, p.ID, now, store.NullIfEmpty(s.Account.ID)); err != nil {
			return fmt.Errorf("importer: row %d: %w", row.Number, err)
		}
		if a := row.Address; a != nil {
			a.PersonID = p.ID
			rec, err := people.InsertAddress(ctx, tx, a)
			if err != nil {
				return err
			}
			recs = append(recs, rec)
		}
		if rel := row.Relationship; rel != nil {
			rel.PersonID = p.ID
			rec, err := people.InsertRelationship(ctx, tx, rel)
			if err != nil {
				return err
			}
			recs = append(recs, rec)
		}
		reason := row.Reason
		if reason == "" {
			reason = "Imported from " + source
		}
		links, err := contacts.StartTx(ctx, tx, s, &contacts.Allocation{PersonID: p.ID, TeamID: pl.teamOf[i],
			AccountID: pl.workerOf[i], Priority: row.Priority, Reason: reason})
		if err != nil {
			return fmt.Errorf("importer: row %d: %w", row.Number, err)
		}
		recs = append(recs, links...)
		if (n+1)%auditBatch == 0 {
			if err := audit.WriteMany(ctx, tx, s.Actor, recs); err != nil {
				return err
			}
			recs = recs[:0]
		}
	}
	recs = append(recs, audit.Record{Action: "import.run", Target: "import/" + source,
		Details: map[string]any{"mapping": m.Name, "rows": len(rows), "created": len(pl.create), "skipped": pl.skipped}})
	return audit.WriteMany(ctx, tx, s.Actor, recs)
}
