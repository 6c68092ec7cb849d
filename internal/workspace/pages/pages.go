// Package pages is the planning workspace in the browser: a planner's
// models, imported from planning-model JSON or YAML or started blank;
// tables to fill in (resources, packages, categories, the numbers now)
// with the engine's own messages at the cell; versions and what changed
// between two; scenarios built with forms and compared side by side with
// charts; and the optimiser. The engine (internal/planning) does every
// sum; these pages only read forms and draw its answers.
package pages

import (
	"embed"
	"errors"
	"net/http"
	"strconv"

	"whatmatters/internal/account"
	"whatmatters/internal/i18n"
	"whatmatters/internal/planning"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
	"whatmatters/internal/workspace"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves the planning workspace.
type Pages struct{ web.Pages }

// New makes this domain's pages.
func New(shell *web.Shell) *Pages { return &Pages{shell.Pages(templates)} }

// readers are the roles that read models: planners, and managers who
// want to see what their planners propose. Only planners change them
// (the workspace package checks, per model).
func readers(r account.Role) bool { return r == account.RolePlanner || r == account.RoleManager }

// maxUpload is the largest model file a planner may import.
const maxUpload = workspace.MaxDocument + 64<<10

// Routes adds the workspace's pages.
func (s *Pages) Routes(rt *web.Router) {
	const who = "planners and managers"
	rt.Menu(web.MenuItem{Href: "/planning", Key: "layout.nav.planning", Order: 12,
		For: func(a *account.Account) bool { return readers(a.Role) }})
	rt.ForRoles("GET /planning", who, readers, s.list)
	rt.ForRoles("GET /planning/new", who, readers, s.newForm)
	rt.ForRoles("POST /planning/new", who, readers, s.create, web.MaxBody(maxUpload))
	rt.ForRoles("GET /planning/models/{model}", who, readers, s.overview)
	rt.ForRoles("GET /planning/models/{model}/export", who, readers, s.export)
	rt.ForRoles("GET /planning/models/{model}/versions", who, readers, s.versions)
	rt.ForRoles("GET /planning/models/{model}/share", who, readers, s.shareForm)
	rt.ForRoles("POST /planning/models/{model}/share", who, readers, s.share)
	for _, tb := range tables {
		rt.ForRoles("GET /planning/models/{model}/"+tb.name, who, readers, s.tableForm(tb))
		rt.ForRoles("POST /planning/models/{model}/"+tb.name, who, readers, s.saveTable(tb), web.MaxBody(maxUpload))
	}
	rt.ForRoles("GET /planning/models/{model}/scenarios/new", who, readers, s.scenarioForm)
	rt.ForRoles("POST /planning/models/{model}/scenarios/new", who, readers, s.addScenario)
	rt.ForRoles("POST /planning/models/{model}/scenarios/{scenario}/delete", who, readers, s.deleteScenario)
	rt.ForRoles("GET /planning/models/{model}/compare", who, readers, s.compare)
	rt.ForRoles("GET /planning/models/{model}/optimise", who, readers, s.optimise)
}

// open is the model the address names at the version asked for (the
// current one by default), or the page that says why not.
func (s *Pages) open(w http.ResponseWriter, r *http.Request, version int) (*workspace.Opened, bool) {
	m, err := workspace.Open(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("model"), version)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return m, true
}

// openEditable is open for a change: a reader who may not change the
// model is told so.
func (s *Pages) openEditable(w http.ResponseWriter, r *http.Request, version int) (*workspace.Opened, bool) {
	m, ok := s.open(w, r, version)
	if ok && !m.MayEdit {
		s.Forbidden(w, r)
		return nil, false
	}
	return m, ok
}

// formVersion is the version a change's form was opened on (its
// "version" field); a form without one is answered "not found".
func (s *Pages) formVersion(w http.ResponseWriter, r *http.Request) (int, bool) {
	from, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || from < 1 {
		s.Fail(w, r, store.ErrNotFound)
		return 0, false
	}
	return from, true
}

// openFromForm is the model, for a change, at the version its form was
// opened on.
func (s *Pages) openFromForm(w http.ResponseWriter, r *http.Request) (*workspace.Opened, int, bool) {
	from, ok := s.formVersion(w, r)
	if !ok {
		return nil, 0, false
	}
	m, ok := s.openEditable(w, r, from)
	return m, from, ok
}

type listData struct {
	Models    []workspace.Model
	MayCreate bool
}

func (s *Pages) list(w http.ResponseWriter, r *http.Request) {
	models, err := workspace.List(r.Context(), s.DB.Read(), web.Subject(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "planning.title")
	v.Data = listData{Models: models, MayCreate: web.AccountFrom(r.Context()).Role == account.RolePlanner}
	s.Page(w, r, http.StatusOK, "list", v)
}

type overviewData struct {
	*workspace.Opened
	Baseline  figures
	Scenarios []scenarioRow
	Problems  []string // scenarios the engine could not carry out
	Shared    []string // names of the organisations it is shared with
}

type scenarioRow struct {
	ID, Name, Steps string
	Change          string // cost change against the baseline, a week
	People, AtHome  string
}

func (s *Pages) overview(w http.ResponseWriter, r *http.Request) {
	m, ok := s.open(w, r, 0)
	if !ok {
		return
	}
	v := s.NewView(r, "planning.overview.title")
	v.Title = m.Name
	d := &overviewData{Opened: m}
	base := m.Doc.BaselineState().Evaluate("baseline", nil)
	d.Baseline = figuresOf(m.Doc, base)
	// Each scenario on its own, so one that cannot be carried out (more
	// people moved than are there) does not hide the others.
	for _, sc := range m.Doc.Scenarios {
		results, err := m.Doc.Run([]string{sc.ID})
		var ps planning.Problems
		switch {
		case errors.As(err, &ps):
			for _, p := range ps {
				d.Problems = append(d.Problems, sc.Name+": "+p.Message)
			}
			continue
		case err != nil:
			s.Fail(w, r, err)
			return
		}
		res := results[1]
		d.Scenarios = append(d.Scenarios, scenarioRow{ID: sc.ID, Name: sc.Name, Steps: stepsText(v.Lang, m.Doc, sc.Steps),
			Change: signedMoney(m.Doc, res.CostChange(results[0])), People: count(res.People), AtHome: count(res.AtHome)})
	}
	all, shared, err := workspace.Organisations(r.Context(), s.DB.Read(), web.Subject(r), m.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, o := range all {
		if shared[o.ID] {
			d.Shared = append(d.Shared, o.Name)
		}
	}
	v.Data = d
	v.Flash = flash(v.Lang, r)
	s.Page(w, r, http.StatusOK, "overview", v)
}

// flash is the message a redirect after a save asked for.
func flash(lang string, r *http.Request) string {
	switch r.URL.Query().Get("saved") {
	case "":
		return ""
	case "created":
		return i18n.T(lang, "planning.flash.created")
	case "shared":
		return i18n.T(lang, "planning.flash.shared")
	case "scenario":
		return i18n.T(lang, "planning.flash.scenario")
	case "removed":
		return i18n.T(lang, "planning.flash.removed")
	case "conflict":
		return i18n.T(lang, "planning.flash.conflict")
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("saved"))
	return i18n.T(lang, "planning.flash.saved", n)
}

// versionParam is a version number from the address: 0 when not given;
// ok is false for anything but a positive whole number.
func versionParam(r *http.Request, name string) (int, bool) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}
