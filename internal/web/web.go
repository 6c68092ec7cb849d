// Package web serves whatmatters' pages: server-rendered HTML in the GOV.UK
// style, in English and Welsh, with the JSON API mounted under /api/v1.
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
	"whatmatters/internal/api"
	"whatmatters/internal/demo"
	"whatmatters/internal/httpx"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

//go:embed static
var staticFiles embed.FS

// Options configure the web server.
type Options struct {
	Demo          bool // list the demo sign-ins on the sign-in page, show the demo banner
	SecureCookies bool // session cookie only over HTTPS
	Logger        *slog.Logger
}

// Server holds what the handlers need.
type Server struct {
	db       *store.DB
	opts     Options
	sessions *scs.SessionManager
	pages    *pages
	log      *slog.Logger
	logins   []demo.Login
}

// maxFormBody is the largest form a page accepts; attachments have their
// own, larger limit.
const maxFormBody = 1 << 20

// maxUploadBody is the story form's limit. It is well above the
// attachment limit, so a file a little too big gets a plain message with
// the form kept, rather than a bare refusal.
const maxUploadBody = 3 * people.MaxAttachment

// New builds the whole HTTP handler: pages, static files, the API and
// health check, behind the middleware every request passes through.
func New(db *store.DB, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{db: db, opts: opts, pages: mustParsePages(), log: opts.Logger}
	if opts.Demo {
		s.logins = demo.Logins
	}
	s.sessions = scs.New()
	s.sessions.Store = account.SessionStore{DB: db}
	s.sessions.IdleTimeout = 30 * time.Minute
	s.sessions.Lifetime = 12 * time.Hour
	s.sessions.Cookie.Name = "whatmatters_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = opts.SecureCookies
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.serverError(w, r, err) }

	pages := http.NewServeMux()
	s.routes(pages)
	csrf := http.NewCrossOriginProtection()
	pagesHandler := csrf.Handler(s.sessions.LoadAndSave(s.limitBody(s.withAccount(pages))))

	root := http.NewServeMux()
	root.Handle("/api/", api.New(db, opts.Logger))
	root.HandleFunc("GET /healthz", s.health)
	static, _ := fs.Sub(staticFiles, "static")
	root.Handle("GET /static/", cacheForever(http.StripPrefix("/static/", http.FileServerFS(static))))
	assets, _ := fs.Sub(staticFiles, "static/vendor/govuk-frontend/assets")
	root.Handle("GET /assets/", cacheForever(http.StripPrefix("/assets/", http.FileServerFS(assets))))
	root.Handle("/", pagesHandler)
	return httpx.RequestID(httpx.SecurityHeaders(s.recoverPanics(root)))
}

// limitBody refuses oversized forms. Only the story form, which carries
// an attachment, may be larger.
func (s *Server) limitBody(next http.Handler) http.Handler {
	forms := httpx.MaxBody(maxFormBody, s.tooLarge, next)
	uploads := httpx.MaxBody(maxUploadBody, s.tooLarge, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/story/new") {
			uploads.ServeHTTP(w, r)
			return
		}
		forms.ServeHTTP(w, r)
	})
}

