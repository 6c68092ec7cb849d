package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"whatmatters/internal/account"
	"whatmatters/internal/httpx"
	"whatmatters/internal/store"
)

type ctxKey int

const accountKey ctxKey = 1

const sessionAccount = "account_id"

// withAccount loads the signed-in account, if any, on every page request.
// A session for an account that has since been disabled or removed is
// ended.
func (s *Server) withAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.sessions.GetString(r.Context(), sessionAccount)
		if id != "" {
			a, err := account.AccountByID(r.Context(), s.db.Read(), id)
			switch {
			case err == nil && !a.Disabled:
				r = r.WithContext(context.WithValue(r.Context(), accountKey, a))
			case err == nil || errors.Is(err, store.ErrNotFound):
				_ = s.sessions.Destroy(r.Context())
			default:
				s.serverError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func accountFrom(ctx context.Context) *account.Account {
	a, _ := ctx.Value(accountKey).(*account.Account)
	return a
}

// signedIn sends anyone not signed in to the sign-in page, and back here
// afterwards.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if accountFrom(r.Context()) == nil {
			http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// onlyFor lets through the roles for which may is true; anyone else is
// told the role does not allow it (403). It goes inside signedIn.
func (s *Server) onlyFor(may func(account.Role) bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !may(accountFrom(r.Context()).Role) {
			s.forbidden(w, r)
			return
		}
		h(w, r)
	}
}

// isRole is the check for pages that belong to one role.
func isRole(role account.Role) func(account.Role) bool {
	return func(r account.Role) bool { return r == role }
}

// subject is the signed-in account as the domain packages see it.
func subject(r *http.Request) account.Subject {
	return account.NewSubject(accountFrom(r.Context()), httpx.ClientIP(r), requestID(r))
}

func requestID(r *http.Request) string { return httpx.RequestIDFrom(r.Context()) }

// recoverPanics turns a panic into the plain error page; the detail goes
// to the log, never to the person.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
