package pages

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"whatmatters/internal/i18n"
	"whatmatters/internal/planning"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
	"whatmatters/internal/workspace"
)

// An editing table is one part of the model as a grid of cells a planner
// fills in. Every cell's form name is its JSON path in the model
// ("resources[3].unit_cost"), so the engine's problems, which name their
// path, land on the cell they are about. Each table lists the model's
// rows and one empty row for adding another.

// table is one editing table: its address, title and how it is drawn
// from a model and read back into one.
type table struct {
	name  string // the address under the model, and the form's kind
	title string // message key
	intro string // message key
	grid  func(lang string, m *planning.Model) grid
	// apply reads the form into a copy of m. rows maps the position of
	// each of the new model's items to its row on the form, so the
	// engine's paths can be turned into the form's.
	apply func(c *cellReader, m *planning.Model) (out *planning.Model, rows []int)
	part  string // the model's list this table edits ("resources")
}

var tables = []table{
	{name: "resources", title: "planning.resources.title", intro: "planning.resources.intro", grid: resourceGrid, apply: applyResources, part: "resources"},
	{name: "packages", title: "planning.packages.title", intro: "planning.packages.intro", grid: packageGrid, apply: applyPackages, part: "packages"},
	{name: "categories", title: "planning.categories.title", intro: "planning.categories.intro", grid: categoryGrid, apply: applyCategories, part: "categories"},
	{name: "numbers", title: "planning.numbers.title", intro: "planning.numbers.intro", grid: numberGrid, apply: applyNumbers, part: "categories"},
}

// grid is a table of cells as the template draws it.
type grid struct {
	Columns []string // the headings, in words
	Rows    []gridRow
}

type gridRow struct {
	Head  string // the row's heading: its id, or "New" for the empty row
	Cells []cell
}

// cell is one input: Name is its JSON path and form name; Label says
// what it is for a screen reader ("Unit cost, Home care hour").
type cell struct {
	Name, Label string
	Kind        string   // "text", "number", "select", "check" or "fixed" (shown, sent back unchanged)
	Options     []string // for a select
	Value       string   // for "fixed": the text shown
	Width       int      // characters, for the input's width class
}

// The kinds and settings the spec allows, in the order a form offers them.
var (
	resourceKinds = []string{"bed", "staff_hours", "visits", "sessions", "informal", "other"}
	settings      = []string{"home", "institution", "hospital", "other"}
)

func resourceGrid(lang string, m *planning.Model) grid {
	t := func(k string) string { return i18n.T(lang, k) }
	g := grid{}
	for _, c := range []string{"id", "name", "unit", "unit_cost", "payer", "kind", "capacity", "occupancy", "hours_per_wte", "visits_per_wte", "remove"} {
		g.Columns = append(g.Columns, t(key("field", c)))
	}
	for i := 0; i <= len(m.Resources); i++ {
		p := fmt.Sprintf("resources[%d]", i)
		head, id := t("planning.table.new"), cell{Name: p + ".id", Kind: "text", Width: 10}
		if i < len(m.Resources) {
			head, id = m.Resources[i].Name, cell{Name: p + ".id", Kind: "fixed", Value: m.Resources[i].ID}
		}
		row := gridRow{Head: head, Cells: []cell{id,
			{Name: p + ".name", Kind: "text", Width: 20}, {Name: p + ".unit", Kind: "text", Width: 10},
			{Name: p + ".unit_cost", Kind: "number", Width: 5}, {Name: p + ".payer", Kind: "text", Width: 5},
			{Name: p + ".kind", Kind: "select", Options: resourceKinds}, {Name: p + ".capacity", Kind: "number", Width: 5},
			{Name: p + ".occupancy", Kind: "number", Width: 4}, {Name: p + ".hours_per_wte", Kind: "number", Width: 4},
			{Name: p + ".visits_per_wte", Kind: "number", Width: 4}}}
		if i < len(m.Resources) {
			row.Cells = append(row.Cells, cell{Name: p + ".remove", Kind: "check"})
		}
		labelRow(&row, g.Columns)
		g.Rows = append(g.Rows, row)
	}
	return g
}

