// Package admin is how an organisation's admin runs it in the browser:
// its details and teams, the partner organisations a council works with
// and the links between them, and its accounts (invitations, roles and
// teams, disabling). An admin administers their own organisation and,
// for a council, the partners it added; anything else is "not found".
// Every change is audited in the same transaction as the change.
package admin

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"whatmatters/internal/account"
	"whatmatters/internal/i18n"
	"whatmatters/internal/store"
)

// messages are this domain's validation messages in English and Welsh.
//
//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// ErrNotAdmin is returned to an account that is not an admin; the pages
// never call the domain for one (their routes are for admins only).
var ErrNotAdmin = errors.New("admin: only an admin may do this")

// Administers returns the organisation if the admin may run it: their own,
// or a partner their own organisation added. Anything else is
// store.ErrNotFound, exactly like an organisation that does not exist.
func Administers(ctx context.Context, r store.Reader, s account.Subject, orgID string) (*Organisation, error) {
	if s.Account == nil || s.Account.Role != account.RoleAdmin {
		return nil, ErrNotAdmin
	}
	o, err := organisationByID(ctx, r, orgID)
	if err != nil {
		return nil, err
	}
	if o.ID != s.Account.OrganisationID && o.PartnerOf != s.Account.OrganisationID {
		return nil, store.ErrNotFound
	}
	return o, nil
}

// Organisations lists what the admin runs: their own organisation first,
// then its partners by name.
func Organisations(ctx context.Context, r store.Reader, s account.Subject) ([]Organisation, error) {
	if s.Account == nil || s.Account.Role != account.RoleAdmin {
		return nil, ErrNotAdmin
	}
	out, err := store.Collect(ctx, r, scanOrg, `SELECT `+orgColumns+` FROM organisations
		WHERE id = $1 OR partner_of = $1 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END, name`, s.Account.OrganisationID)
	if err != nil {
		return nil, fmt.Errorf("admin: organisations: %w", err)
	}
	return out, nil
}
