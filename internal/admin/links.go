package admin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// LinkKind is how one organisation works with another.
type LinkKind string

const (
	// ServedBy: a care home served by a GP practice, or by a district
	// nursing team (the partner's team).
	ServedBy LinkKind = "served_by"
	// CommissionsPlacesAt: a council buying places at a care home.
	CommissionsPlacesAt LinkKind = "commissions_places_at"
	// WorksWith: any other standing arrangement.
	WorksWith LinkKind = "works_with"
)

// LinkKinds lists every kind of link, in the order forms offer them.
var LinkKinds = []LinkKind{ServedBy, CommissionsPlacesAt, WorksWith}

// Link is one organisation working with another from a date, and until a
// date once it has ended. An ended link is kept: it is the history.
type Link struct {
	ID              string
	OrganisationID  string
	Kind            LinkKind
	PartnerID       string
	PartnerTeamID   string // a team of the partner, if the link is with one team
	StartsOn        valid.Date
	EndsOn          valid.Date // zero while it lasts
	Version         int
	OrgName         string // for showing: the two organisations' and the team's names
	PartnerName     string
	PartnerTeamName string
}

// Current reports whether the link holds on day.
func (l Link) Current(day valid.Date) bool {
	return !l.StartsOn.After(day) && (l.EndsOn.IsZero() || !l.EndsOn.Before(day))
}

const linkQuery = `SELECT l.id, l.organisation_id, l.kind, l.partner_id, COALESCE(l.partner_team_id, ''), l.starts_on,
	l.ends_on, l.version, o.name, p.name, COALESCE(t.name, '')
	FROM organisation_links l
	JOIN organisations o ON o.id = l.organisation_id
	JOIN organisations p ON p.id = l.partner_id
	LEFT JOIN teams t ON t.id = l.partner_team_id`

func scanLink(s store.Scanner) (*Link, error) {
	var l Link
	err := s.Scan(&l.ID, &l.OrganisationID, &l.Kind, &l.PartnerID, &l.PartnerTeamID, &l.StartsOn, &l.EndsOn, &l.Version,
		&l.OrgName, &l.PartnerName, &l.PartnerTeamName)
	return store.Found(&l, err, "admin: read link")
}

// Links lists every link to or from an organisation the admin runs,
// current and ended, the latest start first.
func Links(ctx context.Context, r store.Reader, s account.Subject, orgID string) ([]Link, error) {
	if _, err := Administers(ctx, r, s, orgID); err != nil {
		return nil, err
	}
	out, err := store.Collect(ctx, r, scanLink, linkQuery+` WHERE l.organisation_id = $1 OR l.partner_id = $1
		ORDER BY l.starts_on DESC, l.created_at DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("admin: links: %w", err)
	}
	return out, nil
}

// AddLink records that one organisation works with another. The admin
// must run both: their own organisation and its partners.
func AddLink(ctx context.Context, db *store.DB, s account.Subject, l *Link) error {
	if _, err := Administers(ctx, db.Read(), s, l.OrganisationID); err != nil {
		return err
	}
	var ps valid.Problems
	if !slices.Contains(LinkKinds, l.Kind) {
		ps.Add("kind", "admin.link.kind.required")
	}
	switch {
	case l.PartnerID == "":
		ps.Add("partner", "admin.link.partner.required")
	case l.PartnerID == l.OrganisationID:
		ps.Add("partner", "admin.link.partner.self")
	default:
		if _, err := Administers(ctx, db.Read(), s, l.PartnerID); errors.Is(err, store.ErrNotFound) {
			ps.Add("partner", "admin.link.partner.required")
		} else if err != nil {
			return err
		}
	}
	if l.PartnerTeamID != "" && len(ps) == 0 {
		t, err := TeamByID(ctx, db.Read(), s, l.PartnerTeamID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && t.OrganisationID != l.PartnerID) {
			ps.Add("partner_team", "admin.link.team.not_partners")
		} else if err != nil {
			return err
		}
	}
	if l.StartsOn.IsZero() {
		ps.Add("starts_on", "admin.link.starts_on.required")
	}
	if err := ps.Err(); err != nil {
		return err
	}
	l.ID, l.Version, l.EndsOn = valid.NewID(), 1, valid.Date{}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO organisation_links
			(id, organisation_id, kind, partner_id, partner_team_id, starts_on, version, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,1,$7,$8)`,
			l.ID, l.OrganisationID, string(l.Kind), l.PartnerID, store.NullIfEmpty(l.PartnerTeamID), l.StartsOn,
			s.Account.ID, store.Now())
		if err != nil {
			return fmt.Errorf("admin: add link: %w", err)
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "organisation.link.create", Target: "organisation_link/" + l.ID,
			Details: map[string]string{"organisation_id": l.OrganisationID, "kind": string(l.Kind), "partner_id": l.PartnerID,
				"partner_team_id": l.PartnerTeamID, "starts_on": l.StartsOn.String()}})
	})
}

// LinkByID loads a link that touches an organisation the admin runs.
func LinkByID(ctx context.Context, r store.Reader, s account.Subject, id string) (*Link, error) {
	if !valid.IsID(id) {
		return nil, store.ErrNotFound
	}
	l, err := scanLink(r.QueryRowContext(ctx, linkQuery+` WHERE l.id = $1`, id))
	if err != nil {
		return nil, err
	}
	if _, err := Administers(ctx, r, s, l.OrganisationID); err != nil {
		return nil, err
	}
	return l, nil
}

// EndLink ends a link on a day: it stays in the history. version is the
// version the admin saw; an end recorded by another admin meanwhile is
// store.ErrConflict.
func EndLink(ctx context.Context, db *store.DB, s account.Subject, id string, version int, on valid.Date) error {
	l, err := LinkByID(ctx, db.Read(), s, id)
	if err != nil {
		return err
	}
	switch {
	case on.IsZero():
		return valid.Problems{valid.New("ends_on", "admin.link.ends_on.required")}
	case on.Before(l.StartsOn):
		return valid.Problems{valid.New("ends_on", "admin.link.ends_on.before_start", l.StartsOn.String())}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		err := store.ExecOne(ctx, tx, `UPDATE organisation_links SET ends_on = $1, version = version + 1
			WHERE id = $2 AND version = $3 AND ends_on IS NULL`, on, id, version)
		if err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "organisation.link.end", Target: "organisation_link/" + id,
			Details: map[string]string{"ends_on": on.String()}})
	})
}