// labelRow labels each cell by its column and row, for screen readers.
func labelRow(row *gridRow, columns []string) {
	for j := range row.Cells {
		if j < len(columns) {
			row.Cells[j].Label = columns[j] + ", " + row.Head
		}
	}
}

func resourceForm(m *planning.Model, f map[string]string) {
	for i, r := range m.Resources {
		p := fmt.Sprintf("resources[%d]", i)
		f[p+".id"], f[p+".name"], f[p+".unit"], f[p+".unit_cost"], f[p+".payer"], f[p+".kind"] = r.ID, r.Name, r.Unit, plain(r.UnitCost), r.Payer, r.Kind
		f[p+".capacity"], f[p+".occupancy"], f[p+".hours_per_wte"], f[p+".visits_per_wte"] = optPlain(r.Capacity), optPlain(r.Occupancy), optPlain(r.HoursPerWTE), optPlain(r.VisitsPerWTE)
	}
}

func applyResources(c *cellReader, m *planning.Model) (*planning.Model, []int) {
	out := *m
	out.Resources = nil
	var rows []int
	for i := 0; i <= len(m.Resources); i++ {
		p := fmt.Sprintf("resources[%d]", i)
		if c.checked(p+".remove") || (i == len(m.Resources) && c.blank(p, "id", "name", "unit", "unit_cost", "payer", "capacity")) {
			continue
		}
		r := planning.Resource{ID: c.text(p + ".id"), Name: c.text(p + ".name"), Unit: c.text(p + ".unit"),
			UnitCost: c.number(p+".unit_cost", "planning.field.unit_cost", true), Payer: c.text(p + ".payer"), Kind: c.text(p + ".kind"),
			Capacity: c.optional(p + ".capacity"), Occupancy: c.optional(p + ".occupancy"),
			HoursPerWTE: c.optional(p + ".hours_per_wte"), VisitsPerWTE: c.optional(p + ".visits_per_wte")}
		if i < len(m.Resources) {
			r.ID = m.Resources[i].ID // an id is fixed once made: packages name it
		}
		out.Resources = append(out.Resources, r)
		rows = append(rows, i)
	}
	return &out, rows
}

func packageGrid(lang string, m *planning.Model) grid {
	t := func(k string) string { return i18n.T(lang, k) }
	g := grid{Columns: []string{t("planning.field.id"), t("planning.field.name"), t("planning.field.setting")}}
	for _, r := range m.Resources {
		g.Columns = append(g.Columns, i18n.T(lang, "planning.packages.units", r.Name, r.Unit))
	}
	g.Columns = append(g.Columns, t("planning.field.remove"))
	for i := 0; i <= len(m.Packages); i++ {
		p := fmt.Sprintf("packages[%d]", i)
		head, id := t("planning.table.new"), cell{Name: p + ".id", Kind: "text", Width: 5}
		if i < len(m.Packages) {
			head, id = m.Packages[i].Name, cell{Name: p + ".id", Kind: "fixed", Value: m.Packages[i].ID}
		}
		row := gridRow{Head: head, Cells: []cell{id, {Name: p + ".name", Kind: "text", Width: 20},
			{Name: p + ".setting", Kind: "select", Options: settings}}}
		for _, r := range m.Resources {
			row.Cells = append(row.Cells, cell{Name: p + ".contents." + r.ID, Kind: "number", Width: 4})
		}
		if i < len(m.Packages) {
			row.Cells = append(row.Cells, cell{Name: p + ".remove", Kind: "check"})
		}
		labelRow(&row, g.Columns)
		g.Rows = append(g.Rows, row)
	}
	return g
}

