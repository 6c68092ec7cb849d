package planning

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Vary is one kind of parameter to vary, by a share up and down.
type Vary struct {
	What  string  // "unit_cost" or "contents"
	Share float64 // 0.2 for ±20%
}

// ParseVary reads "unit_cost=±20%" (also "+-20%" or "20%").
func ParseVary(s string) (Vary, error) {
	what, amount, ok := strings.Cut(s, "=")
	if !ok || (what != "unit_cost" && what != "contents") {
		return Vary{}, fmt.Errorf("--vary %q: write unit_cost=±20%% or contents=±10%%", s)
	}
	amount = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(amount, "±"), "+-"), "+/-"), "%")
	pct, err := strconv.ParseFloat(amount, 64)
	if err != nil || pct <= 0 || pct >= 100 {
		return Vary{}, fmt.Errorf("--vary %q: the amount must be a percentage above 0 and below 100, like ±20%%", s)
	}
	return Vary{What: what, Share: pct / 100}, nil
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
		return nil, Problems{{Path: "--scenario", Message: fmt.Sprintf("there is no scenario %q in the model", scenario)}}
	}
	var out []Swing
	for _, v := range varies {
		switch v.What {
		case "unit_cost":
			for i, r := range m.Resources {
				s, err := m.swing(sc, "unit_cost "+r.ID, r.UnitCost, v.Share, func(mm *Model, x float64) { mm.Resources[i].UnitCost = x })
				if err != nil {
					return nil, err
				}
				out = append(out, s)
			}
		case "contents":
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
