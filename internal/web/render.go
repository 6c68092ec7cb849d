package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/demo"
	"whatmatters/internal/i18n"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pageNames are every page template; each is parsed with layout.html.
// Parsing fails at start-up if one is missing.
var pageNames = []string{"signin", "home", "person", "accesslog", "edit", "conflict", "breakglass",
	"review", "tokens", "error", "aboutme", "outcome", "progress", "strength", "risk", "story", "timeline", "search", "change", "profile", "relationship", "address", "coachadmin", "aboutmehistory"}

// pages holds each page's template set, per language: the "t" function is
// bound to the language at parse time, so templates just say {{t "key"}}.
type pages struct {
	byLang map[string]map[string]*template.Template
	coach  map[string]*template.Template // the coach's advice, a fragment for htmx
}

func mustParsePages() *pages {
	p := &pages{byLang: map[string]map[string]*template.Template{}, coach: map[string]*template.Template{}}
	for _, lang := range []string{i18n.English, i18n.Welsh} {
		p.coach[lang] = template.Must(template.New("coach.html").Funcs(funcs(lang)).ParseFS(templateFiles, "templates/coach.html"))
		p.byLang[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t := template.New("layout.html").Funcs(funcs(lang))
			t = template.Must(t.ParseFS(templateFiles, "templates/layout.html", "templates/fields.html", "templates/"+name+".html"))
			p.byLang[lang][name] = t
		}
	}
	return p
}

func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":    func(key string, args ...any) string { return i18n.T(lang, key, args...) },
		"date": func(t time.Time) string { return formatDate(lang, t) },
		"datetime": func(t time.Time) string {
			return formatDate(lang, t) + " " + t.In(london).Format("15:04")
		},
		"dob":   func(iso string) string { return formatDOB(lang, iso) },
		"age":   age,
		"role":  func(r any) string { return i18n.T(lang, fmt.Sprint("role.", r)) },
		"list":  func(v ...string) []string { return v },
		"field": field,
		"kb":    func(n int) string { return i18n.T(lang, "size.kb", (n+1023)/1024) },
	}
}

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}()

func formatDate(lang string, t time.Time) string {
	t = t.In(london)
	return fmt.Sprintf("%d %s %d", t.Day(), i18n.T(lang, fmt.Sprintf("month.%d", int(t.Month()))), t.Year())
}

func formatDOB(lang, iso string) string {
	d, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return fmt.Sprintf("%d %s %d", d.Day(), i18n.T(lang, fmt.Sprintf("month.%d", int(d.Month()))), d.Year())
}

// age in whole years on today's date, or -1 if the date is unknown.
func age(iso string) int {
	d, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return -1
	}
	now := time.Now().In(london)
	years := now.Year() - d.Year()
	if now.YearDay() < d.YearDay() {
		years--
	}
	return years
}

// fieldArgs is what the field templates in fields.html receive.
type fieldArgs struct {
	Name, Label, Hint, Value, Error, Type string
	Rows                                  int
	Options                               []string
	Coach                                 string // "story" or "outcome": check the text as it is typed
}

// Described is the aria-describedby value: the hint and the error.
func (f fieldArgs) Described() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// field builds a form field from the view: its value as typed and its
// error, if any. Extra arguments, in any order: an int is the textarea's
// rows, a []string the radio options, "type=…" the input type, and
// "coach=…" turns on the recording coach.
func field(v *view, name, label, hint string, extra ...any) fieldArgs {
	f := fieldArgs{Name: name, Label: label, Hint: hint, Value: v.Value(name), Error: v.ErrorFor(name)}
	for _, e := range extra {
		switch x := e.(type) {
		case int:
			f.Rows = x
		case []string:
			f.Options = x
		case string:
			if t, ok := strings.CutPrefix(x, "type="); ok {
				f.Type = t
			} else if c, ok := strings.CutPrefix(x, "coach="); ok {
				f.Coach = c
			}
		}
	}
	return f
}

// fieldError is one problem shown in the error summary and beside its field.
type fieldError struct {
	Field   string
	Message string
}

// view is what every page template receives.
type view struct {
	Lang     string
	Title    string // already translated
	Path     string
	Account  *account.Account
	Demo     bool
	Logins   []demo.Login
	Password string
	Flash    string
	Errors   []fieldError
	Form     map[string]string
	Data     any
}

// ErrorFor returns the message for one field, for inline errors.
func (v *view) ErrorFor(field string) string {
	for _, e := range v.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Value returns what the person typed into a field.
func (v *view) Value(field string) string { return v.Form[field] }

func (s *Server) newView(r *http.Request, titleKey string) *view {
	lang := langOf(r)
	return &view{Lang: lang, Title: i18n.T(lang, titleKey), Path: r.URL.Path, Account: accountFrom(r.Context()),
		Demo: s.opts.Demo, Logins: s.logins, Password: demo.Password, Form: map[string]string{}}
}

// problems turns a domain validation error into translated field errors.
func (v *view) problems(err error) bool {
	ps, ok := valid.From(err)
	for _, p := range ps {
		v.Errors = append(v.Errors, fieldError{p.Field, i18n.T(v.Lang, p.Code, p.Args...)})
	}
	return ok
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t := s.pages.byLang[v.Lang][name]
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// langOf reads the chosen language from its cookie, English by default.
func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		return i18n.Lang(c.Value)
	}
	return i18n.English
}

func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Lang(r.PathValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// safeNext keeps redirects on this site: only a local path is allowed.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "error.not_found.title")
	v.Data = "error.not_found.body"
	s.render(w, r, http.StatusNotFound, "error", v)
}

// fail answers an error from a domain package: "Page not found" for a
// person or thing out of reach (store.ErrNotFound), the plain error page
// for anything else.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	s.serverError(w, r, err)
}

// tooLarge refuses a form bigger than the server takes, in the page's
// language.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "error.too_large.title")
	v.Data = "error.too_large.body"
	s.render(w, r, http.StatusRequestEntityTooLarge, "error", v)
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "error.forbidden.title")
	v.Data = "error.forbidden.body"
	s.render(w, r, http.StatusForbidden, "error", v)
}

// serverError logs the error with the request ID and shows a plain page:
// never a stack trace or an error message to the person.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "err", err, "method", r.Method, "path", r.URL.Path, "request_id", requestID(r))
	v := s.newView(r, "error.server.title")
	v.Data = "error.server.body"
	t := s.pages.byLang[v.Lang]["error"]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	_ = t.Execute(w, v)
}
