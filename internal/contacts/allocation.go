package contacts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Allocation is who holds a person: a team, and optionally a named worker
// in the council, with a priority and a reason. The current allocation
// has no end; ended ones are its history (transfers between teams).
type Allocation struct {
	ID        string     `json:"id"`
	PersonID  string     `json:"person_id"`
	ContactID string     `json:"contact_id,omitempty"` // the contact that led to it, if any
	TeamID    string     `json:"team_id"`
	AccountID string     `json:"account_id,omitempty"`
	Priority  Priority   `json:"priority"`
	Reason    string     `json:"reason"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`

	// Seen is the current allocation the worker saw when they chose this
	// one, as the allocation page sends it: its id, or NoAllocation when
	// the person had none. If someone has allocated the person since,
	// Allocate changes nothing and returns store.ErrConflict, on either
	// engine. Empty skips the check, for a caller that showed no one the
	// current allocation.
	Seen string `json:"-"`

	// For reading: the names of the team, the worker and who allocated.
	TeamName, WorkerName, StartedBy string `json:"-"`
	teamLink, workerLink            string
}

// NoAllocation is Allocation.Seen for a person who had no allocation.
const NoAllocation = "none"

func (a *Allocation) check(ps *valid.Problems) {
	a.Reason = strings.TrimSpace(a.Reason)
	if !valid.IsID(a.TeamID) {
		ps.Add("team", "allocation.team.required")
	}
	if a.AccountID != "" && !valid.IsID(a.AccountID) {
		ps.Add("worker", "allocation.worker.unknown")
	}
	if !slices.Contains(Priorities, a.Priority) {
		ps.Add("priority", "allocation.priority.required")
	}
	switch {
	case a.Reason == "":
		ps.Add("allocation_reason", "allocation.reason.required")
	case utf8.RuneCountInString(a.Reason) > MaxNote:
		ps.Add("allocation_reason", "allocation.reason.too_long", MaxNote)
	}
}

// checkAllocation checks that the team is one of the worker's
// organisation's, and the named worker, if any, a practitioner or manager
// there whose account is in use: a council allocates only to its own.
func checkAllocation(ctx context.Context, r store.Reader, orgID string, a *Allocation) error {
	var n int
	if err := r.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = $1 AND organisation_id = $2`, a.TeamID, orgID).Scan(&n); err != nil {
		return fmt.Errorf("contacts: team: %w", err)
	}
	if n == 0 {
		return valid.Problems{valid.New("team", "allocation.team.unknown")}
	}
	if a.AccountID == "" {
		return nil
	}
	err := r.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = $1 AND organisation_id = $2
		AND role IN ('practitioner', 'manager') AND NOT disabled`, a.AccountID, orgID).Scan(&n)
	if err != nil {
		return fmt.Errorf("contacts: worker: %w", err)
	}
	if n == 0 {
		return valid.Problems{valid.New("worker", "allocation.worker.unknown")}
	}
	return nil
}

// Allocate allocates the opened person, or transfers them: the current
// allocation and its access links end (kept as history) and the new one
// starts with its own links, so the access rule follows at once. An
// allocation the same as the current one changes nothing. With a.Seen
// set, someone else's allocation since the worker's page was drawn is
// store.ErrConflict and nothing changes.
func Allocate(ctx context.Context, db *store.DB, op *access.Opened, a *Allocation) error {
	s := op.Subject()
	if err := worker(s); err != nil {
		return err
	}
	if err := op.MayChange(access.PartIdentity); err != nil {
		return err
	}
	var ps valid.Problems
	a.check(&ps)
	if err := ps.Err(); err != nil {
		return err
	}
	a.PersonID = op.PersonID()
	// access.Change checks the rule and grant again inside the transaction
	// and writes the summary row; the links and allocation rows write
	// their own.
	return access.Change(ctx, db, op, access.PartIdentity, func(tx *sql.Tx) (audit.Record, error) {
		if err := checkAllocation(ctx, tx, s.Account.OrganisationID, a); err != nil {
			return audit.Record{}, err
		}
		if err := allocate(ctx, tx, s, a); err != nil {
			return audit.Record{}, err
		}
		return audit.Record{Action: "allocation.change", Target: "allocation/" + a.ID,
			Details: map[string]any{"team": a.TeamID, "worker": a.AccountID, "priority": a.Priority}}, nil
	})
}

