package people

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
)

// "Who has looked at this record": the audit trail's rows about a person,
// summed up by who, with each visitor's rows behind the summary.

// Visitor is one account's dealings with a person's record, summed up.
type Visitor struct {
	AccountID    string // "" for whatmatters itself: work the program did, not a person
	Name         string // from the account; for no account, the label's name part
	Organisation string
	Looks        int // times they opened the record
	Changes      int // changes they made
	Refused      int // attempts refused
	Emergency    int // times they started emergency access to it
	Events       int // all their rows in the log
	First, Last  time.Time
}

// VisitorsPageSize is how many visitors a page of the summary shows.
const VisitorsPageSize = 20

// visitorsSQL sums up the person's rows by account in the database, on
// both engines: one row per visitor, however many times they came. Their
// first and last times are read back through the rows' sequence numbers,
// which only grow: an aggregate over a TIMESTAMP column comes back from
// SQLite as text, a row's own column as a time. The grouping reads each
// of the person's rows once, through audit_events_person; what comes back
// is one page, and the number of visitors (the window count, taken before
// the LIMIT).
const visitorsSQL = `SELECT v.account_id, l.actor, v.looks, v.changes, v.refused, v.emergency, v.events,
	f.at, l.at, a.display_name, o.name, COUNT(*) OVER ()
	FROM (SELECT account_id,
			SUM(CASE WHEN action = 'person.read' AND outcome = 'ok' THEN 1 ELSE 0 END) AS looks,
			SUM(CASE WHEN action NOT IN ('person.read', 'breakglass.start', 'breakglass.review') AND outcome = 'ok' THEN 1 ELSE 0 END) AS changes,
			SUM(CASE WHEN outcome = 'denied' THEN 1 ELSE 0 END) AS refused,
			SUM(CASE WHEN action = 'breakglass.start' AND outcome = 'ok' THEN 1 ELSE 0 END) AS emergency,
			COUNT(*) AS events, MIN(seq) AS first_seq, MAX(seq) AS last_seq
		FROM audit_events WHERE %s GROUP BY account_id) v
	JOIN audit_events f ON f.seq = v.first_seq
	JOIN audit_events l ON l.seq = v.last_seq
	LEFT JOIN accounts a ON a.id = v.account_id
	LEFT JOIN organisations o ON o.id = a.organisation_id
	ORDER BY v.last_seq DESC LIMIT %d OFFSET %d`

// AccessSummary returns one page (from 1) of the people who have opened,
// changed or tried to open the opened person's record, the most recent
// first, and how many there are in all. A page past the end is the last.
//
// The summary pages by offset: it is built from every row of the
// person's log each time anyway, the visitors are tens or hundreds, not
// thousands, and an offset lets the page say "Page 2 of 3".
func AccessSummary(ctx context.Context, r store.Reader, op *access.Opened, page int) (visitors []Visitor, total int, err error) {
	if err := op.Reads(access.PartAccessLog); err != nil {
		return nil, 0, err
	}
	if page < 1 {
		page = 1
	}
	visitors, total, err = visitorsWhere(ctx, r, `person_id = $1`, VisitorsPageSize, (page-1)*VisitorsPageSize, op.PersonID())
	if err == nil && len(visitors) == 0 && page > 1 {
		// Past the end: how many there are, then the last page.
		if _, total, err = visitorsWhere(ctx, r, `person_id = $1`, 1, 0, op.PersonID()); err == nil && total > 0 {
			return AccessSummary(ctx, r, op, (total+VisitorsPageSize-1)/VisitorsPageSize)
		}
	}
	return visitors, total, err
}