// cacheForever marks static files cacheable; they change only with a new
// release.
func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /sign-in", s.signInPage)
	mux.HandleFunc("POST /sign-in", s.signIn)
	mux.HandleFunc("POST /sign-out", s.signOut)
	mux.HandleFunc("GET /language/{lang}", s.setLanguage)
	mux.HandleFunc("GET /{$}", s.signedIn(s.home))
	mux.HandleFunc("GET /people/{id}", s.signedIn(s.person))
	mux.HandleFunc("GET /people/{id}/access-log", s.signedIn(s.accessLog))
	mux.HandleFunc("GET /people/{id}/edit", s.signedIn(s.editPerson))
	mux.HandleFunc("POST /people/{id}/edit", s.signedIn(s.savePerson))
	mux.HandleFunc("GET /people/{id}/about-me", s.signedIn(s.aboutMePage))
	mux.HandleFunc("POST /people/{id}/about-me", s.signedIn(s.saveAboutMe))
	mux.HandleFunc("GET /people/{id}/about-me/history", s.signedIn(s.aboutMeHistory))
	mux.HandleFunc("GET /people/{id}/profile", s.signedIn(s.profilePage))
	mux.HandleFunc("POST /people/{id}/profile", s.signedIn(s.saveProfile))
	mux.HandleFunc("GET /people/{id}/addresses/new", s.signedIn(s.addressPage))
	mux.HandleFunc("POST /people/{id}/addresses/new", s.signedIn(s.addAddress))
	mux.HandleFunc("GET /people/{id}/relationships/new", s.signedIn(s.relationshipPage))
	mux.HandleFunc("POST /people/{id}/relationships/new", s.signedIn(s.addRelationship))
	mux.HandleFunc("GET /people/{id}/outcomes/new", s.signedIn(s.newOutcomePage))
	mux.HandleFunc("POST /people/{id}/outcomes/new", s.signedIn(s.addOutcome))
	mux.HandleFunc("GET /people/{id}/outcomes/{outcome}/edit", s.signedIn(s.editOutcomePage))
	mux.HandleFunc("POST /people/{id}/outcomes/{outcome}/edit", s.signedIn(s.saveOutcome))
	mux.HandleFunc("GET /people/{id}/outcomes/{outcome}/progress", s.signedIn(s.progressPage))
	mux.HandleFunc("POST /people/{id}/outcomes/{outcome}/progress", s.signedIn(s.addProgress))
	mux.HandleFunc("GET /people/{id}/strengths/new", s.signedIn(s.newStrengthPage))
	mux.HandleFunc("POST /people/{id}/strengths/new", s.signedIn(s.addStrength))
	mux.HandleFunc("GET /people/{id}/risks/new", s.signedIn(s.newRiskPage))
	mux.HandleFunc("POST /people/{id}/risks/new", s.signedIn(s.addRisk))
	mux.HandleFunc("GET /people/{id}/story/new", s.signedIn(s.newEntryPage))
	mux.HandleFunc("POST /people/{id}/story/new", s.signedIn(s.addEntry))
	mux.HandleFunc("GET /people/{id}/story", s.signedIn(s.timeline))
	mux.HandleFunc("GET /people/{id}/story/{entry}/change", s.signedIn(s.changeEntryPage))
	mux.HandleFunc("POST /people/{id}/story/{entry}/correct", s.signedIn(s.correctEntry))
	mux.HandleFunc("POST /people/{id}/story/{entry}/remove", s.signedIn(s.removeEntry))
	mux.HandleFunc("GET /search", s.signedIn(s.search))
	mux.HandleFunc("GET /attachments/{id}", s.signedIn(s.attachment))
	mux.HandleFunc("POST /coach", s.signedIn(s.coachCheck))
	mux.HandleFunc("GET /admin/coach", s.signedIn(s.onlyFor(isRole(account.RoleAdmin), s.coachAdminPage)))
	mux.HandleFunc("POST /admin/coach", s.signedIn(s.onlyFor(isRole(account.RoleAdmin), s.addCoachTerm)))
	mux.HandleFunc("POST /admin/coach/{term}/remove", s.signedIn(s.onlyFor(isRole(account.RoleAdmin), s.removeCoachTerm)))
	mux.HandleFunc("GET /break-glass", s.signedIn(s.onlyFor(account.Role.MayBreakGlass, s.breakGlassPage)))
	mux.HandleFunc("POST /break-glass", s.signedIn(s.onlyFor(account.Role.MayBreakGlass, s.breakGlass)))
	mux.HandleFunc("GET /break-glass/review", s.signedIn(s.onlyFor(isRole(account.RoleManager), s.reviewPage)))
	mux.HandleFunc("POST /break-glass/review/{id}", s.signedIn(s.onlyFor(isRole(account.RoleManager), s.review)))
	mux.HandleFunc("GET /account/tokens", s.signedIn(s.tokensPage))
	mux.HandleFunc("POST /account/tokens", s.signedIn(s.createToken))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", s.signedIn(s.revokeToken))
	mux.HandleFunc("/", s.notFound)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"unavailable"}`))
		return
	}
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}
