package admin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Member is an account as its organisation's admin sees it.
type Member struct {
	ID               string
	OrganisationID   string
	OrganisationName string
	TeamID           string
	TeamName         string
	Email            string
	Name             string
	Role             account.Role
	Disabled         bool
	HasPassword      bool       // false until an invitation is used
	Invitations      int        // how many it has been sent: a reinvitation's version
	LastSignIn       *time.Time // from the audit trail
}

// AssignableRoles are the roles an admin may give. A person reading their
// own record is set up from the record, not here.
var AssignableRoles = []account.Role{account.RolePractitioner, account.RoleManager, account.RoleCareHomeStaff,
	account.RoleNHSClinician, account.RolePlanner, account.RoleAdmin, account.RoleDPO}

const memberQuery = `SELECT a.id, a.organisation_id, o.name, COALESCE(a.team_id, ''), COALESCE(t.name, ''), a.email,
	a.display_name, a.role, a.disabled, a.password_hash <> '',
	(SELECT COUNT(*) FROM invitations i WHERE i.account_id = a.id)
	FROM accounts a JOIN organisations o ON o.id = a.organisation_id LEFT JOIN teams t ON t.id = a.team_id`

func scanMember(s store.Scanner) (*Member, error) {
	var m Member
	err := s.Scan(&m.ID, &m.OrganisationID, &m.OrganisationName, &m.TeamID, &m.TeamName, &m.Email, &m.Name, &m.Role,
		&m.Disabled, &m.HasPassword, &m.Invitations)
	return store.Found(&m, err, "admin: read account")
}

// lastSignIn is when the account last signed in, from the audit trail: the
// last accepted password or, with two-factor sign-in, the last accepted
// code. Reading the trail saves a column every sign-in would write.
func lastSignIn(ctx context.Context, r store.Reader, accountID string) (*time.Time, error) {
	var at time.Time
	err := r.QueryRowContext(ctx, `SELECT at FROM audit_events WHERE account_id = $1 AND outcome = 'ok'
		AND action IN ('signin', 'signin.second_factor') ORDER BY seq DESC LIMIT 1`, accountID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("admin: last sign-in: %w", err)
	}
	return &at, nil
}

// Members lists the accounts of every organisation the admin runs, by
// organisation (their own first) and name. Accounts for people reading
// their own record are left out: they are not staff.
func Members(ctx context.Context, r store.Reader, s account.Subject) ([]Member, error) {
	if s.Account == nil || s.Account.Role != account.RoleAdmin {
		return nil, ErrNotAdmin
	}
	rows, err := r.QueryContext(ctx, memberQuery+` WHERE (o.id = $1 OR o.partner_of = $1) AND a.role <> 'person'
		ORDER BY CASE WHEN o.id = $1 THEN 0 ELSE 1 END, o.name, a.display_name, a.email`, s.Account.OrganisationID)
	if err != nil {
		return nil, fmt.Errorf("admin: accounts: %w", err)
	}
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].LastSignIn, err = lastSignIn(ctx, r, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MemberByID loads an account of an organisation the admin runs; any
// other is store.ErrNotFound.
func MemberByID(ctx context.Context, r store.Reader, s account.Subject, id string) (*Member, error) {
	if !valid.IsID(id) {
		return nil, store.ErrNotFound
	}
	m, err := scanMember(r.QueryRowContext(ctx, memberQuery+` WHERE a.id = $1 AND a.role <> 'person'`, id))
	if err != nil {
		return nil, err
	}
	if _, err := Administers(ctx, r, s, m.OrganisationID); err != nil {
		return nil, err
	}
	m.LastSignIn, err = lastSignIn(ctx, r, m.ID)
	return m, err
}

// checkRoleTeam checks a role and team chosen for an account of org.
func checkRoleTeam(ctx context.Context, r store.Reader, s account.Subject, orgID string, role account.Role, teamID string) valid.Problems {
	var ps valid.Problems
	if !slices.Contains(AssignableRoles, role) {
		ps.Add("role", "account.role.required")
	}
	if teamID != "" {
		t, err := TeamByID(ctx, r, s, teamID)
		if err != nil || t.OrganisationID != orgID {
			ps.Add("team", "admin.account.team.other_org")
		}
	}
	return ps
}

// Change gives an account a new role or moves it to another team. was is
// the account as the admin saw it: if another admin changed its role or
// team meanwhile, nothing changes and the answer is store.ErrConflict.
func Change(ctx context.Context, db *store.DB, s account.Subject, was *Member, role account.Role, teamID string) error {
	m, err := MemberByID(ctx, db.Read(), s, was.ID)
	if err != nil {
		return err
	}
	if err := checkRoleTeam(ctx, db.Read(), s, m.OrganisationID, role, teamID).Err(); err != nil {
		return err
	}
	if m.ID == s.Account.ID && role != account.RoleAdmin {
		// An organisation must not be left with no one to run it by a slip.
		return valid.Problems{valid.New("role", "admin.account.self_role")}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		err := store.ExecOne(ctx, tx, `UPDATE accounts SET role = $1, team_id = $2
			WHERE id = $3 AND role = $4 AND COALESCE(team_id, '') = $5`,
			string(role), store.NullIfEmpty(teamID), m.ID, string(was.Role), was.TeamID)
		if err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "account.change", Target: "account/" + m.ID,
			Details: map[string]string{"role_before": string(was.Role), "role": string(role), "team_before": was.TeamID, "team": teamID}})
	})
}

