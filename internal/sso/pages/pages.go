// Package pages is single sign-on in the browser: the start and return of
// a sign-in at the identity provider, and the admin's page of sign-in
// rules that say who gets an account.
package pages

import (
	"embed"
	"errors"
	"net/http"

	"whatmatters/internal/account"
	"whatmatters/internal/httpx"
	"whatmatters/internal/i18n"
	"whatmatters/internal/sso"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves single sign-on.
type Pages struct {
	web.Pages
	idp *sso.Provider // nil when single sign-on is not set up
}

// New makes this domain's pages.
func New(shell *web.Shell) *Pages { return &Pages{shell.Pages(templates), shell.Opts.SSO} }

// Session keys for a sign-in under way: kept from the start until the
// provider sends the person back, and removed then, so each is used once.
const (
	keyState    = "sso_state"
	keyNonce    = "sso_nonce"
	keyVerifier = "sso_verifier"
	keyNext     = "sso_next"
)

// Routes adds the sign-in's two ends and the rules page.
func (s *Pages) Routes(rt *web.Router) {
	admin := web.IsRole(account.RoleAdmin)
	rt.Public("GET /sign-in/sso", s.begin)
	rt.Public("GET /sign-in/sso/callback", s.callback)
	rt.Public("GET /sign-out/sso", s.signedOut)
	rt.ForRoles("GET /admin/sign-in-rules", "admins", admin, s.rulesPage)
	rt.ForRoles("POST /admin/sign-in-rules", "admins", admin, s.addRule)
	rt.ForRoles("POST /admin/sign-in-rules/{id}/remove", "admins", admin, s.removeRule)
}

// begin sends the person to the identity provider.
func (s *Pages) begin(w http.ResponseWriter, r *http.Request) {
	if s.idp == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	start, err := s.idp.Begin(r.Context())
	if err != nil {
		s.Log.Warn("single sign-on unavailable", "err", err)
		s.refuse(w, r, http.StatusBadGateway, "sso.error.unavailable")
		return
	}
	ctx := r.Context()
	s.Sessions.Put(ctx, keyState, start.State)
	s.Sessions.Put(ctx, keyNonce, start.Nonce)
	s.Sessions.Put(ctx, keyVerifier, start.Verifier)
	s.Sessions.Put(ctx, keyNext, web.SafeNext(r.URL.Query().Get("next")))
	http.Redirect(w, r, start.URL, http.StatusSeeOther)
}

// callback is where the provider sends the person back with a code.
func (s *Pages) callback(w http.ResponseWriter, r *http.Request) {
	if s.idp == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	state, nonce := s.Sessions.PopString(ctx, keyState), s.Sessions.PopString(ctx, keyNonce)
	verifier, next := s.Sessions.PopString(ctx, keyVerifier), s.Sessions.PopString(ctx, keyNext)
	q := r.URL.Query()
	switch {
	case q.Get("error") != "":
		// The person said no at the provider, or the provider refused.
		s.refuse(w, r, http.StatusUnauthorized, "sso.error.provider")
		return
	case state == "" || q.Get("state") != state || q.Get("code") == "":
		// Not the answer to a sign-in this browser began (or begun twice).
		s.refuse(w, r, http.StatusBadRequest, "sso.error.state")
		return
	}
	claims, err := s.idp.Finish(ctx, q.Get("code"), verifier, nonce)
	if err != nil {
		s.Log.Warn("single sign-on refused", "err", err)
		s.refuse(w, r, http.StatusUnauthorized, "sso.error.token")
		return
	}
	a, err := sso.SignIn(ctx, s.DB, claims, httpx.ClientIP(r), httpx.RequestIDFrom(ctx))
	switch {
	case errors.Is(err, sso.ErrNoRule):
		s.refuse(w, r, http.StatusForbidden, "sso.error.no_rule")
		return
	case errors.Is(err, sso.ErrDisabled):
		s.refuse(w, r, http.StatusForbidden, "sso.error.disabled")
		return
	case errors.Is(err, sso.ErrEmailElsewhere):
		s.refuse(w, r, http.StatusForbidden, "sso.error.email")
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	// A new session token, so one planted before cannot ride on this one.
	if err := s.Sessions.RenewToken(ctx); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Sessions.Put(ctx, web.SessionAccount, a.ID)
	s.Sessions.Put(ctx, web.SessionSSO, true)
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signedOut tells someone who signed in with their organisation's account
// that they are signed out of whatmatters, and offers the provider's own
// sign-out, so a shared computer is not left signed in there.
func (s *Pages) signedOut(w http.ResponseWriter, r *http.Request) {
	if s.idp == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	v := s.NewView(r, "sso.signed_out.title")
	v.Data = s.idp.EndSession(r.Context())
	s.Page(w, r, http.StatusOK, "signedout", v)
}

// refuse shows the sign-in page with why single sign-on did not work.
func (s *Pages) refuse(w http.ResponseWriter, r *http.Request, status int, key string) {
	v := s.NewView(r, "sso.refused.title")
	v.Data = i18n.T(v.Lang, key)
	s.Page(w, r, status, "refused", v)
}

type rulesData struct {
	Rules  []sso.Rule
	Teams  []account.Team
	Claims []string
	Roles  []account.Role
	Issuer string
}

func (s *Pages) rulesPage(w http.ResponseWriter, r *http.Request) {
	s.showRules(w, r, http.StatusOK, s.NewView(r, "sso.rules.title"))
}

func (s *Pages) showRules(w http.ResponseWriter, r *http.Request, status int, v *web.View) {
	a := web.AccountFrom(r.Context())
	rules, err := sso.Rules(r.Context(), s.DB.Read(), a.OrganisationID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	teams, err := account.Teams(r.Context(), s.DB.Read(), a.OrganisationID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	d := rulesData{Rules: rules, Teams: teams, Claims: sso.RuleClaims, Roles: sso.RuleRoles}
	if s.idp != nil {
		d.Issuer = s.idp.Config().Issuer
	}
	v.Data = d
	s.Page(w, r, status, "rules", v)
}

func (s *Pages) addRule(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "sso.rules.title")
	for _, f := range []string{"claim", "value", "role", "team"} {
		v.Form[f] = r.PostFormValue(f)
	}
	rule := &sso.Rule{Claim: v.Form["claim"], Value: v.Form["value"], Role: account.Role(v.Form["role"]), TeamID: v.Form["team"]}
	if rule.TeamID != "" && !valid.IsID(rule.TeamID) {
		rule.TeamID = "-" // not a team of this organisation: refused by name below
	}
	err := sso.AddRule(r.Context(), s.DB, web.Subject(r), rule)
	if v.Problems(err) {
		s.showRules(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/sign-in-rules", http.StatusSeeOther)
}

func (s *Pages) removeRule(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !valid.IsID(id) {
		s.NotFound(w, r)
		return
	}
	if err := sso.RemoveRule(r.Context(), s.DB, web.Subject(r), id); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/sign-in-rules", http.StatusSeeOther)
}
