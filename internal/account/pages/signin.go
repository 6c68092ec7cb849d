package pages

import (
	"errors"
	"net/http"

	"whatmatters/internal/account"
	"whatmatters/internal/httpx"
	"whatmatters/internal/i18n"
	"whatmatters/internal/web"
)

func (s *Pages) signInPage(w http.ResponseWriter, r *http.Request) {
	if web.AccountFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	v := s.NewView(r, "signin.title")
	v.Form["next"] = web.SafeNext(r.URL.Query().Get("next"))
	s.Page(w, r, http.StatusOK, "signin", v)
}

func (s *Pages) signIn(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "signin.title")
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	v.Form["email"], v.Form["next"] = email, web.SafeNext(r.PostFormValue("next"))
	if email == "" {
		v.Errors = append(v.Errors, web.FieldError{Field: "email", Message: i18n.T(v.Lang, "signin.error.email_missing")})
	}
	if password == "" {
		v.Errors = append(v.Errors, web.FieldError{Field: "password", Message: i18n.T(v.Lang, "signin.error.password_missing")})
	}
	if len(v.Errors) > 0 {
		s.Page(w, r, http.StatusUnprocessableEntity, "signin", v)
		return
	}
	a, err := account.SignIn(r.Context(), s.DB, email, password, httpx.ClientIP(r), httpx.RequestIDFrom(r.Context()))
	var throttled *account.ThrottledError
	switch {
	case errors.Is(err, account.ErrBadCredentials):
		v.Errors = append(v.Errors, web.FieldError{Field: "email", Message: i18n.T(v.Lang, "signin.error.bad_credentials")})
		s.Page(w, r, http.StatusUnauthorized, "signin", v)
		return
	case errors.As(err, &throttled):
		minutes := int(throttled.Wait.Minutes()) + 1
		v.Errors = append(v.Errors, web.FieldError{Field: "email", Message: i18n.N(v.Lang, "signin.error.throttled", minutes)})
		s.Page(w, r, http.StatusTooManyRequests, "signin", v)
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	s.afterPassword(w, r, a, v.Form["next"])
}

func (s *Pages) signOut(w http.ResponseWriter, r *http.Request) {
	sso := s.Sessions.GetBool(r.Context(), web.SessionSSO)
	if err := s.Sessions.Destroy(r.Context()); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if sso && s.Opts.SSO != nil {
		// Signed in through the organisation's account: offer to sign out
		// there too (a link, since a form may not redirect to another site).
		http.Redirect(w, r, "/sign-out/sso", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
}
