// Package pages is emergency access in the browser: asking for it, and the
// managers' review of every use.
package pages

import (
	"context"
	"embed"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/i18n"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves emergency access.
type Pages struct{ web.Pages }

// New makes this domain's pages.
func New(shell *web.Shell) *Pages {
	return &Pages{shell.Pages(templates)}
}

// Routes adds emergency access and its review.
func (s *Pages) Routes(rt *web.Router) {
	manager := web.IsRole(account.RoleManager)
	rt.Menu(web.MenuItem{Href: "/break-glass", Key: "layout.nav.breakglass", Order: 30,
		For: func(a *account.Account) bool { return a.Role.MayBreakGlass() }})
	rt.Menu(web.MenuItem{Href: "/break-glass/review", Key: "layout.nav.review", Order: 40,
		For: func(a *account.Account) bool { return a.Role == account.RoleManager },
		Count: func(ctx context.Context, a *account.Account) (int, error) {
			return access.UnreviewedBreakGlass(ctx, s.DB.Read(), a)
		}})
	rt.ForRoles("GET /break-glass", "practitioners, managers, care home staff, NHS clinicians", account.Role.MayBreakGlass, s.breakGlassPage)
	rt.ForRoles("POST /break-glass", "practitioners, managers, care home staff, NHS clinicians", account.Role.MayBreakGlass, s.breakGlass)
	rt.ForRoles("GET /break-glass/review", "managers", manager, s.reviewPage)
	rt.ForRoles("POST /break-glass/review/{id}", "managers", manager, s.review)
}