func packageForm(m *planning.Model, f map[string]string) {
	for i, pk := range m.Packages {
		p := fmt.Sprintf("packages[%d]", i)
		f[p+".id"], f[p+".name"], f[p+".setting"] = pk.ID, pk.Name, pk.Setting
		for r, u := range pk.Contents {
			f[p+".contents."+r] = plain(u)
		}
	}
}

func applyPackages(c *cellReader, m *planning.Model) (*planning.Model, []int) {
	out := *m
	out.Packages = nil
	var rows []int
	for i := 0; i <= len(m.Packages); i++ {
		p := fmt.Sprintf("packages[%d]", i)
		contents := map[string]float64{}
		empty := c.blank(p, "id", "name")
		for _, r := range m.Resources {
			name := p + ".contents." + r.ID
			if u := c.optionalLabelled(name, phrase(c.v.Lang, "planning.packages.units_short", r.Name)); u != nil {
				contents[r.ID] = *u
				empty = false
			}
		}
		if c.checked(p+".remove") || (i == len(m.Packages) && empty) {
			continue
		}
		pk := planning.Package{ID: c.text(p + ".id"), Name: c.text(p + ".name"), Setting: c.text(p + ".setting"), Contents: contents}
		if i < len(m.Packages) {
			pk.ID = m.Packages[i].ID // categories name it
		}
		out.Packages = append(out.Packages, pk)
		rows = append(rows, i)
	}
	return &out, rows
}

func categoryGrid(lang string, m *planning.Model) grid {
	t := func(k string) string { return i18n.T(lang, k) }
	g := grid{Columns: []string{t("planning.field.id"), t("planning.field.name"), t("planning.field.max_shift")}}
	for _, pk := range m.Packages {
		g.Columns = append(g.Columns, i18n.T(lang, "planning.categories.option", pk.Name))
	}
	g.Columns = append(g.Columns, t("planning.field.remove"))
	for i := 0; i <= len(m.Categories); i++ {
		p := fmt.Sprintf("categories[%d]", i)
		head, id := t("planning.table.new"), cell{Name: p + ".id", Kind: "text", Width: 5}
		if i < len(m.Categories) {
			head, id = m.Categories[i].ID, cell{Name: p + ".id", Kind: "fixed", Value: m.Categories[i].ID}
		}
		row := gridRow{Head: head, Cells: []cell{id, {Name: p + ".name", Kind: "text", Width: 30},
			{Name: p + ".max_shift", Kind: "number", Width: 4}}}
		for _, pk := range m.Packages {
			row.Cells = append(row.Cells, cell{Name: p + ".options." + pk.ID, Kind: "check"})
		}
		if i < len(m.Categories) {
			row.Cells = append(row.Cells, cell{Name: p + ".remove", Kind: "check"})
		}
		labelRow(&row, g.Columns)
		g.Rows = append(g.Rows, row)
	}
	return g
}

func categoryForm(m *planning.Model, f map[string]string) {
	for i, c := range m.Categories {
		p := fmt.Sprintf("categories[%d]", i)
		f[p+".id"], f[p+".name"], f[p+".max_shift"] = c.ID, c.Name, optPlain(c.MaxShift)
		for _, o := range c.Options {
			f[p+".options."+o] = "on"
		}
	}
}

func applyCategories(c *cellReader, m *planning.Model) (*planning.Model, []int) {
	out := *m
	out.Categories = nil
	var rows []int
	for i := 0; i <= len(m.Categories); i++ {
		p := fmt.Sprintf("categories[%d]", i)
		var options []string
		for _, pk := range m.Packages {
			if c.checked(p + ".options." + pk.ID) {
				options = append(options, pk.ID)
			}
		}
		if c.checked(p+".remove") || (i == len(m.Categories) && c.blank(p, "id", "name", "max_shift") && len(options) == 0) {
			continue
		}
		cat := planning.Category{ID: c.text(p + ".id"), Name: c.text(p + ".name"), Options: options,
			MaxShift: c.optional(p + ".max_shift"), Current: map[string]float64{}}
		if i < len(m.Categories) {
			old := m.Categories[i]
			cat.ID, cat.Current, cat.Prevalence = old.ID, old.Current, old.Prevalence
		}
		out.Categories = append(out.Categories, cat)
		rows = append(rows, i)
	}
	return &out, rows
}

