package admin

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// TeamKind is the kind of work a team does.
type TeamKind string

// TeamKinds lists every kind of team, in the order forms offer them.
var TeamKinds = []TeamKind{"community", "hospital", "mental_health", "learning_disability", "reablement", "district_nursing", "other"}

// Team is a team as its admin sees and edits it.
type Team struct {
	ID             string
	OrganisationID string
	Name           string
	Kind           TeamKind
	Version        int
	Accounts       int // how many accounts are in it
}

const teamColumns = `t.id, t.organisation_id, t.name, t.kind, t.version,
	(SELECT COUNT(*) FROM accounts a WHERE a.team_id = t.id)`

func scanTeam(s store.Scanner) (*Team, error) {
	var t Team
	err := s.Scan(&t.ID, &t.OrganisationID, &t.Name, &t.Kind, &t.Version, &t.Accounts)
	return store.Found(&t, err, "admin: read team")
}

// Teams lists an administered organisation's teams by name.
func Teams(ctx context.Context, r store.Reader, s account.Subject, orgID string) ([]Team, error) {
	if _, err := Administers(ctx, r, s, orgID); err != nil {
		return nil, err
	}
	out, err := store.Collect(ctx, r, scanTeam, `SELECT `+teamColumns+` FROM teams t WHERE t.organisation_id = $1 ORDER BY t.name`, orgID)
	if err != nil {
		return nil, fmt.Errorf("admin: teams: %w", err)
	}
	return out, nil
}

// TeamByID loads a team of an organisation the admin runs; any other team
// is store.ErrNotFound.
func TeamByID(ctx context.Context, r store.Reader, s account.Subject, id string) (*Team, error) {
	if !valid.IsID(id) {
		return nil, store.ErrNotFound
	}
	t, err := scanTeam(r.QueryRowContext(ctx, `SELECT `+teamColumns+` FROM teams t WHERE t.id = $1`, id))
	if err != nil {
		return nil, err
	}
	if _, err := Administers(ctx, r, s, t.OrganisationID); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Team) normalise() error {
	t.Name = strings.TrimSpace(t.Name)
	var ps valid.Problems
	checkName(&ps, t.Name, valid.New("name", "team.name.required"))
	if !slices.Contains(TeamKinds, t.Kind) {
		ps.Add("kind", "admin.team.kind.required")
	}
	return ps.Err()
}

// AddTeam adds a team to an organisation the admin runs.
func AddTeam(ctx context.Context, db *store.DB, s account.Subject, t *Team) error {
	if _, err := Administers(ctx, db.Read(), s, t.OrganisationID); err != nil {
		return err
	}
	if err := t.normalise(); err != nil {
		return err
	}
	t.ID, t.Version = valid.NewID(), 1
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO teams (id, organisation_id, name, kind, version, created_at) VALUES ($1,$2,$3,$4,1,$5)`,
			t.ID, t.OrganisationID, t.Name, string(t.Kind), store.Now())
		if store.IsUniqueViolation(err) {
			return valid.Problems{valid.New("name", "team.name.taken")}
		}
		if err != nil {
			return fmt.Errorf("admin: add team: %w", err)
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "team.create", Target: "team/" + t.ID, Details: t})
	})
}

// UpdateTeam renames a team or changes its kind. t.Version is the version
// the admin started from; another admin's save in between is
// store.ErrConflict.
func UpdateTeam(ctx context.Context, db *store.DB, s account.Subject, t *Team) error {
	before, err := TeamByID(ctx, db.Read(), s, t.ID)
	if err != nil {
		return err
	}
	if err := t.normalise(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		err := store.ExecOne(ctx, tx, `UPDATE teams SET name = $1, kind = $2, version = version + 1 WHERE id = $3 AND version = $4`,
			t.Name, string(t.Kind), t.ID, t.Version)
		if store.IsUniqueViolation(err) {
			return valid.Problems{valid.New("name", "team.name.taken")}
		}
		if err != nil {
			return err
		}
		t.OrganisationID, t.Version, t.Accounts = before.OrganisationID, t.Version+1, before.Accounts
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "team.update", Target: "team/" + t.ID,
			Details: map[string]any{"before": before, "after": t}})
	})
}
