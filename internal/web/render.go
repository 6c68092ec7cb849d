package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/demo"
	"whatmatters/internal/i18n"
	"whatmatters/internal/valid"
)

//go:embed templates/*.html
var shellTemplates embed.FS

// Templates are one domain's page templates, each parsed with the shell's
// layout and form fields, once per language: the "t" function is bound
// to the language at parse time, so templates just say {{t "key"}}.
type Templates struct {
	byLang map[string]map[string]*template.Template
}

// Templates parses every templates/*.html in fsys (a domain's embedded
// files) as a page in the shell's layout, with the domain's
// templates/partials/*.html (blocks its pages share). A page's file name
// without ".html" is its name. templates/fragments/*.html are served
// alone, without the layout (htmx answers), named "fragments/<name>".
// Parsing fails at start-up if a template is broken.
func (s *Shell) Templates(fsys fs.FS) *Templates {
	t := &Templates{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range []string{i18n.English, i18n.Welsh} {
		t.byLang[lang] = map[string]*template.Template{}
		t.byLang[lang]["error"] = template.Must(template.New("layout.html").Funcs(funcs(lang)).
			ParseFS(shellTemplates, "templates/layout.html", "templates/fields.html", "templates/error.html"))
		if fsys == nil {
			continue
		}
		names, _ := fs.Glob(fsys, "templates/*.html")
		partials, _ := fs.Glob(fsys, "templates/partials/*.html")
		fragments, _ := fs.Glob(fsys, "templates/fragments/*.html")
		if len(names)+len(fragments) == 0 {
			panic(fmt.Sprintf("web: no templates in %v", fsys))
		}
		for _, file := range names {
			page := template.New("layout.html").Funcs(funcs(lang))
			page = template.Must(page.ParseFS(shellTemplates, "templates/layout.html", "templates/fields.html"))
			if len(partials) > 0 {
				page = template.Must(page.ParseFS(fsys, partials...))
			}
			t.byLang[lang][strings.TrimSuffix(path.Base(file), ".html")] = template.Must(page.ParseFS(fsys, file))
		}
		for _, file := range fragments {
			name := "fragments/" + strings.TrimSuffix(path.Base(file), ".html")
			t.byLang[lang][name] = template.Must(template.New(path.Base(file)).Funcs(funcs(lang)).ParseFS(fsys, file))
		}
	}
	return t
}

func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":    func(key string, args ...any) string { return i18n.T(lang, key, args...) },
		"n":    func(key string, n int, args ...any) string { return i18n.N(lang, key, n, args...) },
		"date": func(t time.Time) string { return FormatDate(lang, t) },
		"datetime": func(t time.Time) string {
			return FormatDate(lang, t) + " " + t.In(london).Format("15:04")
		},
		// dob and age take a valid.Date or its YYYY-MM-DD text.
		"dob":       func(d any) string { return formatDOB(lang, fmt.Sprint(d)) },
		"age":       func(d any) int { return age(fmt.Sprint(d)) },
		"role":      func(r any) string { return i18n.T(lang, fmt.Sprint("role.", r)) },
		"list":      func(v ...string) []string { return v },
		"field":     field,
		"kb":        func(n int) string { return i18n.T(lang, "size.kb", (n+1023)/1024) },
		"thousands": Thousands,
	}
}

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}()

// Thousands writes n with commas, as GOV.UK writes numbers: 100,000 (in
// Welsh too).
func Thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// FormatDate is a day as a person reads it in lang, in London: 4 December
// 2026, 4 Rhagfyr 2026. Templates have it as "date".
func FormatDate(lang string, t time.Time) string {
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
	Day, Month, Year                      string // a date input's three boxes, as typed
	Fault                                 string // the one date box at fault ("day", "month", "year"), or "" for the whole date
	Max                                   int    // a textarea's most characters, counted as they are typed; 0 for no count
}

// MaxText is Max as GOV.UK writes numbers: 20,000.
func (f fieldArgs) MaxText() string {
	s := strconv.Itoa(f.Max)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Described is the aria-describedby value: the character count's
// message, the hint and the error.
func (f fieldArgs) Described() string {
	var ids []string
	if f.Max > 0 {
		ids = append(ids, f.Name+"-info")
	}
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
// rows, a list of strings (or of a domain's typed values, like
// []people.EntryKind) the radio options, "type=…" the input type,
// "coach=…" turns on the recording coach, and "max=N" counts a
// textarea's characters up to N.
func field(v *View, name, label, hint string, extra ...any) fieldArgs {
	f := fieldArgs{Name: name, Label: label, Hint: hint, Value: v.Value(name), Error: v.ErrorFor(name),
		Day: v.Value(name + "-day"), Month: v.Value(name + "-month"), Year: v.Value(name + "-year"), Fault: v.dateFault(name)}
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
			} else if m, ok := strings.CutPrefix(x, "max="); ok {
				f.Max, _ = strconv.Atoi(m)
			}
		default:
			if l := reflect.ValueOf(x); l.Kind() == reflect.Slice && l.Type().Elem().Kind() == reflect.String {
				for i := range l.Len() {
					f.Options = append(f.Options, l.Index(i).String())
				}
			}
		}
	}
	return f
}

// FieldError is one problem shown in the error summary and beside its field.
type FieldError struct {
	Field   string
	Message string
	Code    string // the message's code, when it came from a domain problem
}

// View is what every page template receives.
type View struct {
	Lang        string
	Title       string // already translated
	Path        string
	Account     *account.Account
	Menu        []MenuLink
	Emergency   *Emergency   // emergency access in use on this record
	Grant       access.Grant // on the record this page is about, if any
	FirstPerson bool         // the person reading their own record
	Demo        bool
	Logins      []demo.Login
	Password    string
	Flash       string
	SSO         string // the identity provider's name, when staff may sign in with it
	Errors      []FieldError
	Form        map[string]string
	Data        any
}

