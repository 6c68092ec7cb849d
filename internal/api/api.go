// Package api serves the JSON API under /api/v1. Callers authenticate with
// a personal access token (Authorization: Bearer wm_…); every request goes
// through the same access rule and audit as the pages, and errors are RFC
// 9457 problem details.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/httpx"
	"whatmatters/internal/store"
)

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

type ctxKey int

const accountKey ctxKey = 1

// API holds what the handlers need.
type API struct {
	db  *store.DB
	log *slog.Logger
}

// New returns the handler for everything under /api/.
func New(db *store.DB, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	a := &API{db: db, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/openapi.json", a.openAPI)
	mux.HandleFunc("GET /api/v1/me", a.authed(a.me))
	mux.HandleFunc("GET /api/v1/people", a.authed(a.listPeople))
	mux.HandleFunc("GET /api/v1/people/{id}", a.authed(a.getPerson))
	mux.HandleFunc("PATCH /api/v1/people/{id}", a.authed(a.patchPerson))
	mux.HandleFunc("GET /api/v1/people/{id}/access-log", a.authed(a.accessLog))
	a.recordRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		a.problem(w, r, http.StatusNotFound, "There is nothing at this address. The API's endpoints are listed in /api/v1/openapi.json.", nil)
	})
	return httpx.MaxBody(maxBody, a.tooLarge, mux)
}

func (a *API) tooLarge(w http.ResponseWriter, r *http.Request) {
	a.problem(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body must be %d bytes or fewer.", maxBody), nil)
}

// authed checks the bearer token. An unknown, revoked or malformed token
// gets one answer, and the attempt is audited like a failed sign-in.
func (a *API) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="whatmatters"`)
			a.problem(w, r, http.StatusUnauthorized, "Send a personal access token: Authorization: Bearer wm_…. Make one on the API tokens page.", nil)
			return
		}
		acct, err := account.AccountForToken(r.Context(), a.db, strings.TrimSpace(secret))
		if errors.Is(err, account.ErrBadToken) {
			_ = audit.WriteAlone(r.Context(), a.db, audit.Actor{IP: httpx.ClientIP(r), RequestID: httpx.RequestIDFrom(r.Context())},
				audit.Record{Action: "api.token", Outcome: audit.Failed})
			w.Header().Set("WWW-Authenticate", `Bearer realm="whatmatters", error="invalid_token"`)
			a.problem(w, r, http.StatusUnauthorized, "The API token is not valid: it may have been revoked. Make a new one on the API tokens page.", nil)
			return
		}
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), accountKey, acct)))
	}
}

func subject(r *http.Request) account.Subject {
	acct, _ := r.Context().Value(accountKey).(*account.Account)
	return account.NewSubject(acct, httpx.ClientIP(r), httpx.RequestIDFrom(r.Context()))
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	acct := subject(r).Account
	writeJSON(w, http.StatusOK, map[string]any{"id": acct.ID, "email": acct.Email, "display_name": acct.DisplayName,
		"role": acct.Role, "organisation_id": acct.OrganisationID, "team_id": acct.TeamID})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
