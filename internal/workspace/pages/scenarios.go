package pages

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"

	"whatmatters/internal/i18n"
	"whatmatters/internal/planning"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
	"whatmatters/internal/workspace"
)

// scenarioFields are the scenario form's fields. A scenario is up to
// three steps, applied in this order: move people of a category from one
// option to another (a share or a number), grow every number, change a
// unit cost.
var scenarioFields = []string{"name", "move_category", "move_from", "move_to", "move_share", "move_count",
	"grow", "cost_resource", "cost_value"}

type scenarioData struct {
	*workspace.Opened
	From       int
	Categories []choice
	Packages   []choice
	Resources  []choice
	Conflict   string // who saved first, when someone did
	Selects    map[string]selectField
}

// selectField is a select as the "select" template draws it.
type selectField struct {
	Name, Label, Value, Error string
	Choices                   []choice
}

// choice is one option of a select: its value and its words.
type choice struct{ Value, Words string }

func (s *Pages) scenarioPage(w http.ResponseWriter, r *http.Request, v *web.View, m *workspace.Opened, from, status int) {
	d := &scenarioData{Opened: m, From: from}
	if d.Conflict == "" && v.ErrorFor("conflict") != "" {
		d.Conflict = v.ErrorFor("conflict")
	}
	d.Categories = append(d.Categories, choice{"", ""}, choice{"*", i18n.T(v.Lang, "planning.step.every_category")})
	for _, c := range m.Doc.Categories {
		d.Categories = append(d.Categories, choice{c.ID, c.ID + ": " + c.Name})
	}
	d.Packages = append(d.Packages, choice{"", ""})
	for _, p := range m.Doc.Packages {
		d.Packages = append(d.Packages, choice{p.ID, p.Name})
	}
	d.Resources = append(d.Resources, choice{"", ""})
	for _, res := range m.Doc.Resources {
		d.Resources = append(d.Resources, choice{res.ID, i18n.T(v.Lang, "planning.scenario.resource_now", res.Name, money(m.Doc, res.UnitCost), res.Unit)})
	}
	d.Selects = map[string]selectField{}
	for name, cs := range map[string][]choice{"move_category": d.Categories, "move_from": d.Packages, "move_to": d.Packages, "cost_resource": d.Resources} {
		d.Selects[name] = selectField{Name: name, Label: i18n.T(v.Lang, key("scenario", name)), Value: v.Form[name], Error: v.ErrorFor(name), Choices: cs}
	}
	v.Data = d
	s.Page(w, r, status, "scenario", v)
}

func (s *Pages) scenarioForm(w http.ResponseWriter, r *http.Request) {
	m, ok := s.openEditable(w, r, 0)
	if !ok {
		return
	}
	v := s.NewView(r, "planning.scenario.title")
	s.scenarioPage(w, r, v, m, m.Version, http.StatusOK)
}