// allocate ends the current allocation, if different, and starts a.
func allocate(ctx context.Context, tx *sql.Tx, s account.Subject, a *Allocation) error {
	cur, err := current(ctx, tx, a.PersonID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := a.stillCurrent(cur); err != nil {
		return err
	}
	if cur != nil {
		if cur.TeamID == a.TeamID && cur.AccountID == a.AccountID && cur.Priority == a.Priority {
			*a = *cur
			return nil
		}
		if err := end(ctx, tx, s, cur); err != nil {
			return err
		}
	}
	recs, err := start(ctx, tx, s, a, cur)
	if err != nil {
		return err
	}
	return audit.WriteMany(ctx, tx, s.Actor, recs)
}

// StartTx starts an allocation of someone who has none: the access links
// that let the team (and the worker, if one is named) see them, and the
// allocation that holds them, inside the caller's transaction. It returns
// the audit rows, the allocation's last, for the caller to write — at once,
// as allocate does, or in batches of thousands, as an import does.
func StartTx(ctx context.Context, tx *sql.Tx, s account.Subject, a *Allocation) ([]audit.Record, error) {
	return start(ctx, tx, s, a, nil)
}

// start is StartTx after before, the allocation just ended (if any), which
// its audit row names.
func start(ctx context.Context, tx *sql.Tx, s account.Subject, a, before *Allocation) ([]audit.Record, error) {
	team := &access.Link{PersonID: a.PersonID, Kind: access.LinkAllocatedTeam, TeamID: a.TeamID}
	rec, err := access.InsertLinkTx(ctx, tx, s.Actor, team)
	if err != nil {
		return nil, err
	}
	recs := []audit.Record{rec}
	a.teamLink = team.ID
	if a.AccountID != "" {
		w := &access.Link{PersonID: a.PersonID, Kind: access.LinkAllocatedWorker, AccountID: a.AccountID}
		if rec, err = access.InsertLinkTx(ctx, tx, s.Actor, w); err != nil {
			return nil, err
		}
		recs, a.workerLink = append(recs, rec), w.ID
	}
	a.ID, a.StartedAt, a.EndedAt = valid.NewID(), store.Now(), nil
	_, err = tx.ExecContext(ctx, `INSERT INTO allocations (id, person_id, contact_id, team_id, account_id, priority, reason,
		team_link, worker_link, started_at, started_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		a.ID, a.PersonID, store.NullIfEmpty(a.ContactID), a.TeamID, store.NullIfEmpty(a.AccountID), string(a.Priority), a.Reason,
		a.teamLink, store.NullIfEmpty(a.workerLink), a.StartedAt, store.NullIfEmpty(s.Account.ID))
	if store.IsUniqueViolation(err) {
		return nil, store.ErrConflict // someone else allocated them at the same moment
	}
	if err != nil {
		return nil, fmt.Errorf("contacts: allocate: %w", err)
	}
	return append(recs, audit.Record{Action: "allocation.start", PersonID: a.PersonID,
		Target: "allocation/" + a.ID, Details: map[string]any{"after": *a, "before": before}}), nil
}

// stillCurrent returns store.ErrConflict when the current allocation is
// not the one the worker saw (a.Seen): someone else allocated the person
// while they were choosing.
func (a *Allocation) stillCurrent(cur *Allocation) error {
	seen := NoAllocation
	if cur != nil {
		seen = cur.ID
	}
	if a.Seen != "" && a.Seen != seen {
		return store.ErrConflict
	}
	return nil
}

// end ends an allocation and the access links it made.
func end(ctx context.Context, tx *sql.Tx, s account.Subject, a *Allocation) error {
	now := store.Now()
	err := store.ExecOne(ctx, tx, `UPDATE allocations SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL`,
		now, store.NullIfEmpty(s.Account.ID), a.ID)
	if err != nil {
		return err
	}
	for _, l := range []string{a.teamLink, a.workerLink} {
		if l == "" {
			continue
		}
		// A link someone ended by other means is already what we want.
		if err := access.EndLinkTx(ctx, tx, s.Actor, a.PersonID, l); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "allocation.end", PersonID: a.PersonID,
		Target: "allocation/" + a.ID})
}

const allocationColumns = `al.id, al.person_id, COALESCE(al.contact_id, ''), al.team_id, COALESCE(al.account_id, ''), al.priority,
	al.reason, al.team_link, COALESCE(al.worker_link, ''), al.started_at, al.ended_at, t.name, COALESCE(w.display_name, ''),
	COALESCE(b.display_name, '')`

const allocationFrom = ` FROM allocations al JOIN teams t ON t.id = al.team_id LEFT JOIN accounts w ON w.id = al.account_id
	LEFT JOIN accounts b ON b.id = al.started_by`

func scanAllocation(sc store.Scanner) (*Allocation, error) {
	var a Allocation
	var ended sql.NullTime
	if err := sc.Scan(&a.ID, &a.PersonID, &a.ContactID, &a.TeamID, &a.AccountID, &a.Priority, &a.Reason, &a.teamLink,
		&a.workerLink, &a.StartedAt, &ended, &a.TeamName, &a.WorkerName, &a.StartedBy); err != nil {
		return nil, err
	}
	a.StartedAt, a.EndedAt = a.StartedAt.UTC(), store.NullTime(ended)
	return &a, nil
}

func current(ctx context.Context, r store.Reader, personID string) (*Allocation, error) {
	a, err := scanAllocation(r.QueryRowContext(ctx, `SELECT `+allocationColumns+allocationFrom+
		` WHERE al.person_id = $1 AND al.ended_at IS NULL`, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return a, err
}

// Allocations are the opened person's allocations, current first, then
// the ended ones newest first: the history of who held them.
func Allocations(ctx context.Context, r store.Reader, op *access.Opened) ([]Allocation, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	rows, err := r.QueryContext(ctx, `SELECT `+allocationColumns+allocationFrom+` WHERE al.person_id = $1
		ORDER BY CASE WHEN al.ended_at IS NULL THEN 0 ELSE 1 END, al.started_at DESC`, op.PersonID())
	if err != nil {
		return nil, fmt.Errorf("contacts: allocations: %w", err)
	}
	return store.CollectRows(rows, scanAllocation)
}
