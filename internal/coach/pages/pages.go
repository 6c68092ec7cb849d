// Package pages is the recording coach in the browser: the check a worker
// sees as they type, and the word lists an admin keeps.
package pages

import (
	"embed"
	"net/http"

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
type Pages struct {
	*web.Shell
	tpl *web.Templates
}

// New makes this domain's pages.
func New(shell *web.Shell) *Pages {
	return &Pages{Shell: shell, tpl: shell.Templates(templates)}
}

func (s *Pages) render(w http.ResponseWriter, r *http.Request, status int, name string, v *web.View) {
	s.Render(w, r, status, s.tpl, name, v)
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
