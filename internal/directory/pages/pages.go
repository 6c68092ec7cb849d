// Package pages is the community directory in the browser: search it by
// words and kind of help, read an entry, and (for the council's staff) add
// and change entries, with a visible conflict when two people change one.
package pages

import (
	"embed"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"whatmatters/internal/account"
	"whatmatters/internal/directory"
	"whatmatters/internal/i18n"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves the directory's pages.
type Pages struct{ web.Pages }

// New makes the directory's pages.
func New(shell *web.Shell) *Pages { return &Pages{shell.Pages(templates)} }

// Routes adds the directory's pages and its place in the menu.
func (s *Pages) Routes(rt *web.Router) {
	readers, keepers := "staff", "workers, managers and admins"
	rt.Menu(web.MenuItem{Href: "/directory", Key: "layout.nav.directory", Order: 25,
		For: func(a *account.Account) bool { return directory.MayRead(a.Role) }})
	rt.ForRoles("GET /directory", readers, directory.MayRead, s.list)
	rt.ForRoles("GET /directory/new", keepers, directory.MayKeep, s.newPage)
	rt.ForRoles("POST /directory/new", keepers, directory.MayKeep, s.add)
	rt.ForRoles("GET /directory/{entry}", readers, directory.MayRead, s.show)
	rt.ForRoles("GET /directory/{entry}/edit", keepers, directory.MayKeep, s.editPage)
	rt.ForRoles("POST /directory/{entry}/edit", keepers, directory.MayKeep, s.save)
}

// listData is the directory's search page.
type listData struct {
	Query      string
	Category   directory.Category
	Categories []directory.Category
	Entries    []entryView
	MayKeep    bool
}

// entryView is an entry as a page shows it.
type entryView struct {
	directory.Entry
	Stale bool // not checked for a year
}

func views(es []directory.Entry) []entryView {
	today := valid.Today()
	out := make([]entryView, len(es))
	for i, e := range es {
		out[i] = entryView{Entry: e, Stale: e.NeedsChecking(today)}
	}
	return out
}

// list is the directory, searched by words and kind of help.
func (s *Pages) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &listData{Query: strings.TrimSpace(q.Get("q")), Categories: directory.Categories,
		MayKeep: directory.MayKeep(web.AccountFrom(r.Context()).Role)}
	if c := directory.Category(q.Get("category")); slices.Contains(directory.Categories, c) {
		d.Category = c
	}
	if len([]rune(d.Query)) > directory.MaxSearch {
		d.Query = string([]rune(d.Query)[:directory.MaxSearch])
	}
	es, err := directory.Search(r.Context(), s.DB.Read(), web.Subject(r), d.Query, d.Category)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d.Entries = views(es)
	v := s.NewView(r, "directory.title")
	v.Data = d
	s.Page(w, r, http.StatusOK, "directory", v)
}

// show is one entry, with how often people were connected to it.
func (s *Pages) show(w http.ResponseWriter, r *http.Request) {
	e, err := directory.Get(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("entry"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "directory.title")
	v.Title = e.Name
	v.Data = struct {
		Entry   entryView
		MayKeep bool
		Saved   bool
	}{views([]directory.Entry{*e})[0], directory.MayKeep(web.AccountFrom(r.Context()).Role), r.URL.Query().Get("saved") != ""}
	s.Page(w, r, http.StatusOK, "entry", v)
}

// formData is the add and change form.
type formData struct {
	Entry      *directory.Entry // the entry being changed, nil for a new one
	Theirs     *entryView       // what someone else saved meanwhile
	Categories []directory.Category
	Chosen     map[directory.Category]bool
}

var entryFields = []string{"name", "offer", "area", "postcode", "phone", "email", "website", "opening_times", "version"}

func (s *Pages) newPage(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "directory.new_title")
	v.FillDate("last_checked_on", valid.Today())
	v.Data = &formData{Categories: directory.Categories, Chosen: map[directory.Category]bool{}}
	s.Page(w, r, http.StatusOK, "entryform", v)
}