func numberGrid(lang string, m *planning.Model) grid {
	g := grid{Columns: []string{i18n.T(lang, "planning.field.category")}}
	for _, pk := range m.Packages {
		g.Columns = append(g.Columns, pk.Name)
	}
	for i, c := range m.Categories {
		p := fmt.Sprintf("categories[%d]", i)
		row := gridRow{Head: c.ID, Cells: []cell{{Kind: "fixed", Value: c.Name}}}
		for _, pk := range m.Packages {
			if isOption(c, pk.ID) {
				row.Cells = append(row.Cells, cell{Name: p + ".current." + pk.ID, Kind: "number", Width: 5})
			} else {
				row.Cells = append(row.Cells, cell{Kind: "none"})
			}
		}
		labelRow(&row, g.Columns)
		g.Rows = append(g.Rows, row)
	}
	return g
}

func isOption(c planning.Category, pkg string) bool {
	for _, o := range c.Options {
		if o == pkg {
			return true
		}
	}
	return false
}

func numberForm(m *planning.Model, f map[string]string) {
	for i, c := range m.Categories {
		for pk, n := range c.Current {
			f[fmt.Sprintf("categories[%d].current.%s", i, pk)] = plain(n)
		}
	}
}

func applyNumbers(c *cellReader, m *planning.Model) (*planning.Model, []int) {
	out := *m
	out.Categories = make([]planning.Category, len(m.Categories))
	rows := make([]int, len(m.Categories))
	for i, cat := range m.Categories {
		cat.Current = map[string]float64{}
		for _, pk := range cat.Options {
			name := fmt.Sprintf("categories[%d].current.%s", i, pk)
			if n := c.optionalLabelled(name, phrase(c.v.Lang, "planning.numbers.cell", cat.ID, packageName(m, pk))); n != nil {
				cat.Current[pk] = *n
			}
		}
		out.Categories[i], rows[i] = cat, i
	}
	return &out, rows
}

// fillForm puts a model's values into the view's form for a table.
func fillForm(tb table, m *planning.Model, f map[string]string) {
	switch tb.name {
	case "resources":
		resourceForm(m, f)
	case "packages":
		packageForm(m, f)
	case "categories":
		categoryForm(m, f)
	case "numbers":
		numberForm(m, f)
	}
}

// cellReader reads cells from the posted form, keeping what was typed in
// the view and putting a problem on each cell that cannot be read.
type cellReader struct {
	v *web.View
	r *http.Request
}

func (c *cellReader) raw(name string) string {
	if c.r != nil {
		c.v.Form[name] = c.r.PostFormValue(name)
	}
	return strings.TrimSpace(c.v.Form[name])
}

// text reads a table's text cell, named for a message by its column.
func (c *cellReader) text(name string) string {
	field := name
	if i := strings.LastIndex(name, "]."); i >= 0 {
		field = name[i+2:]
	}
	labelKey := key("field", field)
	if name == "note" {
		labelKey = "planning.note.label"
	}
	return c.textLabelled(name, labelKey)
}

// textLabelled reads text typed into a field. Text longer than
// maxCellText is refused with a message at the field, never cut short
// and stored: the planner decides what to keep.
func (c *cellReader) textLabelled(name, labelKey string) string {
	s := c.raw(name)
	if utf8.RuneCountInString(s) > maxCellText {
		addError(c.v, name, i18n.T(c.v.Lang, "planning.cell.too_long", phrase(c.v.Lang, labelKey), maxCellText))
	}
	return s
}