// ErrorFor returns the message for one field, for inline errors.
func (v *View) ErrorFor(field string) string {
	for _, e := range v.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Value returns what the person typed into a field.
func (v *View) Value(field string) string { return v.Form[field] }

// NewView starts the view of a page, titled by a message key.
func (s *Shell) NewView(r *http.Request, titleKey string) *View {
	lang := LangOf(r)
	a := AccountFrom(r.Context())
	return &View{Lang: lang, Title: i18n.T(lang, titleKey), Path: r.URL.Path, Account: a, Menu: s.menuFor(r, a),
		Emergency: emergencyOf(r), Grant: grantOf(r), FirstPerson: ownRecord(r, a), Demo: s.Opts.Demo, Logins: s.Logins, Password: demo.Password, Form: map[string]string{}, SSO: s.ssoName(lang)}
}

func (s *Shell) ssoName(lang string) string {
	switch {
	case s.Opts.SSO == nil:
		return ""
	case s.Opts.SSO.Config().Name == "":
		return i18n.T(lang, "signin.sso.default_name")
	}
	return s.Opts.SSO.Config().Name
}

// Problems turns a domain validation error into translated field errors.
// A field shows one problem: one already in error (a date that could not
// be read, say) keeps it.
func (v *View) Problems(err error) bool {
	ps, ok := valid.From(err)
	for _, p := range ps {
		if v.ErrorFor(p.Field) == "" {
			v.Errors = append(v.Errors, FieldError{Field: p.Field, Message: i18n.T(v.Lang, p.Code, p.Args...), Code: p.Code})
		}
	}
	return ok
}

// Render writes a page of a domain's templates.
func (s *Shell) Render(w http.ResponseWriter, r *http.Request, status int, tpl *Templates, name string, v *View) {
	t := tpl.byLang[v.Lang][name]
	if t == nil {
		s.ServerError(w, r, fmt.Errorf("render: no template %q", name))
		return
	}
	var buf bytes.Buffer
	var data any = v
	if strings.HasPrefix(name, "fragments/") {
		data = v.Data // a fragment is given just its data
	}
	if err := t.Execute(&buf, data); err != nil {
		s.ServerError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// LangOf reads the chosen language from its cookie, English by default.
func LangOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		return i18n.Lang(c.Value)
	}
	return i18n.English
}

func (s *Shell) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Lang(r.PathValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Opts.SecureCookies})
	http.Redirect(w, r, SafeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// SafeNext keeps redirects on this site: only a local path is allowed.
//
// Browsers forgive a great deal in a Location header: they drop tabs and
// newlines anywhere, read a backslash as a slash, and treat "//host" as
// another site. So a target with any control character or backslash is
// refused outright, and what is left must parse as a path on this site
// alone: no scheme, no host, beginning with one slash.
func SafeNext(next string) string {
	if next == "" || strings.ContainsAny(next, "\\") || strings.IndexFunc(next, unicode.IsControl) >= 0 {
		return "/"
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

// NotFound is "Page not found".
func (s *Shell) NotFound(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "error.not_found.title")
	v.Data = "error.not_found.body"
	s.Render(w, r, http.StatusNotFound, s.errorTpl, "error", v)
}

// TooLarge refuses a form bigger than the server takes, in the page's
// language.
func (s *Shell) TooLarge(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "error.too_large.title")
	v.Data = "error.too_large.body"
	s.Render(w, r, http.StatusRequestEntityTooLarge, s.errorTpl, "error", v)
}

// Forbidden tells the person their role does not allow this.
func (s *Shell) Forbidden(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "error.forbidden.title")
	v.Data = "error.forbidden.body"
	s.Render(w, r, http.StatusForbidden, s.errorTpl, "error", v)
}

// ServerError logs the error with the request ID and shows a plain page:
// never a stack trace or an error message to the person.
func (s *Shell) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	// The route pattern, not the path: a path can hold whatever was typed.
	s.Log.ErrorContext(r.Context(), "request failed", "err", err, "method", r.Method, "route", r.Pattern)
	v := s.NewView(r, "error.server.title")
	v.Data = "error.server.body"
	t := s.errorTpl.byLang[v.Lang]["error"]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	_ = t.Execute(w, v)
}

// Keep copies what was typed into the named fields, so a form shown again
// keeps it.
func (v *View) Keep(r *http.Request, fields ...string) {
	for _, f := range fields {
		v.Form[f] = r.PostFormValue(f)
	}
}

// May reports whether this page's reader may change the named part of the
// record (access part names: "identity", "about_me", "story"…): pages show
// a change link only to those who may use it. The server checks again.
func (v *View) May(part string) bool {
	p := access.PartNamed(part)
	return p != 0 && v.Grant.MayChange(p)
}

// My is the message key to use for a heading that a person reading their
// own record sees in the first person ("My story" for "Their story"):
// key + ".mine" where the catalogue has one.
func (v *View) My(key string) string {
	if v.FirstPerson && i18n.Has(v.Lang, key+".mine") {
		return key + ".mine"
	}
	return key
}

// Pages is what a domain's pages embed: the shell, and the domain's own
// templates parsed into its layout.
type Pages struct {
	*Shell
	tpl *Templates
}

// Pages makes a domain's pages from its embedded templates folder.
func (s *Shell) Pages(templates fs.FS) Pages { return Pages{Shell: s, tpl: s.Templates(templates)} }

// Page renders one of the domain's pages.
func (p Pages) Page(w http.ResponseWriter, r *http.Request, status int, name string, v *View) {
	p.Render(w, r, status, p.tpl, name, v)
}
