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
		for _, row := range st.Allocation.Cells {
			for k := range row {
				row[k] *= *step.Scale
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
	ix := m.index()
	rows := []int{}
	if mv.Category == "*" {
		for ci := range m.Categories {
			_, hasFrom := ix.opt[ci][mv.From]
			_, hasTo := ix.opt[ci][mv.To]
			if hasFrom && hasTo {
				rows = append(rows, ci)
			}
		}
	} else {
		ci, ok := ix.cat[mv.Category]
		_, hasFrom := ix.opt[ci][mv.From]
		_, hasTo := ix.opt[ci][mv.To]
		if !ok || !hasFrom || !hasTo {
			return Problems{{Path: p, Message: fmt.Sprintf("category %q must have both %s and %s among its options", mv.Category, mv.From, mv.To)}}
		}
		rows = append(rows, ci)
	}
	for _, ci := range rows {
		row, from, to := st.Allocation.Cells[ci], ix.opt[ci][mv.From], ix.opt[ci][mv.To]
		n := 0.0
		switch {
		case mv.Fraction != nil:
			n = *mv.Fraction * row[from]
		case mv.Count != nil:
			n = *mv.Count
			if n > row[from] {
				return Problems{{Path: p + ".count", Message: fmt.Sprintf("moves %v people but category %s has %v in %s at this step",
					n, m.Categories[ci].ID, row[from], mv.From)}}
			}
		}
		row[from] -= n
		row[to] += n
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
	if err := st.rescale(bands); err != nil {
		return Problems{{Path: p, Message: err.Error()}}
	}
	return nil
}

// rescale sets each category to its projected size for the bands,
// keeping its mix of packages.
func (st *State) rescale(bands map[string]float64) error {
	for ci, c := range st.Model.Categories {
		target := projected(c, bands)
		row := st.Allocation.Cells[ci]
		total := rowSum(row)
		if total == 0 {
			if target > 0 {
				return fmt.Errorf("category %s has nobody now, so there is no mix of packages to project", c.ID)
			}
			continue
		}
		for k := range row {
			row[k] *= target / total
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

func rowSum(row []float64) float64 {
	t := 0.0
	for _, v := range row {
		t += v
	}
	return t
}
