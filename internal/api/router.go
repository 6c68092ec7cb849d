package api

import (
	"net/http"
	"strings"

	"whatmatters/internal/access"
)

// Route describes one registered endpoint, for the docs and the
// route-walk tests.
type Route struct {
	Pattern string // "GET /api/v1/people/{id}"
	Access  string // "public", "token" or "person"
	Need    access.Need
}

// Method and Path split the pattern.
func (r Route) Method() string { m, _, _ := strings.Cut(r.Pattern, " "); return m }
func (r Route) Path() string   { _, p, _ := strings.Cut(r.Pattern, " "); return p }

// NamesPerson reports whether the route names a person: it passes the gate.
func (r Route) NamesPerson() bool { return r.Access == "person" }

// Router is how a domain adds its endpoints.
type Router struct {
	api *API
	mux *http.ServeMux
}

func (rt *Router) handle(route Route, h http.HandlerFunc) {
	rt.api.routes = append(rt.api.routes, route)
	rt.mux.HandleFunc(route.Pattern, h)
}

// Public adds an endpoint anyone may call (the OpenAPI document).
func (rt *Router) Public(pattern string, h http.HandlerFunc) {
	rt.handle(Route{Pattern: pattern, Access: "public"}, h)
}

// Handle adds an endpoint for any valid token.
func (rt *Router) Handle(pattern string, h http.HandlerFunc) {
	rt.handle(Route{Pattern: pattern, Access: "token"}, rt.api.authed(h))
}

// PersonHandler serves an endpoint of an opened record.
type PersonHandler func(w http.ResponseWriter, r *http.Request, op *access.Opened)

// Person adds an endpoint that names a person ({id}). It is the door
// every such endpoint passes, before anything else is read from the
// request: the record is opened for the token's account (the rule, the
// grant, an audit row); a person out of reach is a 404 problem exactly
// like one who does not exist, whatever else is wrong with the request; a
// grant without what the route needs is a 403.
func (rt *Router) Person(pattern string, need access.Need, h PersonHandler) {
	a := rt.api
	gate := func(w http.ResponseWriter, r *http.Request) {
		op, err := access.Open(r.Context(), a.DB, Subject(r), r.PathValue("id"), r.URL.Path)
		if err != nil {
			a.Fail(w, r, err)
			return
		}
		if !op.Grant().Allows(need) {
			a.Problem(w, r, http.StatusForbidden, "Your role may read this record but not change this part of it.", nil)
			return
		}
		h(w, r, op)
	}
	rt.handle(Route{Pattern: pattern, Access: "person", Need: need}, a.authed(gate))
}