// maxCellText bounds a name, id or note typed into a field.
const maxCellText = 200

func (c *cellReader) checked(name string) bool { return c.raw(name) == "on" }

// blank reports whether every named field of row p is empty.
func (c *cellReader) blank(p string, fields ...string) bool {
	for _, f := range fields {
		if c.raw(p+"."+f) != "" {
			return false
		}
	}
	return true
}

// number reads a number: "1,200" and "£25.50" are read as people write
// them. A cell that is not a number gets the problem, and reads as 0 so
// that the rest of the model can still be checked.
func (c *cellReader) number(name, labelKey string, required bool) float64 {
	n := c.readNumber(name, phrase(c.v.Lang, labelKey), required)
	if n == nil {
		return 0
	}
	return *n
}

func (c *cellReader) optional(name string) *float64 {
	_, field, _ := strings.Cut(name[strings.LastIndex(name, "]")+1:], ".")
	return c.readNumber(name, phrase(c.v.Lang, key("field", field)), false)
}

// phrase is how a field's label reads inside a sentence ("the unit cost",
// "gost yr uned"): a label is a heading, capitalised and, in Welsh,
// unmutated, so "Enter %s" with the label itself reads wrongly. Each
// label key has its phrase at the key with ".phrase" added.
func phrase(lang, labelKey string, args ...any) string {
	return i18n.T(lang, labelKey+".phrase", args...)
}

// optionalLabelled reads a number whose field is named by the phrase
// given (with the row's names already in it).
func (c *cellReader) optionalLabelled(name, phrase string) *float64 {
	return c.readNumber(name, phrase, false)
}

var numberText = regexp.MustCompile(`^-?[0-9]*\.?[0-9]+(e[-+]?[0-9]+)?$`)

// readNumber reads a number; what names the field in a message is a
// phrase (see phrase), never a bare label.
func (c *cellReader) readNumber(name, what string, required bool) *float64 {
	s := strings.NewReplacer(",", "", "£", "", " ", "").Replace(c.raw(name))
	if s == "" {
		if required {
			addError(c.v, name, i18n.T(c.v.Lang, "planning.cell.required", what))
		}
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || !numberText.MatchString(strings.ToLower(s)) {
		addError(c.v, name, i18n.T(c.v.Lang, "planning.cell.number", what))
		return nil
	}
	return &n
}

type tableData struct {
	*workspace.Opened
	Table    string
	Intro    string
	Grid     grid
	From     int                    // the version the editor started from
	Conflict *conflict              // someone else saved first
	Others   []web.FieldError       // problems not at a cell of this table
	Changes  []workspace.Difference // on a conflict: what they changed
}

// conflict says who saved since the editor started.
type conflict struct {
	Version int
	By      string
}

func (s *Pages) tableForm(tb table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m, ok := s.openEditable(w, r, 0)
		if !ok {
			return
		}
		v := s.NewView(r, tb.title)
		fillForm(tb, m.Doc, v.Form)
		v.Data = &tableData{Opened: m, Table: tb.name, Intro: tb.intro, Grid: tb.grid(v.Lang, m.Doc), From: m.Version}
		s.Page(w, r, http.StatusOK, "table", v)
	}
}

