package audit

import (
	"context"
	"fmt"
	"slices"

	"whatmatters/internal/store"
)

// Page asks for a page of a person's events, newest first, by sequence
// number: Before asks for the events older than that row, After for those
// newer; neither, the newest. The trail only grows at the newest end, so
// a page found this way does not shift as rows are added (and reading a
// record's log adds one), where an offset would repeat a row.
type Page struct {
	Before, After int64
	Limit         int // 1 to 1000
}

// ForPersonPage lists a page of the events about one person, newest first;
// with account not nil, only that account's (an empty one: the events of
// no account, the system's). more says there are further events beyond
// the page, in the direction asked (older, or newer for After).
func ForPersonPage(ctx context.Context, r store.Reader, personID string, account *string, p Page) (events []Event, more bool, err error) {
	if p.Limit <= 0 || p.Limit > 1000 {
		p.Limit = 1000
	}
	var args store.Args
	where := `WHERE person_id = ` + args.Add(personID)
	switch {
	case account == nil:
	case *account == "":
		where += ` AND account_id IS NULL`
	default:
		where += ` AND account_id = ` + args.Add(*account)
	}
	order := ` ORDER BY seq DESC`
	switch {
	case p.After > 0:
		where += ` AND seq > ` + args.Add(p.After)
		order = ` ORDER BY seq`
	case p.Before > 0:
		where += ` AND seq < ` + args.Add(p.Before)
	}
	rows, err := r.QueryContext(ctx, `SELECT `+eventColumns+` FROM audit_events `+where+order+
		fmt.Sprintf(` LIMIT %d`, p.Limit+1), args.Values...)
	if err != nil {
		return nil, false, fmt.Errorf("audit: page: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, false, err
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if more = len(events) > p.Limit; more {
		events = events[:p.Limit]
	}
	if p.After > 0 {
		slices.Reverse(events)
	}
	return events, more, nil
}