func (s *Pages) editPage(w http.ResponseWriter, r *http.Request) {
	e, err := directory.Get(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("entry"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "directory.edit_title")
	d := &formData{Entry: e, Categories: directory.Categories, Chosen: map[directory.Category]bool{}}
	fill(v, d, e)
	v.Data = d
	s.Page(w, r, http.StatusOK, "entryform", v)
}

// fill puts an entry's values in the form.
func fill(v *web.View, d *formData, e *directory.Entry) {
	v.Form["name"], v.Form["offer"], v.Form["area"], v.Form["postcode"] = e.Name, e.Offer, e.Area, e.Postcode
	v.Form["phone"], v.Form["email"], v.Form["website"], v.Form["opening_times"] = e.Phone, e.Email, e.Website, e.OpeningTimes
	v.Form["version"] = strconv.Itoa(e.Version)
	v.FillDate("last_checked_on", e.LastCheckedOn)
	for _, c := range e.Categories {
		d.Chosen[c] = true
	}
}

// read takes the entry as typed from the form, keeping it in the view.
func read(r *http.Request, v *web.View, d *formData) (*directory.Entry, bool) {
	v.Keep(r, entryFields...)
	checked, ok := v.Date(r, "last_checked_on", true)
	e := &directory.Entry{Name: v.Form["name"], Offer: v.Form["offer"], Area: v.Form["area"], Postcode: v.Form["postcode"],
		Phone: v.Form["phone"], Email: v.Form["email"], Website: v.Form["website"], OpeningTimes: v.Form["opening_times"],
		LastCheckedOn: checked}
	e.Version, _ = strconv.Atoi(v.Form["version"])
	for i, c := range r.PostForm["categories"] {
		if i >= len(directory.Categories) {
			break // more boxes than there are kinds: a forged form
		}
		e.Categories = append(e.Categories, directory.Category(c))
		d.Chosen[directory.Category(c)] = true
	}
	return e, ok
}

func (s *Pages) add(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "directory.new_title")
	d := &formData{Categories: directory.Categories, Chosen: map[directory.Category]bool{}}
	v.Data = d
	e, ok := read(r, v, d)
	if !ok {
		// Nothing is saved: the form shows the other problems beside the date's.
		v.Problems(e.Check())
		s.Page(w, r, http.StatusUnprocessableEntity, "entryform", v)
		return
	}
	err := directory.Add(r.Context(), s.DB, web.Subject(r), e)
	if v.Problems(err) {
		s.Page(w, r, http.StatusUnprocessableEntity, "entryform", v)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/directory/"+e.ID+"?saved=1", http.StatusSeeOther)
}

func (s *Pages) save(w http.ResponseWriter, r *http.Request) {
	current, err := directory.Get(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("entry"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "directory.edit_title")
	d := &formData{Entry: current, Categories: directory.Categories, Chosen: map[directory.Category]bool{}}
	v.Data = d
	e, ok := read(r, v, d)
	e.ID = current.ID
	if !ok {
		v.Problems(e.Check())
		s.Page(w, r, http.StatusUnprocessableEntity, "entryform", v)
		return
	}
	err = directory.Update(r.Context(), s.DB, web.Subject(r), e)
	switch {
	case err == nil:
		http.Redirect(w, r, "/directory/"+e.ID+"?saved=1", http.StatusSeeOther)
	case errors.Is(err, store.ErrConflict):
		// Someone saved first: show what they saved above the form, which
		// keeps what this person typed, ready to save over it knowingly.
		// Read again: their save may have landed after this request's
		// first read.
		if current, err = directory.Get(r.Context(), s.DB.Read(), web.Subject(r), current.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		theirs := views([]directory.Entry{*current})[0]
		d.Theirs = &theirs
		v.Form["version"] = strconv.Itoa(current.Version)
		v.Errors = append(v.Errors, web.FieldError{Field: "name", Message: i18n.T(v.Lang, "directory.conflict")})
		s.Page(w, r, http.StatusConflict, "entryform", v)
	case v.Problems(err):
		s.Page(w, r, http.StatusUnprocessableEntity, "entryform", v)
	default:
		s.fail(w, r, err)
	}
}

func (s *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, directory.ErrNotAllowed) {
		s.Forbidden(w, r)
		return
	}
	s.Fail(w, r, err)
}
