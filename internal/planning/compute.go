package planning

import (
	"fmt"
	"math"
)

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

	cost dd // CostPerWeek to twice float64's precision, for changes
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

// Evaluate computes the figures for a state, and its change against the
// baseline's figures (nil for the baseline itself).
func (st *State) Evaluate(scenario string, baseline *Result) *Result {
	m := st.Model
	res := &Result{Scenario: scenario, CostByPayer: map[string]float64{}, Resources: map[string]ResourceResult{},
		OverCapacity: []string{}, Allocation: st.Allocation}
	perPackage := st.peoplePerPackage()
	people, atHome := dd{}, dd{}
	for pi, pk := range m.Packages {
		people = people.addDD(perPackage[pi])
		if pk.Setting == "home" {
			atHome = atHome.addDD(perPackage[pi])
		}
	}
	res.People, res.AtHome = people.float(), atHome.float()
	public := dd{}
	for _, r := range m.Resources {
		// Summed in the packages' order, so the figures do not depend on
		// the order a map happens to give.
		v := dd{}
		for pi, pk := range m.Packages {
			if u, ok := pk.Contents[r.ID]; ok {
				v = v.addDD(perPackage[pi].mul(u))
			}
		}
		cost := v.mul(r.UnitCost)
		rr := resourceResult(r, v.float(), cost.float())
		res.cost = res.cost.addDD(cost)
		res.CostByPayer[r.Payer] += rr.Cost
		if !unpaidPayers[r.Payer] {
			public = public.addDD(cost)
		}
		if r.Capacity != nil && rr.Volume > *r.Capacity {
			res.OverCapacity = append(res.OverCapacity, r.ID)
		}
		res.Resources[r.ID] = rr
	}
	res.CostPerWeek, res.PublicCostPerWeek = res.cost.float(), public.float()
	res.CostPerYear = res.cost.mul(m.WeeksPerYear).float()
	if baseline != nil && baseline.CostPerWeek != 0 {
		res.CostChangePct = 100 * res.CostChange(baseline) / baseline.CostPerWeek
	}
	return res
}

// CostChange is the change in weekly cost from another result, worked
// out from both totals at twice float64's precision, so that a small
// change in a large total keeps its digits.
func (r *Result) CostChange(from *Result) float64 { return r.cost.sub(from.cost).float() }

// peoplePerPackage adds up the cells by package first: volumes are then
// worked out per package, not per cell, far fewer steps on large models.
func (st *State) peoplePerPackage() []dd {
	ix, a := st.Model.index(), st.Allocation
	// Neumaier's sum: a running float64 and the exact error of each
	// addition, kept apart and added at the end (cheaper than a
	// double-double addition per cell, and as exact here).
	sum, errs := make([]float64, len(st.Model.Packages)), make([]float64, len(st.Model.Packages))
	for ci, row := range a.Cells {
		pkgOf := ix.pkgOf[ci]
		for oi, v := range row {
			p := pkgOf[oi]
			s, e := twoSum(sum[p], v)
			sum[p], errs[p] = s, errs[p]+e
		}
	}
	if a.lo != nil {
		for ci, row := range a.Cells {
			for oi := range row {
				errs[ix.pkgOf[ci][oi]] += a.lo[ix.start[ci]+oi]
			}
		}
	}
	perPackage := make([]dd, len(sum))
	for p := range sum {
		perPackage[p] = dd{sum[p], 0}.add(errs[p])
	}
	return perPackage
}

// resourceResult is what follows from a resource's weekly volume: its
// cost, bed places or staff WTE, and its utilisation.
func resourceResult(r Resource, v, cost float64) ResourceResult {
	rr := ResourceResult{Volume: v, Cost: cost}
	switch {
	case r.Kind == "bed":
		occ := 1.0
		if r.Occupancy != nil {
			occ = *r.Occupancy
		}
		rr.Places = ptr(v / 7 / occ)
	case r.Kind == "staff_hours" && r.HoursPerWTE != nil:
		rr.WTE = ptr(v / *r.HoursPerWTE)
	case r.Kind == "visits" && r.VisitsPerWTE != nil:
		rr.WTE = ptr(v / *r.VisitsPerWTE)
	}
	if r.Capacity != nil && *r.Capacity > 0 {
		rr.Utilisation = ptr(v / *r.Capacity) // null without a capacity, and for a capacity of 0
	}
	return rr
}

func ptr(v float64) *float64 { return &v }

// finite says whether every figure is a number: a model's numbers are
// finite, but huge ones can overflow (and ∞ × 0 is not a number), and
// such a result cannot be written as JSON or trusted.
func (r *Result) finite() bool {
	ok := func(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }
	if !ok(r.People) || !ok(r.CostPerWeek) || !ok(r.CostPerYear) || !ok(r.PublicCostPerWeek) || !ok(r.CostChangePct) {
		return false
	}
	for _, rr := range r.Resources {
		if !ok(rr.Volume) || !ok(rr.Cost) {
			return false
		}
	}
	// Cells are never negative, so a cell that is not finite makes the
	// people not finite: the totals are enough to look at.
	return true
}

// Run evaluates the baseline and the named scenarios (every scenario when
// ids is empty), in the model's order.
func (m *Model) Run(ids []string) ([]*Result, error) {
	base := m.BaselineState().Evaluate("baseline", nil)
	base.Name = "Baseline"
	if !base.finite() {
		return nil, Problems{newProblem("", "planning.baseline_overflow", "the baseline's figures are too large to work out: check for a number far too large in the model")}
	}
	out := []*Result{base}
	want := map[string]bool{}
	for _, id := range ids {
		if m.scenario(id) == nil {
			return nil, Problems{noScenario(id)}
		}
		want[id] = true
	}
	// A step that cannot be carried out is a mistake in the model like
	// any other, so every scenario is tried and all such problems are
	// reported together.
	var problems Problems
	for i, s := range m.Scenarios {
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
		r := st.Evaluate(s.ID, base)
		r.Name = s.Name
		if !r.finite() {
			problems = append(problems, newProblem(fmt.Sprintf("scenarios[%d]", i), "planning.scenario_overflow",
				"the scenario's figures are too large to work out: check its steps for a number far too large"))
			continue
		}
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

// Payers are every payer in the results' cost by payer, sorted.
func Payers(results []*Result) []string {
	seen := map[string]bool{}
	for _, r := range results {
		for p := range r.CostByPayer {
			seen[p] = true
		}
	}
	return sortedKeys(seen)
}
