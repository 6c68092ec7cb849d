package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/httpx"
	"whatmatters/internal/store"
)

// Route describes one registered page route: the docs list them and the
// route-walk tests visit every one.
type Route struct {
	Pattern string // "GET /people/{id}"
	Access  string // "public", "signed in", "role" or "person"
	Need    access.Need
	Roles   string // for role routes: who may use it
}

// Method and Path split the pattern.
func (r Route) Method() string { m, _, _ := strings.Cut(r.Pattern, " "); return m }
func (r Route) Path() string   { _, p, _ := strings.Cut(r.Pattern, " "); return p }

// NamesPerson reports whether the route names a person: it passes the gate.
func (r Route) NamesPerson() bool { return r.Access == "person" }

// Router is how a domain adds its pages. Every route is registered through
// one of its methods, so each passes the right door: public, signed in,
// a role's, or the person gate.
type Router struct {
	shell *Shell
	mux   *http.ServeMux
}

// RouteOption changes how one route is served.
type RouteOption func(*routeOpts)

type routeOpts struct{ maxBody int64 }

// MaxBody lets a route accept a larger body than MaxFormBody (a form
// carrying a file).
func MaxBody(n int64) RouteOption { return func(o *routeOpts) { o.maxBody = n } }

func (rt *Router) handle(route Route, h http.HandlerFunc, opts []RouteOption) {
	o := routeOpts{maxBody: MaxFormBody}
	for _, f := range opts {
		f(&o)
	}
	rt.shell.routes = append(rt.shell.routes, route)
	rt.mux.Handle(route.Pattern, httpx.MaxBody(o.maxBody, rt.shell.TooLarge, h))
}

// Public adds a page anyone may see (sign-in, the language switch).
func (rt *Router) Public(pattern string, h http.HandlerFunc, opts ...RouteOption) {
	rt.handle(Route{Pattern: pattern, Access: "public"}, h, opts)
}

// SignedIn adds a page for anyone signed in; others are sent to sign in
// and brought back.
func (rt *Router) SignedIn(pattern string, h http.HandlerFunc, opts ...RouteOption) {
	rt.handle(Route{Pattern: pattern, Access: "signed in"}, rt.shell.signedIn(h), opts)
}

// ForRoles adds a page for the roles that may use it (who names them for
// the docs); anyone else signed in is told the role does not allow it.
func (rt *Router) ForRoles(pattern, who string, may func(account.Role) bool, h http.HandlerFunc, opts ...RouteOption) {
	rt.handle(Route{Pattern: pattern, Access: "role", Roles: who}, rt.shell.signedIn(rt.shell.onlyFor(may, h)), opts)
}

// PersonHandler serves a page of an opened record.
type PersonHandler func(w http.ResponseWriter, r *http.Request, op *access.Opened)

// Person adds a page that names a person ({id} in its pattern). It is the
// door every such page passes: the record is opened for the signed-in
// account (the access rule, the grant, an audit row), a person out of
// reach is "Page not found" exactly like one who does not exist, and a
// grant without what the route needs is refused before the handler runs.
// The handler receives the opened record; it never opens one itself.
func (rt *Router) Person(pattern string, need access.Need, h PersonHandler, opts ...RouteOption) {
	s := rt.shell
	gate := func(w http.ResponseWriter, r *http.Request) {
		op, err := access.Open(r.Context(), s.DB, Subject(r), r.PathValue("id"), r.URL.Path)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if !op.Grant().Allows(need) {
			s.Forbidden(w, r)
			return
		}
		h(w, r.WithContext(withOpened(r.Context(), op)), op)
	}
	rt.handle(Route{Pattern: pattern, Access: "person", Need: need}, s.signedIn(gate), opts)
}

// MenuItem is one link in the header's menu, shown to the accounts For
// allows (everyone signed in if For is nil), in Order. Count, if set, is a
// number shown beside it (uses of emergency access waiting for review).
type MenuItem struct {
	Href  string
	Key   string // its words, from the catalogues
	Order int
	For   func(*account.Account) bool
	Count func(ctx context.Context, a *account.Account) (int, error)
}

// MenuLink is a menu item as one page shows it.
type MenuLink struct {
	Href, Key string
	N         int
}

// Menu adds a link to the header's menu.
func (rt *Router) Menu(item MenuItem) {
	rt.shell.menu = append(rt.shell.menu, item)
	sort.SliceStable(rt.shell.menu, func(i, j int) bool { return rt.shell.menu[i].Order < rt.shell.menu[j].Order })
}

// menuFor is the menu an account sees. A count that cannot be read is
// left out and logged: the page still serves.
func (s *Shell) menuFor(r *http.Request, a *account.Account) []MenuLink {
	if a == nil {
		return nil
	}
	var out []MenuLink
	for _, m := range s.menu {
		if m.For != nil && !m.For(a) {
			continue
		}
		l := MenuLink{Href: m.Href, Key: m.Key}
		if m.Count != nil {
			n, err := m.Count(r.Context(), a)
			if err != nil {
				s.Log.ErrorContext(r.Context(), "menu count", "err", err, "href", m.Href)
			}
			l.N = n
		}
		out = append(out, l)
	}
	return out
}

// Fail answers an error from a domain package: "Page not found" for a
// person or thing out of reach (store.ErrNotFound), "not allowed" for a
// grant's refusal, the plain error page for anything else.
func (s *Shell) Fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.NotFound(w, r)
	case errors.Is(err, access.ErrNotAllowed):
		s.Forbidden(w, r)
	default:
		s.ServerError(w, r, err)
	}
}

type openedKey struct{}

func withOpened(ctx context.Context, op *access.Opened) context.Context {
	return context.WithValue(ctx, openedKey{}, op)
}

// Emergency is the banner shown on every page of a record opened through
// emergency access: why, and how long is left.
type Emergency struct {
	Reason      string
	MinutesLeft int
}

func emergencyOf(r *http.Request) *Emergency {
	op := openedOf(r)
	if op == nil || op.Emergency() == nil {
		return nil
	}
	bg := op.Emergency()
	left := int(math.Ceil(time.Until(bg.ExpiresAt).Minutes()))
	return &Emergency{Reason: bg.Reason, MinutesLeft: max(left, 0)}
}

func openedOf(r *http.Request) *access.Opened {
	op, _ := r.Context().Value(openedKey{}).(*access.Opened)
	return op
}

func grantOf(r *http.Request) access.Grant {
	if op := openedOf(r); op != nil {
		return op.Grant()
	}
	return access.Grant{}
}

// ownRecord reports whether the page is a person's own record, read by them.
func ownRecord(r *http.Request, a *account.Account) bool {
	op := openedOf(r)
	return op != nil && a != nil && a.Role == account.RolePerson && a.PersonID == op.PersonID()
}
