package access

import (
	"context"
	"database/sql"
	"fmt"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Link kinds: the recorded relationships that let an account see a person.
const (
	LinkAllocatedWorker = "allocated_worker"
	LinkAllocatedTeam   = "allocated_team"
	LinkCareHome        = "care_home"
	LinkNHSTeam         = "nhs_team"
)

// Link is one relationship between a person and a worker, team or care home.
type Link struct {
	ID             string
	PersonID       string
	Kind           string
	AccountID      string
	TeamID         string
	OrganisationID string
}

// AddLink records a relationship, audited as a change to the person's data.
func AddLink(ctx context.Context, db *store.DB, who audit.Actor, l *Link) error {
	return db.Tx(ctx, func(tx *sql.Tx) error { return AddLinkTx(ctx, tx, who, l) })
}

// AddLinkTx is AddLink inside the caller's transaction, for a change that
// makes a link as part of something larger (an allocation): both are
// written, with their audit rows, or neither.
func AddLinkTx(ctx context.Context, q store.Querier, who audit.Actor, l *Link) error {
	rec, err := InsertLinkTx(ctx, q, who, l)
	if err != nil {
		return err
	}
	return audit.Write(ctx, q, who, rec)
}

// InsertLinkTx is AddLinkTx without writing the audit row: it returns the
// row for the caller to write in the same transaction, with many others
// at once (audit.WriteMany), as an import of thousands of people does.
func InsertLinkTx(ctx context.Context, q store.Querier, who audit.Actor, l *Link) (audit.Record, error) {
	switch l.Kind {
	case LinkAllocatedWorker:
		if l.AccountID == "" {
			return audit.Record{}, valid.New("account", "link.account.required")
		}
	case LinkAllocatedTeam, LinkNHSTeam:
		if l.TeamID == "" {
			return audit.Record{}, valid.New("team", "link.team.required")
		}
	case LinkCareHome:
		if l.OrganisationID == "" {
			return audit.Record{}, valid.New("organisation", "link.organisation.required")
		}
	default:
		return audit.Record{}, valid.New("kind", "link.kind.required")
	}
	if l.ID == "" {
		l.ID = valid.NewID()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO person_links
		(id, person_id, kind, account_id, team_id, organisation_id, started_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		l.ID, l.PersonID, l.Kind, store.NullIfEmpty(l.AccountID), store.NullIfEmpty(l.TeamID), store.NullIfEmpty(l.OrganisationID),
		store.Now(), store.NullIfEmpty(who.AccountID))
	if err != nil {
		return audit.Record{}, fmt.Errorf("access: add link: %w", err)
	}
	return audit.Record{Action: "person.link.add", PersonID: l.PersonID,
		Target: "person_link/" + l.ID, Details: map[string]any{"after": *l}}, nil
}

// EndLinkTx ends a current link inside the caller's transaction: the row
// stays, with the time it ended, so who could see the person and when is
// kept. A link already ended, or of another person, is store.ErrNotFound.
func EndLinkTx(ctx context.Context, q store.Querier, who audit.Actor, personID, linkID string) error {
	res, err := q.ExecContext(ctx, `UPDATE person_links SET ended_at = $1 WHERE id = $2 AND person_id = $3 AND ended_at IS NULL`,
		store.Now(), linkID, personID)
	if err != nil {
		return fmt.Errorf("access: end link: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return store.ErrNotFound
	}
	return audit.Write(ctx, q, who, audit.Record{Action: "person.link.end", PersonID: personID, Target: "person_link/" + linkID})
}

// HasLink reports whether the person already has a current link of this
// kind to this account, team or organisation (demo seeding uses it to stay
// idempotent).
func HasLink(ctx context.Context, r store.Reader, l Link) (bool, error) {
	var n int
	err := r.QueryRowContext(ctx, `SELECT COUNT(*) FROM person_links WHERE person_id = $1 AND kind = $2
		AND COALESCE(account_id, '') = $3 AND COALESCE(team_id, '') = $4 AND COALESCE(organisation_id, '') = $5
		AND ended_at IS NULL`, l.PersonID, l.Kind, l.AccountID, l.TeamID, l.OrganisationID).Scan(&n)
	return n > 0, err
}