// addScenario reads the form into a scenario, has the engine check it
// and carry it out, and saves the model with it as a new version.
func (s *Pages) addScenario(w http.ResponseWriter, r *http.Request) {
	from, ok := s.formVersion(w, r)
	if !ok {
		return
	}
	m, ok := s.openEditable(w, r, 0)
	if !ok {
		return
	}
	v := s.NewView(r, "planning.scenario.title")
	v.Keep(r, scenarioFields...)
	if from != m.Version {
		// Someone saved since the form was opened: the scenario may have
		// been written against costs or numbers that have changed.
		addError(v, "conflict", i18n.T(v.Lang, "planning.conflict.scenario"))
		s.scenarioPage(w, r, v, m, m.Version, http.StatusConflict)
		return
	}
	sc := readScenario(v, m.Doc)
	if len(v.Errors) > 0 {
		s.scenarioPage(w, r, v, m, m.Version, http.StatusUnprocessableEntity)
		return
	}
	edited := *m.Doc
	edited.Scenarios = append(append([]planning.Scenario(nil), m.Doc.Scenarios...), sc)
	k := len(edited.Scenarios) - 1
	ps := planning.Validate(&edited)
	if len(ps) == 0 {
		if _, err := edited.Run([]string{sc.ID}); err != nil {
			if !errors.As(err, &ps) {
				s.Fail(w, r, err)
				return
			}
		}
	}
	if len(ps) > 0 {
		scenarioProblems(v, sc, k, ps)
		s.scenarioPage(w, r, v, m, m.Version, http.StatusUnprocessableEntity)
		return
	}
	_, err := workspace.Save(r.Context(), s.DB, web.Subject(r), m.ID, m.Version, &edited, i18n.T(v.Lang, "planning.note.scenario", sc.Name))
	switch {
	case errors.Is(err, store.ErrConflict):
		addError(v, "conflict", i18n.T(v.Lang, "planning.conflict.scenario"))
		cur, ok := s.open(w, r, 0)
		if !ok {
			return
		}
		s.scenarioPage(w, r, v, cur, cur.Version, http.StatusConflict)
		return
	case err != nil:
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/planning/models/"+m.ID+"/compare?saved=scenario&scenario="+sc.ID, http.StatusSeeOther)
}

// readScenario reads the form's steps; problems go on the view.
func readScenario(v *web.View, m *planning.Model) planning.Scenario {
	f := v.Form
	c := &cellReader{v: v}
	sc := planning.Scenario{ID: nextScenarioID(m), Name: c.textLabelled("name", "planning.scenario.name")}
	if sc.Name == "" {
		addError(v, "name", i18n.T(v.Lang, "planning.scenario.name_required"))
	}
	share := c.readNumber("move_share", phrase(v.Lang, "planning.scenario.move_share"), false)
	n := c.readNumber("move_count", phrase(v.Lang, "planning.scenario.move_count"), false)
	moving := f["move_category"] != "" || f["move_from"] != "" || f["move_to"] != "" || share != nil || n != nil
	if moving {
		mv := &planning.Move{Category: f["move_category"], From: f["move_from"], To: f["move_to"], Count: n}
		if share != nil {
			fr := *share / 100
			mv.Fraction = &fr
		}
		for _, req := range []string{"move_category", "move_from", "move_to"} {
			if f[req] == "" {
				addError(v, req, i18n.T(v.Lang, key("scenario", req+"_required")))
			}
		}
		if (share == nil) == (n == nil) && v.ErrorFor("move_share") == "" && v.ErrorFor("move_count") == "" {
			addError(v, "move_share", i18n.T(v.Lang, "planning.scenario.share_or_count"))
		}
		sc.Steps = append(sc.Steps, planning.Step{Move: mv})
	}
	if g := c.readNumber("grow", phrase(v.Lang, "planning.scenario.grow"), false); g != nil {
		k := 1 + *g/100
		sc.Steps = append(sc.Steps, planning.Step{Scale: &k})
	}
	cost := c.readNumber("cost_value", phrase(v.Lang, "planning.scenario.cost_value"), false)
	if f["cost_resource"] != "" || cost != nil {
		if f["cost_resource"] == "" {
			addError(v, "cost_resource", i18n.T(v.Lang, "planning.scenario.cost_resource_required"))
		}
		if cost == nil && v.ErrorFor("cost_value") == "" {
			addError(v, "cost_value", i18n.T(v.Lang, "planning.cell.required", phrase(v.Lang, "planning.scenario.cost_value")))
		}
		sc.Steps = append(sc.Steps, planning.Step{UnitCost: &planning.UnitCostStep{Resource: f["cost_resource"], Value: cost}})
	}
	if len(sc.Steps) == 0 && len(v.Errors) == 0 {
		addError(v, "move_category", i18n.T(v.Lang, "planning.scenario.no_steps"))
	}
	return sc
}

// nextScenarioID is S1, S2… the first not taken.
func nextScenarioID(m *planning.Model) string {
	taken := map[string]bool{}
	for _, sc := range m.Scenarios {
		taken[sc.ID] = true
	}
	for i := 1; ; i++ {
		if id := "S" + strconv.Itoa(i); !taken[id] {
			return id
		}
	}
}

var stepPath = regexp.MustCompile(`^scenarios\[(\d+)\]\.steps\[(\d+)\](?:\.([a-z_]+)(?:\.([a-z_]+))?)?$`)

// scenarioProblems puts the engine's problems with the new scenario (the
// k-th) at the form's fields: a move's at the move, a growth's at the
// growth, a cost's at the cost.
func scenarioProblems(v *web.View, sc planning.Scenario, k int, ps planning.Problems) {
	for _, p := range ps {
		field := "move_category"
		if m := stepPath.FindStringSubmatch(p.Path); m != nil && m[1] == strconv.Itoa(k) {
			j, _ := strconv.Atoi(m[2])
			step := sc.Steps[min(j, len(sc.Steps)-1)]
			switch {
			case step.Move != nil:
				field = map[string]string{"category": "move_category", "from": "move_from", "to": "move_to",
					"fraction": "move_share", "count": "move_count"}[m[4]]
				if field == "" {
					field = "move_share"
				}
			case step.Scale != nil:
				field = "grow"
			case step.UnitCost != nil:
				field = "cost_value"
				if m[4] == "resource" {
					field = "cost_resource"
				}
			}
		}
		if v.ErrorFor(field) == "" {
			addError(v, field, i18n.T(v.Lang, "planning.problem", i18n.T(v.Lang, key("scenario", field)), p.Message))
		}
	}
}

func (s *Pages) deleteScenario(w http.ResponseWriter, r *http.Request) {
	m, from, ok := s.openFromForm(w, r)
	if !ok {
		return
	}
	id := r.PathValue("scenario")
	edited := *m.Doc
	edited.Scenarios = nil
	var name string
	for _, sc := range m.Doc.Scenarios {
		if sc.ID == id {
			name = sc.Name
			continue
		}
		edited.Scenarios = append(edited.Scenarios, sc)
	}
	if name == "" {
		s.Fail(w, r, store.ErrNotFound)
		return
	}
	lang := web.LangOf(r)
	_, err := workspace.Save(r.Context(), s.DB, web.Subject(r), m.ID, from, &edited, i18n.T(lang, "planning.note.scenario_removed", name))
	switch {
	case errors.Is(err, store.ErrConflict):
		http.Redirect(w, r, "/planning/models/"+m.ID+"?saved=conflict", http.StatusSeeOther)
	case err != nil:
		s.Fail(w, r, err)
	default:
		http.Redirect(w, r, "/planning/models/"+m.ID+"?saved=removed", http.StatusSeeOther)
	}
}

// scenarioIDs are the scenarios the address asks for, in the model's
// order; all of them when it names none.
func scenarioIDs(r *http.Request, m *planning.Model) []string {
	want := map[string]bool{}
	for _, id := range r.URL.Query()["scenario"] {
		want[id] = true
	}
	var out []string
	for _, sc := range m.Scenarios {
		if len(want) == 0 || want[sc.ID] {
			out = append(out, sc.ID)
		}
	}
	return out
}