func visitorsWhere(ctx context.Context, r store.Reader, where string, limit, offset int, args ...any) ([]Visitor, int, error) {
	rows, err := r.QueryContext(ctx, fmt.Sprintf(visitorsSQL, where, limit, offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("people: access log: %w", err)
	}
	defer rows.Close()
	var out []Visitor
	var total int
	for rows.Next() {
		var v Visitor
		var account, name, org sql.NullString
		var label string
		if err := rows.Scan(&account, &label, &v.Looks, &v.Changes, &v.Refused, &v.Emergency, &v.Events,
			&v.First, &v.Last, &name, &org, &total); err != nil {
			return nil, 0, err
		}
		v.AccountID, v.First, v.Last = account.String, v.First.UTC(), v.Last.UTC()
		a := authorOf(name, org, label)
		v.Name, v.Organisation = a.Name, a.Organisation
		out = append(out, v)
	}
	return out, total, rows.Err()
}

// AccessLogPageSize is how many of one visitor's rows a page shows.
const AccessLogPageSize = 50

// VisitorTimes is a page of one visitor's rows in a person's log, newest
// first, with the sequence numbers to ask for the pages either side (as
// audit.Page.After and .Before; 0 when there is none).
type VisitorTimes struct {
	Visitor      Visitor
	Events       []audit.Event
	Newer, Older int64
}

// AccessTimes returns a page of one visitor's rows in the opened person's
// log (accountID "" for the system's), with their summary. Someone who
// has never come is not found.
func AccessTimes(ctx context.Context, r store.Reader, op *access.Opened, accountID string, p audit.Page) (*VisitorTimes, error) {
	if err := op.Reads(access.PartAccessLog); err != nil {
		return nil, err
	}
	where, args := `person_id = $1 AND account_id IS NULL`, []any{op.PersonID()}
	if accountID != "" {
		where, args = `person_id = $1 AND account_id = $2`, append(args, accountID)
	}
	vs, _, err := visitorsWhere(ctx, r, where, 1, 0, args...)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, store.ErrNotFound
	}
	p.Limit = AccessLogPageSize
	events, more, err := audit.ForPersonPage(ctx, r, op.PersonID(), &accountID, p)
	if err != nil {
		return nil, err
	}
	t := &VisitorTimes{Visitor: vs[0], Events: events}
	if len(events) > 0 {
		// The trail is never shortened: the way back to where the reader
		// came from always has rows.
		first, last := events[0].Seq, events[len(events)-1].Seq
		switch {
		case p.After > 0:
			t.Older = last
			if more {
				t.Newer = first
			}
		case p.Before > 0:
			t.Newer = first
			if more {
				t.Older = last
			}
		default:
			if more {
				t.Older = last
			}
		}
	}
	return t, nil
}

// MaxAccessLogPage is the most rows one page of the API's access log
// holds.
const MaxAccessLogPage = 500

// AccessLog returns a page of the audit rows about the opened person,
// newest first, older than before (a sequence number; 0 for the newest):
// who has read or changed their record, and refused attempts. more says
// there are older rows.
func AccessLog(ctx context.Context, r store.Reader, op *access.Opened, before int64, limit int) (events []audit.Event, more bool, err error) {
	if err := op.Reads(access.PartAccessLog); err != nil {
		return nil, false, err
	}
	if limit <= 0 || limit > MaxAccessLogPage {
		limit = MaxAccessLogPage
	}
	return audit.ForPersonPage(ctx, r, op.PersonID(), nil, audit.Page{Before: before, Limit: limit})
}

// ReportRow is one row of a person's access report: an audit row with who
// wrote it by name and organisation (never an email address) and, for
// emergency access, the reason they gave.
type ReportRow struct {
	audit.Event
	Author
	Reason string
}

// AccessReport calls each with every row about the opened person, newest
// first, a page of the trail at a time, for a subject access request: the
// whole log, not a page of it.
func AccessReport(ctx context.Context, r store.Reader, op *access.Opened, each func(ReportRow) error) error {
	if err := op.Reads(access.PartAccessLog); err != nil {
		return err
	}
	authors := map[string]Author{}
	var before int64
	for {
		events, more, err := audit.ForPersonPage(ctx, r, op.PersonID(), nil, audit.Page{Before: before, Limit: MaxAccessLogPage})
		if err != nil {
			return err
		}
		for _, e := range events {
			row := ReportRow{Event: e, Author: Author{Name: NameOfLabel(e.Actor)}}
			if e.AccountID != "" {
				a, ok := authors[e.AccountID]
				if !ok {
					if a, err = accountAuthor(ctx, r, e.AccountID, e.Actor); err != nil {
						return err
					}
					authors[e.AccountID] = a
				}
				row.Author = a
			}
			if e.Action == "breakglass.start" {
				var d struct{ Reason string }
				_ = json.Unmarshal([]byte(e.Details), &d) // an unreadable detail leaves the reason blank
				row.Reason = d.Reason
			}
			if err := each(row); err != nil {
				return err
			}
		}
		if !more || len(events) == 0 {
			return nil
		}
		before = events[len(events)-1].Seq
	}
}

func accountAuthor(ctx context.Context, r store.Reader, accountID, label string) (Author, error) {
	var name, org sql.NullString
	err := r.QueryRowContext(ctx, `SELECT a.display_name, o.name FROM accounts a JOIN organisations o ON o.id = a.organisation_id
		WHERE a.id = $1`, accountID).Scan(&name, &org)
	if err != nil && err != sql.ErrNoRows {
		return Author{}, fmt.Errorf("people: access report: %w", err)
	}
	return authorOf(name, org, label), nil
}
