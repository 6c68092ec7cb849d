package planning

import (
	"math"
	"sort"
)

// Vary is one kind of parameter to vary, by a share up and down.
type Vary struct {
	What  string  // VaryUnitCost or VaryContents
	Share float64 // 0.2 for ±20%: more than 0, less than 1
}

// The kinds of parameter Sensitivity varies.
const (
	VaryUnitCost = "unit_cost" // each resource's unit cost
	VaryContents = "contents"  // each package's units of each resource
)

// check is the problem with a Vary, if any.
func (v Vary) check() *Problem {
	var p Problem
	switch {
	case v.What != VaryUnitCost && v.What != VaryContents:
		p = optionProblem(OptionVary, "planning.vary_what", "can vary unit_cost or contents, not %q", v.What)
	case !(v.Share > 0 && v.Share < 1):
		p = optionProblem(OptionVary, "planning.vary_share", "the share must be above 0 and below 1, not %v", v.Share)
	default:
		return nil
	}
	return &p
}

// Swing is the effect of one parameter at its low and high values.
type Swing struct {
	Parameter   string  `json:"parameter"`
	Low         float64 `json:"low"`
	High        float64 `json:"high"`
	CostLow     float64 `json:"cost_per_week_low"`
	CostHigh    float64 `json:"cost_per_week_high"`
	ChangeLow   float64 `json:"cost_change_low"`
	ChangeHigh  float64 `json:"cost_change_high"`
	Swing       float64 `json:"swing"`        // |CostHigh − CostLow|
	ChangeSwing float64 `json:"change_swing"` // |ChangeHigh − ChangeLow|
}

// Sensitivity varies each parameter one at a time and reports the swing
// in the scenario's weekly cost and in its change against the baseline
// (both worked out with the varied parameter), largest first: the numbers
// behind a tornado chart.
func (m *Model) Sensitivity(scenario string, varies []Vary) ([]Swing, error) {
	sc := m.scenario(scenario)
	if sc == nil {
		return nil, Problems{noScenario(scenario)}
	}
	var ps Problems
	for _, v := range varies {
		if p := v.check(); p != nil {
			ps = append(ps, *p)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	var out []Swing
	for _, v := range varies {
		switch v.What {
		case VaryUnitCost:
			for i, r := range m.Resources {
				s, err := m.swing(sc, "unit_cost "+r.ID, r.UnitCost, v.Share, func(mm *Model, x float64) { mm.Resources[i].UnitCost = x })
				if err != nil {
					return nil, err
				}
				out = append(out, s)
			}
		case VaryContents:
			for i, p := range m.Packages {
				for _, rid := range sortedKeys(p.Contents) {
					rid := rid
					s, err := m.swing(sc, "contents "+p.ID+"."+rid, p.Contents[rid], v.Share, func(mm *Model, x float64) { setContents(&mm.Packages[i], rid, x) })
					if err != nil {
						return nil, err
					}
					out = append(out, s)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Swing > out[j].Swing })
	return out, nil
}

func (m *Model) swing(sc *Scenario, name string, base, share float64, set func(*Model, float64)) (Swing, error) {
	s := Swing{Parameter: name, Low: base * (1 - share), High: base * (1 + share)}
	for _, side := range []struct {
		x            float64
		cost, change *float64
	}{{s.Low, &s.CostLow, &s.ChangeLow}, {s.High, &s.CostHigh, &s.ChangeHigh}} {
		mm := m.clone()
		set(mm, side.x)
		baseline := mm.BaselineState().Evaluate("baseline", nil)
		st, err := mm.ScenarioState(sc.ID)
		if err != nil {
			return s, err
		}
		r := st.Evaluate(sc.ID, baseline)
		*side.cost, *side.change = r.CostPerWeek, r.CostChange(baseline)
	}
	s.Swing, s.ChangeSwing = math.Abs(s.CostHigh-s.CostLow), math.Abs(s.ChangeHigh-s.ChangeLow)
	return s, nil
}
