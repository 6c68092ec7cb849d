package planning

// Result is every figure the spec defines for one allocation.
type Result struct {
	Scenario          string                    `json:"scenario"`
	Name              string                    `json:"name,omitempty"`
	People            float64                   `json:"people"`
	AtHome            float64                   `json:"at_home"`
	CostPerWeek       float64                   `json:"cost_per_week"`
	CostPerYear       float64                   `json:"cost_per_year"`
	PublicCostPerWeek float64                   `json:"public_cost_per_week"`
	CostChangePct     float64                   `json:"cost_change_pct"`
	CostByPayer       map[string]float64        `json:"cost_by_payer"`
	Resources         map[string]ResourceResult `json:"resources"`
	OverCapacity      []string                  `json:"over_capacity"`
	Allocation        Allocation                `json:"allocation"`
}

// ResourceResult is one resource's volume and what follows from it.
// Places is for beds, WTE for staff hours and visits; Utilisation is null
// where the model gives no capacity.
type ResourceResult struct {
	Volume      float64  `json:"volume"`
	Cost        float64  `json:"cost"`
	Places      *float64 `json:"places,omitempty"`
	WTE         *float64 `json:"wte,omitempty"`
	Utilisation *float64 `json:"utilisation"`
}

// unpaidPayers are left out of the public cost.
var unpaidPayers = map[string]bool{"person": true, "carer": true}

// WeeklyCost is Σ_r contents[p][r] × unit_cost[r] for one package.
func (m *Model) WeeklyCost(pkg string) float64 {
	p := m.pkg(pkg)
	c := 0.0
	for _, r := range m.Resources {
		c += p.Contents[r.ID] * r.UnitCost
	}
	return c
}

// Evaluate computes the figures for a state. baseline is the baseline's
// cost per week, for the change; pass 0 for the baseline itself.
func (st *State) Evaluate(scenario string, baseline float64) *Result {
	m, a := st.Model, st.Allocation
	res := &Result{Scenario: scenario, CostByPayer: map[string]float64{}, Resources: map[string]ResourceResult{},
		OverCapacity: []string{}, Allocation: a}
	// People per package first, then volumes from each package's
	// contents: the same sums, in far fewer steps on large models.
	ix := m.index()
	perPackage := make([]float64, len(m.Packages))
	for ci, row := range a.Cells {
		for oi, v := range row {
			perPackage[ix.pkgOf[ci][oi]] += v
		}
	}
	for pi, pk := range m.Packages {
		res.People += perPackage[pi]
		if pk.Setting == "home" {
			res.AtHome += perPackage[pi]
		}
	}
	for _, r := range m.Resources {
		// Summed in the packages' order, so the figures do not depend on
		// the order a map happens to give.
		v := 0.0
		for pi, pk := range m.Packages {
			if u, ok := pk.Contents[r.ID]; ok {
				v += perPackage[pi] * u
			}
		}
		rr := ResourceResult{Volume: v, Cost: v * r.UnitCost}
		res.CostPerWeek += rr.Cost
		res.CostByPayer[r.Payer] += rr.Cost
		if !unpaidPayers[r.Payer] {
			res.PublicCostPerWeek += rr.Cost
		}
		switch r.Kind {
		case "bed":
			occ := 1.0
			if r.Occupancy != nil {
				occ = *r.Occupancy
			}
			rr.Places = ptr(v / 7 / occ)
		case "staff_hours":
			if r.HoursPerWTE != nil {
				rr.WTE = ptr(v / *r.HoursPerWTE)
			}
		case "visits":
			if r.VisitsPerWTE != nil {
				rr.WTE = ptr(v / *r.VisitsPerWTE)
			}
		}
		if r.Capacity != nil {
			if *r.Capacity > 0 {
				rr.Utilisation = ptr(v / *r.Capacity)
			}
			if v > *r.Capacity {
				res.OverCapacity = append(res.OverCapacity, r.ID)
			}
		}
		res.Resources[r.ID] = rr
	}
	res.CostPerYear = res.CostPerWeek * m.WeeksPerYear
	if baseline != 0 {
		res.CostChangePct = 100 * (res.CostPerWeek - baseline) / baseline
	}
	return res
}

func ptr(v float64) *float64 { return &v }

// Run evaluates the baseline and the named scenarios (every scenario when
// ids is empty), in the model's order.
func (m *Model) Run(ids []string) ([]*Result, error) {
	base := m.BaselineState().Evaluate("baseline", 0)
	base.Name = "Baseline"
	out := []*Result{base}
	want := map[string]bool{}
	for _, id := range ids {
		if m.scenario(id) == nil {
			return nil, Problems{{Path: "--scenario", Message: "there is no scenario \"" + id + "\" in the model"}}
		}
		want[id] = true
	}
	// A step that cannot be carried out is a mistake in the model like
	// any other, so every scenario is tried and all such problems are
	// reported together.
	var problems Problems
	for _, s := range m.Scenarios {
		if len(ids) > 0 && !want[s.ID] {
			continue
		}
		st, err := m.ScenarioState(s.ID)
		if ps, ok := err.(Problems); ok {
			problems = append(problems, ps...)
			continue
		} else if err != nil {
			return nil, err
		}
		r := st.Evaluate(s.ID, base.CostPerWeek)
		r.Name = s.Name
		out = append(out, r)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return out, nil
}

func (m *Model) scenario(id string) *Scenario {
	for i := range m.Scenarios {
		if m.Scenarios[i].ID == id {
			return &m.Scenarios[i]
		}
	}
	return nil
}
