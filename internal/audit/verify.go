package audit

import (
	"context"
	"database/sql"
	"fmt"

	"whatmatters/internal/store"
)

// Problem describes the first row at which the chain breaks.
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("audit row %d: %s", p.Seq, p.Reason)
}

// Verify walks the whole trail in order and checks that sequence numbers
// have no gaps, that each row links to the previous row's hash, that each
// row's hash matches its contents, and that the head points at the last row.
// It returns the number of rows checked and, if the chain is broken, a
// *Problem naming the first bad row.
func Verify(ctx context.Context, r store.Reader) (int64, error) {
	rows, err := r.QueryContext(ctx, `SELECT `+eventColumns+` FROM audit_events ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("audit: read trail: %w", err)
	}
	defer rows.Close()
	var n int64
	prev := Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return n, err
		}
		if p := check(prev, e); p != nil {
			return n, p
		}
		prev = e
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("audit: read trail: %w", err)
	}
	var headSeq int64
	var headHash string
	if err := r.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return n, fmt.Errorf("audit: read head: %w", err)
	}
	if headSeq != prev.Seq || headHash != prev.Hash {
		return n, &Problem{Seq: prev.Seq + 1, Reason: fmt.Sprintf(
			"the trail ends at row %d but should end at row %d: rows at the end were removed", prev.Seq, headSeq)}
	}
	return n, nil
}

func check(prev, e Event) *Problem {
	switch {
	case e.Seq != prev.Seq+1:
		return &Problem{Seq: prev.Seq + 1, Reason: fmt.Sprintf("row is missing (the next row present is %d)", e.Seq)}
	case e.PrevHash != prev.Hash:
		return &Problem{Seq: e.Seq, Reason: "does not link to the row before it"}
	case e.computeHash() != e.Hash:
		return &Problem{Seq: e.Seq, Reason: "its contents do not match its hash: it was altered"}
	}
	return nil
}

const eventColumns = `seq, at, account_id, actor, action, outcome, person_id, target, details, ip, request_id, prev_hash, hash`

func scanEvent(s store.Scanner) (Event, error) {
	var e Event
	var account, person sql.NullString
	err := s.Scan(&e.Seq, &e.At, &account, &e.Actor, &e.Action, &e.Outcome, &person,
		&e.Target, &e.Details, &e.IP, &e.RequestID, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, fmt.Errorf("audit: scan: %w", err)
	}
	e.At = e.At.UTC()
	e.AccountID, e.PersonID = account.String, person.String
	return e, nil
}

// ForPerson lists the events about one person, newest first: the basis of
// "who has looked at my record".
func ForPerson(ctx context.Context, r store.Reader, personID string, limit int) ([]Event, error) {
	return list(ctx, r, `WHERE person_id = $1`, []any{personID}, limit)
}

// ForAction lists the newest events of the given action.
func ForAction(ctx context.Context, r store.Reader, action string, limit int) ([]Event, error) {
	return list(ctx, r, `WHERE action = $1`, []any{action}, limit)
}

func list(ctx context.Context, r store.Reader, where string, args []any, limit int) ([]Event, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := r.QueryContext(ctx, `SELECT `+eventColumns+` FROM audit_events `+where+
		fmt.Sprintf(` ORDER BY seq DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
