// Package web is the shell every page is served in: the server's
// middleware (sessions, cross-origin protection, security headers, body
// limits, panics), the GOV.UK layout with its menu and language switch,
// form fields and the error summary, rendering, static files, and the
// router through which each domain adds its pages. The pages themselves
// live with their domains (internal/<domain>/pages), each with its own
// templates and English and Welsh messages; internal/server wires them.
package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/demo"
	"whatmatters/internal/httpx"
	"whatmatters/internal/sso"
	"whatmatters/internal/store"
	"whatmatters/internal/telemetry"
	"whatmatters/internal/valid"
)

//go:embed static
var staticFiles embed.FS

// Options configure the web server.
type Options struct {
	Demo          bool // list the demo sign-ins on the sign-in page, show the demo banner
	SecureCookies bool // session cookie only over HTTPS
	Logger        *slog.Logger
	// TwoFactor says who must sign in with a code as well as a password;
	// empty is account.TwoFactorAdmins.
	TwoFactor account.TwoFactorPolicy
	// SSO is the identity provider staff may sign in with; nil when
	// single sign-on is not set up.
	SSO *sso.Provider
}

// Shell holds what every page needs: the database, sessions, the layout
// and the log. Page packages embed it.
type Shell struct {
	DB       *store.DB
	Opts     Options
	Sessions *scs.SessionManager
	Log      *slog.Logger
	Logins   []demo.Login
	menu     []MenuItem
	routes   []Route
	errorTpl *Templates
}

// Domain is a domain's pages: it adds its routes (and menu items) to the
// router.
type Domain interface {
	Routes(rt *Router)
}

// MaxFormBody is the largest form a page accepts unless its route says
// otherwise (a story entry with its attachment).
const MaxFormBody = 1 << 20

// NewShell makes the shell. Call Handler to serve it.
func NewShell(db *store.DB, opts Options) *Shell {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Shell{DB: db, Opts: opts, Log: opts.Logger}
	if opts.Demo {
		s.Logins = demo.Logins
	}
	s.Sessions = scs.New()
	s.Sessions.IdleTimeout = 30 * time.Minute
	s.Sessions.Store = account.SessionStore{DB: db, IdleTimeout: s.Sessions.IdleTimeout}
	s.Sessions.Lifetime = 12 * time.Hour
	s.Sessions.Cookie.Name = "whatmatters_session"
	s.Sessions.Cookie.HttpOnly = true
	s.Sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.Sessions.Cookie.Secure = opts.SecureCookies
	s.Sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.ServerError(w, r, err) }
	s.errorTpl = s.Templates(nil)
	return s
}

// Handler builds the whole site: each domain's pages behind the session,
// account and cross-origin middleware; the API (already built, with its
// own authentication) under /api/; the health check and static files.
func (s *Shell) Handler(api http.Handler, domains ...Domain) http.Handler {
	pages := http.NewServeMux()
	rt := &Router{shell: s, mux: pages}
	rt.Public("GET /language/{lang}", s.setLanguage)
	for _, d := range domains {
		d.Routes(rt)
	}
	pages.HandleFunc("/", s.NotFound)
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.crossOrigin))
	pagesHandler := csrf.Handler(withSessionMemo(s.Sessions.LoadAndSave(s.withAccount(telemetry.Routed(pages)))))

	root := http.NewServeMux()
	if api != nil {
		root.Handle("/api/", api)
	}
	root.HandleFunc("GET /healthz", s.health)
	static, _ := fs.Sub(staticFiles, "static")
	root.Handle("GET /static/", cacheForever(http.StripPrefix("/static/", http.FileServerFS(static))))
	assets, _ := fs.Sub(staticFiles, "static/vendor/govuk-frontend/assets")
	root.Handle("GET /assets/", cacheForever(http.StripPrefix("/assets/", http.FileServerFS(assets))))
	root.Handle("/", pagesHandler)
	return httpx.RequestID(telemetry.Observe(s.Log, httpx.SecurityHeaders(s.recoverPanics(telemetry.Routed(root)))))
}

// withSessionMemo lets the session store remember the session it read, so
// an unchanged session is written at most once a minute (see
// account.SessionStore).
func withSessionMemo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(account.WithSessionMemo(r.Context())))
	})
}

// Routes lists every page route the domains registered, for the docs and
// the route-walk tests. Valid after Handler.
func (s *Shell) Routes() []Route { return s.routes }

// cacheForever marks static files cacheable; they change only with a new
// release.
func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

func (s *Shell) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.DB.Ping(r.Context()); err != nil {
		s.Log.ErrorContext(r.Context(), "health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"unavailable"}`))
		return
	}
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

// crossOrigin refuses a cross-site form post with the service's own page,
// in the person's language, rather than Go's plain-text message.
func (s *Shell) crossOrigin(w http.ResponseWriter, r *http.Request) {
	// Audited like any refusal, with the person the address names, if any:
	// a forged post against a record is something its owner should see.
	rec := audit.Record{Action: "request.cross_origin", Outcome: audit.Denied, Target: audit.Short(strings.ToValidUTF8(r.URL.Path, "?")),
		Details: map[string]string{"origin": audit.Short(r.Header.Get("Origin"))}}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/people/"); ok {
		if id, _, _ := strings.Cut(rest, "/"); valid.IsID(id) {
			rec.PersonID = id
		}
	}
	if err := audit.WriteAlone(r.Context(), s.DB, audit.Actor{IP: httpx.ClientIP(r), RequestID: httpx.RequestIDFrom(r.Context())}, rec); err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := s.NewView(r, "error.forbidden.title")
	v.Data = "error.cross_origin.body"
	s.Render(w, r, http.StatusForbidden, s.errorTpl, "error", v)
}
