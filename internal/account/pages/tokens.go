package pages

import (
	"net/http"
	"whatmatters/internal/account"
	"whatmatters/internal/web"
)

// tokensData is the API tokens page.
type tokensData struct {
	Tokens []account.Token
	New    string // a token just made, shown this once
}

func (s *Pages) tokensPage(w http.ResponseWriter, r *http.Request) {
	s.showTokens(w, r, s.NewView(r, "tokens.title"), "", http.StatusOK)
}

func (s *Pages) showTokens(w http.ResponseWriter, r *http.Request, v *web.View, secret string, status int) {
	list, err := account.Tokens(r.Context(), s.DB.Read(), web.AccountFrom(r.Context()).ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Data = &tokensData{Tokens: list, New: secret}
	s.Page(w, r, status, "tokens", v)
}

func (s *Pages) createToken(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "tokens.title")
	v.Form["name"] = r.PostFormValue("name")
	sub := web.Subject(r)
	_, secret, err := account.CreateToken(r.Context(), s.DB, sub.Actor, sub.Account.ID, v.Form["name"])
	if err != nil {
		if !v.Problems(err) {
			s.ServerError(w, r, err)
			return
		}
		s.showTokens(w, r, v, "", http.StatusUnprocessableEntity)
		return
	}
	v.Form["name"] = ""
	s.showTokens(w, r, v, secret, http.StatusOK)
}

func (s *Pages) revokeToken(w http.ResponseWriter, r *http.Request) {
	err := account.RevokeToken(r.Context(), s.DB, web.Subject(r), r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
}
