package planning

import (
	"fmt"
)

// State is a model's costs and contents with an allocation of people: what
// a scenario changes.
type State struct {
	Model      *Model
	Allocation Allocation
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
	return nil, Problems{{Path: "--scenario", Message: fmt.Sprintf("there is no scenario %q in the model", id)}}
}

// Apply runs steps on a copy of the baseline; path prefixes problems.
func (m *Model) Apply(path string, steps []Step) (*State, error) {
	st := &State{Model: m.clone(), Allocation: m.Baseline()}
	for j, step := range steps {
		if err := st.apply(fmt.Sprintf("%s.steps[%d]", path, j), step); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (st *State) apply(p string, step Step) error {
	m := st.Model
	switch {
	case step.Move != nil:
		return st.move(p+".move", step.Move)
	case step.Scale != nil:
		for _, cells := range st.Allocation {
			for k := range cells {
				cells[k] *= *step.Scale
			}
		}
	case step.ProjectTo != nil:
		return st.projectTo(p+".project_to", *step.ProjectTo)
	case step.UnitCost != nil:
		r := m.resource(step.UnitCost.Resource)
		if r == nil {
			return Problems{{Path: p + ".unit_cost.resource", Message: fmt.Sprintf("there is no resource %q", step.UnitCost.Resource)}}
		}
		if step.UnitCost.Value != nil {
			r.UnitCost = *step.UnitCost.Value
		} else if step.UnitCost.Factor != nil {
			r.UnitCost *= *step.UnitCost.Factor
		}
	case step.Contents != nil:
		pk := m.pkg(step.Contents.Package)
		if pk == nil || m.resource(step.Contents.Resource) == nil {
			return Problems{{Path: p + ".contents", Message: "the package or resource does not exist"}}
		}
		pk.Contents[step.Contents.Resource] = step.Contents.Value
	default:
		return Problems{{Path: p, Message: "a step must have one of move, scale, project_to, unit_cost, contents"}}
	}
	return nil
}

func (st *State) move(p string, mv *Move) error {
	m := st.Model
	var cats []string
	if mv.Category == "*" {
		for _, c := range m.Categories {
			if oneOf(mv.From, c.Options) && oneOf(mv.To, c.Options) {
				cats = append(cats, c.ID)
			}
		}
	} else {
		c := m.category(mv.Category)
		if c == nil || !oneOf(mv.From, c.Options) || !oneOf(mv.To, c.Options) {
			return Problems{{Path: p, Message: fmt.Sprintf("category %q must have both %s and %s among its options", mv.Category, mv.From, mv.To)}}
		}
		cats = []string{c.ID}
	}
	for _, c := range cats {
		cells := st.Allocation[c]
		n := 0.0
		switch {
		case mv.Fraction != nil:
			n = *mv.Fraction * cells[mv.From]
		case mv.Count != nil:
			n = *mv.Count
			if n > cells[mv.From] {
				return Problems{{Path: p + ".count", Message: fmt.Sprintf("moves %v people but category %s has %v in %s at this step", n, c, cells[mv.From], mv.From)}}
			}
		}
		cells[mv.From] -= n
		cells[mv.To] += n
	}
	return nil
}

// projectTo rescales each category to its projected size in the year,
// keeping its current mix of packages.
func (st *State) projectTo(p string, year int) error {
	m := st.Model
	bands, err := populationIn(m, year)
	if err != nil {
		return Problems{{Path: p, Message: err.Error()}}
	}
	for _, c := range m.Categories {
		target := projected(c, bands)
		cells := st.Allocation[c.ID]
		total := sum(cells)
		if total == 0 {
			if target > 0 {
				return Problems{{Path: p, Message: fmt.Sprintf("category %s has nobody now, so there is no mix of packages to project", c.ID)}}
			}
			continue
		}
		for k := range cells {
			cells[k] *= target / total
		}
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

func sum(cells map[string]float64) float64 {
	t := 0.0
	for _, k := range sortedKeys(cells) {
		t += cells[k]
	}
	return t
}
