package planning

import (
	"fmt"
)

// State is a model's costs and contents with an allocation of people: what
// a scenario changes.
type State struct {
	Model      *Model
	Allocation Allocation
	ownModel   bool // Model is this state's own copy, free to change
}

// model is the state's own copy of the model, made on the first step that
// changes a cost or contents: most scenarios only move people, and need
// no copy.
func (st *State) model() *Model {
	if !st.ownModel {
		st.Model, st.ownModel = st.Model.clone(), true
	}
	return st.Model
}

// BaselineState is the model as it is now.
func (m *Model) BaselineState() *State {
	return &State{Model: m, Allocation: m.Baseline()}
}

// ScenarioState applies a scenario's steps, in order, to a copy of the
// baseline. A step that cannot be carried out (moving more people than
// are there) is a Problem at its path.
func (m *Model) ScenarioState(id string) (*State, error) {
	for i, s := range m.Scenarios {
		if s.ID == id {
			return m.Apply(fmt.Sprintf("scenarios[%d]", i), s.Steps)
		}
	}
	return nil, Problems{noScenario(id)}
}

// noScenario is the problem with asking for a scenario the model does not
// have.
func noScenario(id string) Problem {
	p := newProblem("scenarios", "planning.no_scenario", "there is no scenario %q in the model", id)
	p.Option = OptionScenario
	return p
}

// Apply runs steps on a copy of the baseline; path prefixes problems.
func (m *Model) Apply(path string, steps []Step) (*State, error) {
	st := &State{Model: m, Allocation: m.Baseline()}
	for j, step := range steps {
		if err := st.apply(fmt.Sprintf("%s.steps[%d]", path, j), step); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (st *State) apply(p string, step Step) error {
	switch {
	case step.Move != nil:
		return st.move(p+".move", step.Move)
	case step.Scale != nil:
		st.Allocation.scale(*step.Scale)
	case step.ProjectTo != nil:
		return st.projectTo(p+".project_to", *step.ProjectTo)
	case step.UnitCost != nil:
		return st.unitCost(p+".unit_cost", step.UnitCost)
	case step.Contents != nil:
		return st.contents(p+".contents", step.Contents)
	default:
		return Problems{newProblem(p, "planning.step_empty", "a step must have one of move, scale, project_to, unit_cost, contents")}
	}
	return nil
}

func (st *State) unitCost(p string, u *UnitCostStep) error {
	r := st.model().resource(u.Resource)
	if r == nil {
		return Problems{newProblem(p+".resource", "planning.no_resource", "there is no resource %q", u.Resource)}
	}
	if u.Value != nil {
		r.UnitCost = *u.Value
	} else if u.Factor != nil {
		r.UnitCost *= *u.Factor
	}
	return nil
}

func (st *State) contents(p string, c *ContentsStep) error {
	m := st.model()
	pk := m.pkg(c.Package)
	if pk == nil || m.resource(c.Resource) == nil {
		return Problems{newProblem(p, "planning.no_package_or_resource", "the package or resource does not exist")}
	}
	setContents(pk, c.Resource, c.Value)
	return nil
}

func (st *State) move(p string, mv *Move) error {
	m := st.Model
	ix := m.index()
	from, okFrom := ix.pkg[mv.From]
	to, okTo := ix.pkg[mv.To]
	if !okFrom || !okTo {
		return Problems{newProblem(p, "planning.no_package_either", "there is no package %s or %s", mv.From, mv.To)}
	}
	type cells struct{ ci, from, to int }
	var rows []cells
	if mv.Category == "*" {
		for _, c := range ix.where[from] {
			if oiTo := ix.column(c.ci, to); oiTo >= 0 {
				rows = append(rows, cells{c.ci, c.oi, oiTo})
			}
		}
	} else {
		ci, ok := ix.cat[mv.Category]
		if !ok || ix.column(ci, from) < 0 || ix.column(ci, to) < 0 {
			return Problems{newProblem(p, "planning.move_not_options", "category %q must have both %s and %s among its options", mv.Category, mv.From, mv.To)}
		}
		rows = append(rows, cells{ci, ix.column(ci, from), ix.column(ci, to)})
	}
	a := &st.Allocation
	for _, c := range rows {
		there := a.value(c.ci, c.from)
		n := 0.0
		switch {
		case mv.Fraction != nil:
			n = *mv.Fraction * there
		case mv.Count != nil:
			n = *mv.Count
			if n > there {
				return Problems{newProblem(p+".count", "planning.move_too_many", "moves %v people but category %s has %v in %s at this step",
					n, m.Categories[c.ci].ID, there, mv.From)}
			}
		}
		a.addTo(c.ci, c.from, -n)
		a.addTo(c.ci, c.to, n)
	}
	return nil
}

// projectTo rescales each category to its projected size in the year,
// keeping its current mix of packages.
func (st *State) projectTo(p string, year int) error {
	m := st.Model
	bands, pr := populationIn(m, year)
	if pr == nil {
		pr = st.rescale(bands)
	}
	if pr != nil {
		pr.Path = p // the step that asked for the year
		return Problems{*pr}
	}
	return nil
}

// rescale sets each category to its projected size for the bands,
// keeping its mix of packages; the problem is at the category's people
// now.
func (st *State) rescale(bands map[string]float64) *Problem {
	for ci, c := range st.Model.Categories {
		target := projected(c, bands)
		total := st.Allocation.rowTotal(ci)
		if total == 0 {
			if target > 0 {
				p := newProblem(fmt.Sprintf("categories[%d].current", ci), "planning.project_nobody",
					"category %s has nobody now, so there is no mix of packages to project", c.ID)
				return &p
			}
			continue
		}
		st.Allocation.scaleRow(ci, target/total)
	}
	return nil
}

// projected is Σ_band prevalence × population of the band.
func projected(c Category, bands map[string]float64) float64 {
	n := 0.0
	for _, b := range sortedKeys(c.Prevalence) {
		n += c.Prevalence[b] * bands[b]
	}
	return n
}
