// Package api is the JSON API's shell, under /api/v1: bearer tokens,
// RFC 9457 problem details, strict JSON bodies, If-Match, the router
// through which each domain adds its endpoints (with the person gate for
// every route that names a person), and the OpenAPI document assembled at
// start-up from each domain's part. The endpoints live with their domains
// (internal/<domain>/apiv1); internal/server wires them.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/httpx"
	"whatmatters/internal/store"
	"whatmatters/internal/telemetry"
)

// MaxBody is the largest request body the API reads.
const MaxBody = 1 << 20

type ctxKey int

const accountKey ctxKey = 1

// API holds what the handlers need. Domain packages embed it.
type API struct {
	DB     *store.DB
	Log    *slog.Logger
	routes []Route
	doc    []byte
}

// Domain is a domain's endpoints: it adds its routes and gives its part of
// the OpenAPI document (a JSON object with "paths" and, optionally,
// "components").
type Domain interface {
	Routes(rt *Router)
	OpenAPI() []byte
}

// New makes the API's shell.
func New(db *store.DB, log *slog.Logger) *API {
	if log == nil {
		log = slog.Default()
	}
	return &API{DB: db, Log: log}
}

// Handler builds everything under /api/ from the domains' endpoints.
func (a *API) Handler(domains ...Domain) http.Handler {
	mux := http.NewServeMux()
	rt := &Router{api: a, mux: mux}
	rt.Public("GET /api/v1/openapi.json", a.openAPI)
	rt.Handle("GET /api/v1/me", a.me)
	parts := [][]byte{baseDoc}
	for _, d := range domains {
		d.Routes(rt)
		parts = append(parts, d.OpenAPI())
	}
	doc, err := assemble(parts)
	if err != nil {
		panic(fmt.Sprintf("api: the OpenAPI document: %v", err))
	}
	a.doc = doc
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		a.Problem(w, r, http.StatusNotFound, "There is nothing at this address. The API's endpoints are listed in /api/v1/openapi.json.", nil)
	})
	return httpx.MaxBody(MaxBody, a.tooLarge, telemetry.Routed(mux))
}

// Routes lists every registered endpoint. Valid after Handler.
func (a *API) Routes() []Route { return a.routes }

func (a *API) tooLarge(w http.ResponseWriter, r *http.Request) {
	a.Problem(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body must be %d bytes or fewer.", MaxBody), nil)
}

// authed checks the bearer token. An unknown, revoked or malformed token
// gets one answer; bad tokens are counted per client and throttled like
// bad passwords, and audited with their count.
func (a *API) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="whatmatters"`)
			a.Problem(w, r, http.StatusUnauthorized, "Send a personal access token: Authorization: Bearer wm_…. Make one on the API tokens page.", nil)
			return
		}
		ip := httpx.ClientIP(r)
		acct, err := account.AccountForToken(r.Context(), a.DB, secret)
		if errors.Is(err, account.ErrBadToken) {
			// A valid token always works; a client sending bad ones is
			// paused, and while paused its bad tokens are not even counted
			// (nothing is written).
			wait, err := account.TokenPause(r.Context(), a.DB, ip)
			if err != nil {
				a.ServerError(w, r, err)
				return
			}
			if wait > 0 {
				telemetry.SignInFailed(telemetry.FailThrottled)
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				a.Problem(w, r, http.StatusTooManyRequests, "Too many requests with tokens that are not valid. Wait, then try again with a valid token.", nil)
				return
			}
			if err := account.BadToken(r.Context(), a.DB, audit.Actor{IP: ip, RequestID: httpx.RequestIDFrom(r.Context())}); err != nil {
				a.ServerError(w, r, err)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="whatmatters", error="invalid_token"`)
			a.Problem(w, r, http.StatusUnauthorized, "The API token is not valid: it may have been revoked. Make a new one on the API tokens page.", nil)
			return
		}
		if err != nil {
			a.ServerError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), accountKey, acct)))
	}
}

// bearer reads the token from an Authorization header. The scheme is
// case-insensitive (RFC 9110 §11.1): "bearer" works as well as "Bearer".
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// Subject is the token's account as the domain packages see it.
func Subject(r *http.Request) account.Subject {
	acct, _ := r.Context().Value(accountKey).(*account.Account)
	return account.NewSubject(acct, httpx.ClientIP(r), httpx.RequestIDFrom(r.Context()))
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	acct := Subject(r).Account
	WriteJSON(w, http.StatusOK, map[string]any{"id": acct.ID, "email": acct.Email, "display_name": acct.DisplayName,
		"role": acct.Role, "organisation_id": acct.OrganisationID, "team_id": acct.TeamID})
}

// WriteJSON answers with v as JSON, never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// Items wraps a list so an empty one is [] rather than null.
func Items[T any](list []T) map[string]any {
	if list == nil {
		list = []T{}
	}
	return map[string]any{"items": list}
}
