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

// SessionAccount is the session key holding the signed-in account.
const SessionAccount = "account_id"

// SessionSSO is the session key saying the account signed in through the
// identity provider, so signing out can end the provider's session too.
const SessionSSO = "signed_in_with_sso"

// withAccount loads the signed-in account, if any, on every page request.
// A session for an account that has since been disabled or removed is
// ended.
func (s *Shell) withAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.Sessions.GetString(r.Context(), SessionAccount)
		if id != "" {
			a, err := account.AccountByID(r.Context(), s.DB.Read(), id)
			switch {
			case err == nil && !a.Disabled:
				r = r.WithContext(context.WithValue(r.Context(), accountKey, a))
			case err == nil || errors.Is(err, store.ErrNotFound):
				_ = s.Sessions.Destroy(r.Context())
			default:
				s.ServerError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// AccountFrom is the signed-in account, or nil.
func AccountFrom(ctx context.Context) *account.Account {
	a, _ := ctx.Value(accountKey).(*account.Account)
	return a
}

// signedIn sends anyone not signed in to the sign-in page, and back here
// afterwards.
func (s *Shell) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if AccountFrom(r.Context()) == nil {
			http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// onlyFor lets through the roles for which may is true; anyone else is
// told the role does not allow it (403). It goes inside signedIn.
func (s *Shell) onlyFor(may func(account.Role) bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !may(AccountFrom(r.Context()).Role) {
			s.Forbidden(w, r)
			return
		}
		h(w, r)
	}
}

// IsRole is the check for pages that belong to one role.
func IsRole(role account.Role) func(account.Role) bool {
	return func(r account.Role) bool { return r == role }
}

// Subject is the signed-in account as the domain packages see it.
func Subject(r *http.Request) account.Subject {
	return account.NewSubject(AccountFrom(r.Context()), httpx.ClientIP(r), requestID(r))
}

func requestID(r *http.Request) string { return httpx.RequestIDFrom(r.Context()) }

// recoverPanics turns a panic into the plain error page; the detail goes
// to the log, never to the person.
func (s *Shell) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.ServerError(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
