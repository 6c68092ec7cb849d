package pages

import (
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"whatmatters/internal/i18n"
	"whatmatters/internal/planning"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
	"whatmatters/internal/workspace"
)

// blankFields are the blank model form's fields: the model's name and
// its first resource, package and category, the least the engine will
// take as a model. Everything else is added in the tables.
var blankFields = []string{"name", "resource_name", "resource_unit", "resource_cost", "resource_payer",
	"package_name", "package_setting", "package_units", "category_name", "category_people"}

func (s *Pages) newForm(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "planning.new.title")
	v.Form["resource_payer"] = "LA"
	v.Form["package_setting"] = "home"
	s.Page(w, r, http.StatusOK, "new", v)
}

// create imports a model from a file, or starts one from the blank
// model form.
func (s *Pages) create(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "planning.new.title")
	var m *planning.Model
	var note string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		m, note = s.readUpload(r, v)
	} else {
		v.Keep(r, blankFields...)
		m = blankModel(v)
		note = i18n.T(v.Lang, "planning.note.blank")
	}
	if m == nil {
		s.Page(w, r, http.StatusUnprocessableEntity, "new", v)
		return
	}
	created, err := workspace.Create(r.Context(), s.DB, web.Subject(r), m, note)
	if err != nil {
		if !modelProblems(v, err, "file") {
			s.Fail(w, r, err)
			return
		}
		s.Page(w, r, http.StatusUnprocessableEntity, "new", v)
		return
	}
	http.Redirect(w, r, "/planning/models/"+created.ID+"?saved=created", http.StatusSeeOther)
}

// readUpload reads and parses the chosen file; nil with the problems on
// the view when it cannot.
func (s *Pages) readUpload(r *http.Request, v *web.View) (*planning.Model, string) {
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		addError(v, "file", i18n.T(v.Lang, "planning.upload.unreadable"))
		return nil, ""
	}
	f, h, err := r.FormFile("file")
	if err != nil {
		addError(v, "file", i18n.T(v.Lang, "planning.upload.required"))
		return nil, ""
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, workspace.MaxDocument+1))
	if err != nil || len(data) > workspace.MaxDocument {
		addError(v, "file", i18n.T(v.Lang, "planning.upload.too_large", workspace.MaxDocument/1024))
		return nil, ""
	}
	m, err := planning.Parse(data)
	if err != nil {
		if !modelProblems(v, err, "file") {
			addError(v, "file", i18n.T(v.Lang, "planning.upload.unreadable"))
		}
		return nil, ""
	}
	return m, i18n.T(v.Lang, "planning.note.imported", h.Filename)
}

// addError puts a message on a field (the error summary links to it).
func addError(v *web.View, field, msg string) {
	v.Errors = append(v.Errors, web.FieldError{Field: field, Message: msg})
}

// modelProblems shows the engine's problems with a whole model on one
// field, each with its path: an imported file has no cells to point at.
func modelProblems(v *web.View, err error, field string) bool {
	var ps planning.Problems
	if !errors.As(err, &ps) {
		return v.Problems(err)
	}
	for _, p := range ps {
		addError(v, field, i18n.T(v.Lang, "planning.problem.at", p.String()))
	}
	return true
}

// idOf makes an id from a name: its letters and digits, upper case, at
// most 12 (Home care hour → HOMECAREHOUR).
var notIDChar = regexp.MustCompile(`[^A-Za-z0-9]+`)

func idOf(name, fallback string) string {
	id := strings.ToUpper(notIDChar.ReplaceAllString(name, ""))
	if len(id) > 12 {
		id = id[:12]
	}
	if id == "" {
		return fallback
	}
	return id
}

// blankText are the blank form's text fields, with their labels and
// whether each must be filled in.
var blankText = []struct {
	field, label string
	required     bool
}{{"name", "planning.blank.name", true}, {"resource_name", "planning.blank.resource_name", true},
	{"resource_unit", "planning.blank.resource_unit", true}, {"resource_payer", "planning.blank.resource_payer", false},
	{"package_name", "planning.blank.package_name", true}, {"category_name", "planning.blank.category_name", true}}

