package web

import (
	"net/http"
	"whatmatters/internal/account"
)

// tokensData is the API tokens page.
type tokensData struct {
	Tokens []account.Token
	New    string // a token just made, shown this once
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	s.showTokens(w, r, s.newView(r, "tokens.title"), "", http.StatusOK)
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, v *view, secret string, status int) {
	list, err := account.Tokens(r.Context(), s.db.Read(), accountFrom(r.Context()).ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Data = &tokensData{Tokens: list, New: secret}
	s.render(w, r, status, "tokens", v)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "tokens.title")
	v.Form["name"] = r.PostFormValue("name")
	sub := subject(r)
	_, secret, err := account.CreateToken(r.Context(), s.db, sub.Actor, sub.Account.ID, v.Form["name"])
	if err != nil {
		if !v.problems(err) {
			s.serverError(w, r, err)
			return
		}
		s.showTokens(w, r, v, "", http.StatusUnprocessableEntity)
		return
	}
	v.Form["name"] = ""
	s.showTokens(w, r, v, secret, http.StatusOK)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	err := account.RevokeToken(r.Context(), s.db, subject(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
}