// saveTable reads the table into the version the editor started from,
// has the engine check the whole model, and saves it as a new version.
// A cell that cannot be read, or that the engine refuses, is shown at
// the cell with everything typed kept; nothing is saved.
func (s *Pages) saveTable(tb table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		started, from, ok := s.openFromForm(w, r)
		if !ok {
			return
		}
		v := s.NewView(r, tb.title)
		d := &tableData{Opened: started, Table: tb.name, Intro: tb.intro, Grid: tb.grid(v.Lang, started.Doc), From: from}
		v.Data = d
		c := &cellReader{v: v, r: r}
		edited, rows := tb.apply(c, started.Doc)
		note := c.text("note")
		s.engineProblems(v, d, tb, rows, planning.Validate(edited))
		if len(v.Errors) > 0 {
			s.Page(w, r, http.StatusUnprocessableEntity, "table", v)
			return
		}
		version, err := workspace.Save(r.Context(), s.DB, web.Subject(r), started.ID, from, edited, note)
		switch {
		case errors.Is(err, store.ErrConflict):
			s.showConflict(w, r, v, d, started)
			return
		case err != nil:
			var ps planning.Problems
			if errors.As(err, &ps) {
				s.engineProblems(v, d, tb, rows, ps)
				s.Page(w, r, http.StatusUnprocessableEntity, "table", v)
				return
			}
			s.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/planning/models/"+started.ID+"?saved="+strconv.Itoa(version), http.StatusSeeOther)
	}
}

// showConflict answers a save made from a version someone has since
// replaced: what they changed, and the form again with everything typed,
// now based on their version, so saving again keeps this table as typed
// on top of their changes (a new version; theirs is kept in the history).
func (s *Pages) showConflict(w http.ResponseWriter, r *http.Request, v *web.View, d *tableData, started *workspace.Opened) {
	cur, ok := s.open(w, r, 0)
	if !ok {
		return
	}
	vs, err := workspace.Versions(r.Context(), s.DB.Read(), web.Subject(r), cur.ID)
	if err != nil || len(vs) == 0 {
		s.Fail(w, r, err)
		return
	}
	d.Conflict = &conflict{Version: vs[0].Version, By: vs[0].SavedBy}
	d.Changes = workspace.Compare(started.Doc, cur.Doc)
	d.From = cur.Version
	addError(v, "conflict", i18n.T(v.Lang, "planning.conflict.summary", vs[0].SavedBy, vs[0].Version))
	s.Page(w, r, http.StatusConflict, "table", v)
}

var pathIndex = regexp.MustCompile(`^([a-z_]+)\[(\d+)\](.*)$`)

// engineProblems puts the engine's problems at the cells they name: its
// path into the model, turned into the form's row. A problem elsewhere in
// the model (a package naming a resource this table removes) is listed
// above the table with its path.
func (s *Pages) engineProblems(v *web.View, d *tableData, tb table, rows []int, ps planning.Problems) {
	cells := map[string]string{}
	for _, row := range d.Grid.Rows {
		for _, c := range row.Cells {
			if c.Name != "" {
				cells[c.Name] = c.Label
			}
		}
	}
	for _, p := range ps {
		name := p.Path
		if m := pathIndex.FindStringSubmatch(p.Path); m != nil && m[1] == tb.part {
			k, _ := strconv.Atoi(m[2])
			if k < len(rows) {
				name = fmt.Sprintf("%s[%d]%s", m[1], rows[k], m[3])
			}
			// A category's people in a package it no longer lists: the
			// option's tick is where to put it right.
			if tb.name == "categories" {
				name = strings.Replace(name, ".current.", ".options.", 1)
			}
		}
		label, ok := cells[name]
		if !ok {
			// Not a cell of this table: the row's first cell if it is
			// about a row here, or else above the table.
			if m := pathIndex.FindStringSubmatch(name); m != nil && m[1] == tb.part {
				for _, try := range []string{".name", ".id"} {
					if l, ok2 := cells[fmt.Sprintf("%s[%s]%s", m[1], m[2], try)]; ok2 {
						name, label, ok = fmt.Sprintf("%s[%s]%s", m[1], m[2], try), l, true
						break
					}
				}
			}
		}
		if !ok {
			d.Others = append(d.Others, web.FieldError{Field: "table", Message: i18n.T(v.Lang, "planning.problem.at", p.String())})
			addError(v, "table", i18n.T(v.Lang, "planning.problem.at", p.String()))
			continue
		}
		if v.ErrorFor(name) == "" {
			addError(v, name, i18n.T(v.Lang, "planning.problem", label, p.Message))
		}
	}
}