// blankModel builds the least model from the blank form: one resource,
// one package made of it, one category whose people are in it. Problems
// go on the view, at their fields; nil when there are any.
func blankModel(v *web.View) *planning.Model {
	f := v.Form
	cells := &cellReader{v: v}
	cost := cells.number("resource_cost", "planning.blank.resource_cost", true)
	units := cells.number("package_units", "planning.blank.package_units", true)
	people := cells.number("category_people", "planning.blank.category_people", true)
	res := planning.Resource{ID: idOf(f["resource_name"], "R1"), Name: strings.TrimSpace(f["resource_name"]), Unit: strings.TrimSpace(f["resource_unit"]),
		UnitCost: cost, Payer: strings.TrimSpace(f["resource_payer"]), Kind: "other"}
	pkg := planning.Package{ID: idOf(f["package_name"], "P1"), Name: strings.TrimSpace(f["package_name"]), Setting: f["package_setting"],
		Contents: map[string]float64{res.ID: units}}
	cat := planning.Category{ID: "C1", Name: strings.TrimSpace(f["category_name"]), Options: []string{pkg.ID},
		Current: map[string]float64{pkg.ID: people}}
	m := &planning.Model{Format: planning.Format, Name: strings.TrimSpace(f["name"]), Currency: "GBP", WeeksPerYear: 52,
		Resources: []planning.Resource{res}, Packages: []planning.Package{pkg}, Categories: []planning.Category{cat}}
	for _, t := range blankText {
		if cells.textLabelled(t.field, t.label) == "" && t.required && v.ErrorFor(t.field) == "" {
			addError(v, t.field, i18n.T(v.Lang, "planning.cell.required", phrase(v.Lang, t.label)))
		}
	}
	// The engine's own checks, at the blank form's fields.
	paths := map[string]field{"name": {"name", "planning.blank.name"}, "resources[0].name": {"resource_name", "planning.blank.resource_name"},
		"resources[0].unit_cost": {"resource_cost", "planning.blank.resource_cost"}, "resources[0].payer": {"resource_payer", "planning.blank.resource_payer"},
		"packages[0].setting":             {"package_setting", "planning.blank.package_setting"},
		"packages[0].contents." + res.ID:  {"package_units", "planning.blank.package_units"},
		"categories[0].current." + pkg.ID: {"category_people", "planning.blank.category_people"}}
	for _, p := range planning.Validate(m) {
		fl, ok := paths[p.Path]
		if !ok {
			fl = field{"name", "planning.blank.name"}
		}
		if v.ErrorFor(fl.name) == "" {
			addError(v, fl.name, i18n.T(v.Lang, "planning.problem", i18n.T(v.Lang, fl.label), p.Message))
		}
	}
	if len(v.Errors) > 0 {
		return nil
	}
	return m
}

// field is a form field and the words of its label.
type field struct{ name, label string }

// export downloads the model (at a version, the current one by default)
// as planning-model/v1 JSON, or YAML with the same structure.
func (s *Pages) export(w http.ResponseWriter, r *http.Request) {
	version, ok := versionParam(r, "version")
	if !ok {
		s.Fail(w, r, store.ErrNotFound)
		return
	}
	m, ok := s.open(w, r, version)
	if !ok {
		return
	}
	doc, err := workspace.Encode(m.Doc)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	name := idOf(m.Name, "model")
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "yaml" {
		out, err := toYAML(doc)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ToLower(name)+`.yaml"`)
		_, _ = w.Write(out)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ToLower(name)+`.json"`)
	_, _ = w.Write(doc)
}

// toYAML turns the model's JSON into YAML with its keys in the same
// order: JSON is YAML, so it is read as a YAML tree and written again in
// block style.
func toYAML(doc []byte) ([]byte, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(doc, &n); err != nil {
		return nil, err
	}
	var block func(*yaml.Node)
	block = func(n *yaml.Node) {
		n.Style &^= yaml.FlowStyle
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
			n.Style &^= yaml.DoubleQuotedStyle
		}
		for _, c := range n.Content {
			block(c)
		}
	}
	block(&n)
	return yaml.Marshal(&n)
}