// Disable stops an account at once: it cannot sign in, its open sessions
// are ended, and its API tokens are revoked, in one transaction with the
// audit row. An admin cannot disable themselves. The admin saw it enabled:
// if another admin disabled it meanwhile, nothing is written twice and
// the answer is store.ErrConflict.
func Disable(ctx context.Context, db *store.DB, s account.Subject, id string) error {
	m, err := MemberByID(ctx, db.Read(), s, id)
	if err != nil {
		return err
	}
	if m.ID == s.Account.ID {
		return valid.Problems{valid.New("disable", "admin.account.self_disable")}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.ExecOne(ctx, tx, `UPDATE accounts SET disabled = TRUE WHERE id = $1 AND disabled = FALSE`, m.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL`,
			store.Now(), m.ID)
		if err != nil {
			return fmt.Errorf("admin: revoke tokens: %w", err)
		}
		tokens, _ := res.RowsAffected()
		sessions, err := endSessions(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "account.disable", Target: "account/" + m.ID,
			Details: map[string]int64{"sessions_ended": sessions, "tokens_revoked": tokens}})
	})
}

// endSessions deletes every web session signed in as the account. The
// session store keeps each session as an opaque encoded blob (scs), so
// each is decoded to find whose it is; sessions are pruned as they
// expire, so there are never many.
func endSessions(ctx context.Context, tx *sql.Tx, accountID string) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT token, data FROM sessions`)
	if err != nil {
		return 0, fmt.Errorf("admin: sessions: %w", err)
	}
	var tokens []string
	for rows.Next() {
		var token string
		var data []byte
		if err := rows.Scan(&token, &data); err != nil {
			rows.Close()
			return 0, err
		}
		_, values, err := scs.GobCodec{}.Decode(data)
		if err != nil {
			continue // not a session this program wrote; it cannot be this account's
		}
		if id, _ := values[sessionAccount].(string); id == accountID {
			tokens = append(tokens, token)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, t := range tokens {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, t); err != nil {
			return 0, fmt.Errorf("admin: end session: %w", err)
		}
	}
	return int64(len(tokens)), nil
}

// sessionAccount is the session key holding the signed-in account
// (web.SessionAccount; package web imports this one's callers, not this).
const sessionAccount = "account_id"

// Enable lets a disabled account sign in again. Its old sessions and
// tokens stay ended. The admin saw it disabled: if another admin enabled
// it meanwhile, the answer is store.ErrConflict.
func Enable(ctx context.Context, db *store.DB, s account.Subject, id string) error {
	m, err := MemberByID(ctx, db.Read(), s, id)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := store.ExecOne(ctx, tx, `UPDATE accounts SET disabled = FALSE WHERE id = $1 AND disabled = TRUE`, m.ID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "account.enable", Target: "account/" + m.ID})
	})
}

// ActionCount is how many times an account did one thing.
type ActionCount struct {
	Action string
	N      int
}

// ActivityDays is how far back an account's activity summary looks.
const ActivityDays = 30

// Activity counts an account's rows in the audit trail by action over the
// last ActivityDays days, most frequent first. Looking is itself audited:
// it is a view of one member of staff's work.
func Activity(ctx context.Context, db *store.DB, s account.Subject, id string, now time.Time) ([]ActionCount, error) {
	m, err := MemberByID(ctx, db.Read(), s, id)
	if err != nil {
		return nil, err
	}
	rows, err := db.Read().QueryContext(ctx, `SELECT action, COUNT(*) FROM audit_events
		WHERE account_id = $1 AND at >= $2 GROUP BY action ORDER BY COUNT(*) DESC, action`,
		m.ID, now.UTC().AddDate(0, 0, -ActivityDays))
	if err != nil {
		return nil, fmt.Errorf("admin: activity: %w", err)
	}
	defer rows.Close()
	var out []ActionCount
	for rows.Next() {
		var c ActionCount
		if err := rows.Scan(&c.Action, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "account.activity.read", Target: "account/" + m.ID})
	return out, err
}
