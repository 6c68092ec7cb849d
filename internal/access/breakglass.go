package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// BreakGlassDuration is how long emergency access lasts.
const BreakGlassDuration = 30 * time.Minute

// MinBreakGlassReason is the shortest reason accepted: a word or two is not
// a reason a manager can review.
const MinBreakGlassReason = 15

// BreakGlass is one use of emergency access.
type BreakGlass struct {
	ID         string
	AccountID  string
	Account    string // the account's name and email
	PersonID   string
	PersonName string
	Reason     string
	StartedAt  time.Time
	ExpiresAt  time.Time
	ReviewedBy string
	ReviewedAt *time.Time
}

// MaxBreakGlassReason bounds the reason, like every field from outside.
const MaxBreakGlassReason = 2000

// CheckReason checks an emergency access reason. It is checked before the
// person is looked up, so a short reason gets the same answer whether or
// not the NHS number is on the system.
func CheckReason(reason string) error {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < MinBreakGlassReason {
		return valid.New("reason", "breakglass.reason.too_short", MinBreakGlassReason)
	}
	if len([]rune(reason)) > MaxBreakGlassReason {
		return valid.New("reason", "breakglass.reason.too_long", MaxBreakGlassReason)
	}
	return nil
}

// StartBreakGlass opens a person's record to the subject for a limited
// time, in an emergency, with a written reason. The grant is audited and
// listed for managers to review.
func StartBreakGlass(ctx context.Context, db *store.DB, s account.Subject, personID, reason string) (*BreakGlass, error) {
	if !s.Account.Role.MayBreakGlass() {
		return nil, ErrNotAllowed
	}
	reason = strings.TrimSpace(reason)
	if err := CheckReason(reason); err != nil {
		return nil, err
	}
	now := store.Now()
	bg := &BreakGlass{ID: valid.NewID(), AccountID: s.Account.ID, PersonID: personID, Reason: reason,
		StartedAt: now, ExpiresAt: now.Add(BreakGlassDuration)}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE id = $1`, personID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO break_glass (id, account_id, person_id, reason, started_at, expires_at)
			VALUES ($1,$2,$3,$4,$5,$6)`, bg.ID, bg.AccountID, bg.PersonID, bg.Reason, bg.StartedAt, bg.ExpiresAt)
		if err != nil {
			return fmt.Errorf("access: break glass: %w", err)
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "breakglass.start", PersonID: personID,
			Target: "break_glass/" + bg.ID, Details: map[string]string{"reason": reason, "expires_at": bg.ExpiresAt.Format(time.RFC3339)}})
	})
	if err != nil {
		return nil, err
	}
	return bg, nil
}

// BreakGlassForReview lists uses of emergency access that a manager should
// look at: for a manager with a team, those by the team's members; for a
// manager without a team, those by anyone in their organisation. Newest
// first; unreviewed ones included whatever their age.
func BreakGlassForReview(ctx context.Context, r store.Reader, manager *account.Account) ([]BreakGlass, error) {
	if manager.Role != account.RoleManager {
		return nil, ErrNotAllowed
	}
	// Add only the argument the scope uses: PostgreSQL refuses a query with
	// a placeholder it cannot type because nothing refers to it.
	// Two managers review each use: the user's own, and the manager of
	// the team or organisation that holds the record (the person is
	// allocated to it), so a care home's use of a council's record is
	// seen by the council too.
	var args store.Args
	var scope string
	if manager.TeamID != "" {
		team := args.Add(manager.TeamID)
		scope = `a.team_id = ` + team + ` OR EXISTS (SELECT 1 FROM person_links l WHERE l.person_id = b.person_id
			AND l.ended_at IS NULL AND ((l.kind = 'allocated_team' AND l.team_id = ` + team + `)
			OR (l.kind = 'allocated_worker' AND l.account_id IN (SELECT id FROM accounts WHERE team_id = ` + team + `))))`
	} else {
		org := args.Add(manager.OrganisationID)
		scope = `a.organisation_id = ` + org + ` OR EXISTS (SELECT 1 FROM person_links l WHERE l.person_id = b.person_id
			AND l.ended_at IS NULL AND ((l.kind = 'allocated_team' AND l.team_id IN (SELECT id FROM teams WHERE organisation_id = ` + org + `))
			OR (l.kind = 'allocated_worker' AND l.account_id IN (SELECT id FROM accounts WHERE organisation_id = ` + org + `))))`
	}
	rows, err := r.QueryContext(ctx, `SELECT b.id, b.account_id, a.display_name, a.email, b.person_id,
		p.given_name, p.family_name, b.reason, b.started_at, b.expires_at, COALESCE(rv.display_name, ''), b.reviewed_at
		FROM break_glass b JOIN accounts a ON a.id = b.account_id JOIN people p ON p.id = b.person_id
		LEFT JOIN accounts rv ON rv.id = b.reviewed_by
		WHERE (`+scope+`) ORDER BY b.started_at DESC LIMIT 500`, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("access: break glass list: %w", err)
	}
	defer rows.Close()
	var out []BreakGlass
	for rows.Next() {
		var b BreakGlass
		var name, email, given, family string
		var reviewed sql.NullTime
		if err := rows.Scan(&b.ID, &b.AccountID, &name, &email, &b.PersonID, &given, &family, &b.Reason,
			&b.StartedAt, &b.ExpiresAt, &b.ReviewedBy, &reviewed); err != nil {
			return nil, err
		}
		b.Account, b.PersonName, b.ReviewedAt = name+" <"+email+">", given+" "+family, store.NullTime(reviewed)
		out = append(out, b)
	}
	return out, rows.Err()
}

// ReviewBreakGlass records that a manager has looked at a use of emergency
// access. Only a manager whose review list includes it may do so.
func ReviewBreakGlass(ctx context.Context, db *store.DB, s account.Subject, id string) error {
	list, err := BreakGlassForReview(ctx, db.Read(), s.Account)
	if err != nil {
		return err
	}
	var found *BreakGlass
	for i := range list {
		if list[i].ID == id {
			found = &list[i]
		}
	}
	if found == nil {
		return store.ErrNotFound
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE break_glass SET reviewed_by = $1, reviewed_at = $2 WHERE id = $3 AND reviewed_at IS NULL`,
			s.Account.ID, store.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrConflict
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "breakglass.review", PersonID: found.PersonID, Target: "break_glass/" + id})
	})
}

// activeBreakGlass is the subject's current emergency access to a person,
// the one that ends last.
func activeBreakGlass(ctx context.Context, r store.Reader, s account.Subject, personID string) (*BreakGlass, error) {
	var b BreakGlass
	err := r.QueryRowContext(ctx, `SELECT id, account_id, person_id, reason, started_at, expires_at FROM break_glass
		WHERE account_id = $1 AND person_id = $2 AND expires_at > $3 ORDER BY expires_at DESC LIMIT 1`,
		s.Account.ID, personID, store.Now()).Scan(&b.ID, &b.AccountID, &b.PersonID, &b.Reason, &b.StartedAt, &b.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("access: active break glass: %w", err)
	}
	b.StartedAt, b.ExpiresAt = b.StartedAt.UTC(), b.ExpiresAt.UTC()
	return &b, nil
}

// UnreviewedBreakGlass counts the uses of emergency access waiting for a
// manager's review, for the menu and home page.
func UnreviewedBreakGlass(ctx context.Context, r store.Reader, manager *account.Account) (int, error) {
	list, err := BreakGlassForReview(ctx, r, manager)
	n := 0
	for _, b := range list {
		if b.ReviewedAt == nil {
			n++
		}
	}
	return n, err
}