type versionsData struct {
	*workspace.Opened
	Versions    []workspace.Version
	From, To    int
	Differences []difference
	Compared    bool
}

// difference is one row of the comparison of two versions, in words.
type difference struct{ What, Item, Field, Before, After string }

// versions lists a model's versions, and compares two of them when asked.
func (s *Pages) versions(w http.ResponseWriter, r *http.Request) {
	m, ok := s.open(w, r, 0)
	if !ok {
		return
	}
	vs, err := workspace.Versions(r.Context(), s.DB.Read(), web.Subject(r), m.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "planning.versions.title")
	d := &versionsData{Opened: m, Versions: vs, To: m.Version, From: max(1, m.Version-1)}
	from, ok1 := versionParam(r, "from")
	to, ok2 := versionParam(r, "to")
	if !ok1 || !ok2 || from > m.Version || to > m.Version {
		s.Fail(w, r, store.ErrNotFound)
		return
	}
	if from > 0 && to > 0 {
		a, ok := s.open(w, r, from)
		if !ok {
			return
		}
		b, ok := s.open(w, r, to)
		if !ok {
			return
		}
		d.From, d.To, d.Compared = from, to, true
		for _, df := range workspace.Compare(a.Doc, b.Doc) {
			d.Differences = append(d.Differences, difference{What: i18n.T(v.Lang, key("what", string(df.What))), Item: df.Item,
				Field: fieldWords(v.Lang, df.Field), Before: df.Before, After: df.After})
		}
	}
	v.Data = d
	s.Page(w, r, http.StatusOK, "versions", v)
}

// fieldWords names a model field for a person ("unit_cost" is "Unit
// cost"); an added or removed item has no field.
func fieldWords(lang, f string) string {
	if f == "" {
		return ""
	}
	return i18n.T(lang, key("field", f))
}

type shareData struct {
	*workspace.Opened
	Organisations []shareOption
}

type shareOption struct {
	ID, Name string
	Shared   bool
}

func (s *Pages) shareForm(w http.ResponseWriter, r *http.Request) {
	m, ok := s.openEditable(w, r, 0)
	if !ok {
		return
	}
	s.showShare(w, r, s.NewView(r, "planning.share.title"), m, http.StatusOK)
}

// showShare is the share form with whom the model is shared with now.
func (s *Pages) showShare(w http.ResponseWriter, r *http.Request, v *web.View, m *workspace.Opened, status int) {
	all, shared, err := workspace.Organisations(r.Context(), s.DB.Read(), web.Subject(r), m.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := &shareData{Opened: m}
	for _, o := range all {
		if o.ID != m.OrganisationID {
			d.Organisations = append(d.Organisations, shareOption{ID: o.ID, Name: o.Name, Shared: shared[o.ID]})
		}
	}
	v.Data = d
	s.Page(w, r, status, "share", v)
}

func (s *Pages) share(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.Fail(w, r, err)
		return
	}
	id := r.PathValue("model")
	err := workspace.Share(r.Context(), s.DB, web.Subject(r), id, r.PostForm["was"], r.PostForm["organisation"])
	if errors.Is(err, store.ErrConflict) {
		// Another planner changed whom it is shared with since this form
		// was opened: show that, rather than undo it unseen.
		m, ok := s.openEditable(w, r, 0)
		if !ok {
			return
		}
		v := s.NewView(r, "planning.share.title")
		addError(v, "organisation", i18n.T(v.Lang, "planning.share.conflict"))
		s.showShare(w, r, v, m, http.StatusConflict)
		return
	}
	if err != nil {
		if _, bad := valid.From(err); bad {
			err = store.ErrNotFound // not an organisation the form offered
		}
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/planning/models/"+id+"?saved=shared", http.StatusSeeOther)
}
