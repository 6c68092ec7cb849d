// Package pages is the recording coach in the browser: the check a worker
// sees as they type, and the word lists an admin keeps.
package pages

import (
	"embed"

	"whatmatters/internal/account"
	"whatmatters/internal/i18n"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves the recording coach.
type Pages struct{ web.Pages }

// New makes this domain's pages.
func New(shell *web.Shell) *Pages {
	return &Pages{shell.Pages(templates)}
}

// Routes adds the coach: its check as a worker types, and its word lists
// for admins.
func (s *Pages) Routes(rt *web.Router) {
	admin := web.IsRole(account.RoleAdmin)
	rt.Menu(web.MenuItem{Href: "/admin/coach", Key: "layout.nav.coach", Order: 90,
		For: func(a *account.Account) bool { return a.Role == account.RoleAdmin }})
	rt.SignedIn("POST /coach", s.coachCheck)
	rt.ForRoles("GET /admin/coach", "admins", admin, s.coachAdminPage)
	rt.ForRoles("POST /admin/coach", "admins", admin, s.addCoachTerm)
	rt.ForRoles("POST /admin/coach/{term}/remove", "admins", admin, s.removeCoachTerm)
}
