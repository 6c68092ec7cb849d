// Package pages is signing in and out, and an account's API tokens.
package pages

import (
	"embed"

	"whatmatters/internal/i18n"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves sign-in and the tokens page.
type Pages struct{ web.Pages }

// New makes this domain's pages.
func New(shell *web.Shell) *Pages {
	return &Pages{shell.Pages(templates)}
}

// Routes adds sign-in, sign-out and the tokens page.
func (s *Pages) Routes(rt *web.Router) {
	rt.Menu(web.MenuItem{Href: "/account/tokens", Key: "layout.nav.tokens", Order: 80})
	rt.Menu(web.MenuItem{Href: "/account/two-factor", Key: "layout.nav.two_factor", Order: 85})
	rt.Public("GET /sign-in", s.signInPage)
	rt.Public("POST /sign-in", s.signIn)
	rt.Public("POST /sign-out", s.signOut)
	rt.Public("GET /sign-in/code", s.codePage)
	rt.Public("POST /sign-in/code", s.checkCode)
	rt.Public("GET /sign-in/two-factor", s.signInSetupPage)
	rt.Public("POST /sign-in/two-factor", s.signInSetup)
	rt.SignedIn("GET /account/two-factor", s.manage)
	rt.SignedIn("GET /account/two-factor/set-up", s.manageSetupPage)
	rt.SignedIn("POST /account/two-factor/set-up", s.manageSetup)
	rt.SignedIn("POST /account/two-factor/recovery-codes", s.newRecoveryCodes)
	rt.SignedIn("POST /account/two-factor/off", s.turnOff)
	rt.SignedIn("GET /account/tokens", s.tokensPage)
	rt.SignedIn("POST /account/tokens", s.createToken)
	rt.SignedIn("POST /account/tokens/{id}/revoke", s.revokeToken)
}
