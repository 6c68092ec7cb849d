package planning

import (
	"math"
	"sort"
)

// Explanation is how a scenario's headline figures were built from the
// baseline, so a planner can defend the number: which people moved
// between packages, which unit costs and contents the steps changed,
// which resources changed and by how much, in money and in beds and
// staff, and how that adds up by payer. It is figures, not words: a
// report draws it (internal/planning/report), a page renders it in its
// own language.
type Explanation struct {
	Scenario     string  `json:"scenario"`
	Name         string  `json:"name"`
	Currency     string  `json:"currency"`
	WeeksPerYear float64 `json:"weeks_per_year"`

	// The headline figures, baseline beside scenario.
	CostPerWeek       Change  `json:"cost_per_week"`
	CostChangePct     float64 `json:"cost_change_pct"`
	CostPerYear       Change  `json:"cost_per_year"`
	People            Change  `json:"people"`
	AtHome            Change  `json:"at_home"`
	PublicCostPerWeek Change  `json:"public_cost_per_week"`

	// Moves are the cells whose people changed, in the model's order of
	// categories and options; none when the scenario changes costs or
	// contents only.
	Moves []PeopleMove `json:"moves"`
	// UnitCosts and Contents are what the steps changed besides people:
	// the reasons a resource's cost moves without people moving.
	UnitCosts []UnitCostChange `json:"unit_costs"`
	Contents  []ContentsChange `json:"contents"`
	// Resources are the resources whose volume or cost changed, largest
	// change in money first; their changes in cost add up to
	// TotalPerWeek, and a year of it to TotalPerYear.
	Resources    []ResourceChange `json:"resources"`
	TotalPerWeek float64          `json:"total_per_week"`
	TotalPerYear float64          `json:"total_per_year"`
	// Payers are the payers whose weekly cost changed, by name; the
	// public part is PublicCostPerWeek.
	Payers []PayerChange `json:"payers"`
}

// Change is a figure in the baseline and in the scenario, and the
// difference, Scenario − Baseline.
type Change struct {
	Baseline float64 `json:"baseline"`
	Scenario float64 `json:"scenario"`
	Change   float64 `json:"change"`
}

func change(baseline, scenario float64) Change {
	return Change{Baseline: baseline, Scenario: scenario, Change: scenario - baseline}
}

// PeopleMove is the change in a category's people in one of its packages.
type PeopleMove struct {
	Category    string `json:"category"`
	Package     string `json:"package"`
	PackageName string `json:"package_name"`
	Setting     string `json:"setting"`
	People      Change `json:"people"`
}

// UnitCostChange is a resource's unit cost that the steps changed.
type UnitCostChange struct {
	Resource string `json:"resource"`
	Name     string `json:"name"`
	Unit     string `json:"unit"`
	UnitCost Change `json:"unit_cost"`
}

// ContentsChange is how much of a resource a package uses per person a
// week, where the steps changed it.
type ContentsChange struct {
	Package      string `json:"package"`
	PackageName  string `json:"package_name"`
	Resource     string `json:"resource"`
	ResourceName string `json:"resource_name"`
	Units        Change `json:"units"`
}

// ResourceChange is one resource's change a week: its volume, its unit
// cost and its cost, the cost's change split into FromVolume (the change
// in volume at the baseline's unit cost) and FromPrice (the scenario's
// volume at the change in unit cost; 0 when the price did not change),
// and the bed places (beds) or staff WTE (staff and visits with a rate)
// before and after.
type ResourceChange struct {
	Resource   string  `json:"resource"`
	Name       string  `json:"name"`
	Unit       string  `json:"unit"`
	Payer      string  `json:"payer"`
	Volume     Change  `json:"volume"`
	UnitCost   Change  `json:"unit_cost"`
	Cost       Change  `json:"cost"`
	FromVolume float64 `json:"from_volume"`
	FromPrice  float64 `json:"from_price"`
	Places     *Change `json:"places,omitempty"`
	WTE        *Change `json:"wte,omitempty"`
}

// PriceChanged says whether the resource's unit cost changed.
func (rc ResourceChange) PriceChanged() bool { return rc.UnitCost.Scenario != rc.UnitCost.Baseline }

// PayerChange is what one payer pays a week.
type PayerChange struct {
	Payer string `json:"payer"`
	Cost  Change `json:"cost"`
}

// Explain works out how a scenario's figures were built from the
// baseline. A scenario the model does not have is a Problem naming the
// option scenario.
func (m *Model) Explain(scenario string) (*Explanation, error) {
	sc := m.scenario(scenario)
	if sc == nil {
		return nil, Problems{noScenario(scenario)}
	}
	st, err := m.ScenarioState(scenario)
	if err != nil {
		return nil, err
	}
	base := m.BaselineState()
	b := base.Evaluate("baseline", nil)
	r := st.Evaluate(scenario, b)
	e := &Explanation{Scenario: sc.ID, Name: sc.Name, Currency: m.Currency, WeeksPerYear: m.WeeksPerYear,
		CostPerWeek: change(b.CostPerWeek, r.CostPerWeek), CostChangePct: r.CostChangePct,
		CostPerYear: change(b.CostPerYear, r.CostPerYear), People: change(b.People, r.People),
		AtHome: change(b.AtHome, r.AtHome), PublicCostPerWeek: change(b.PublicCostPerWeek, r.PublicCostPerWeek),
		Moves: []PeopleMove{}, UnitCosts: []UnitCostChange{}, Contents: []ContentsChange{},
		Resources: []ResourceChange{}, Payers: []PayerChange{}}
	e.moves(m, base, st)
	e.changedTerms(m, st.Model)
	e.resources(m, st.Model, b, r)
	for _, p := range Payers([]*Result{b, r}) {
		if c := change(b.CostByPayer[p], r.CostByPayer[p]); c.Change != 0 {
			e.Payers = append(e.Payers, PayerChange{Payer: p, Cost: c})
		}
	}
	return e, nil
}

// moves lists each category's packages whose people changed.
func (e *Explanation) moves(m *Model, base, st *State) {
	for _, c := range m.Categories {
		for _, p := range c.Options {
			was, now := base.Allocation.Get(c.ID, p), st.Allocation.Get(c.ID, p)
			if math.Abs(now-was) <= 1e-12*math.Max(1, math.Abs(was)) {
				continue
			}
			pk := m.pkg(p)
			e.Moves = append(e.Moves, PeopleMove{Category: c.ID, Package: p, PackageName: pk.Name, Setting: pk.Setting, People: change(was, now)})
		}
	}
}

// changedTerms lists the unit costs and package contents the scenario's
// steps changed (sm is the scenario's copy of the model m).
func (e *Explanation) changedTerms(m, sm *Model) {
	for i, res := range sm.Resources {
		if was := m.Resources[i].UnitCost; res.UnitCost != was {
			e.UnitCosts = append(e.UnitCosts, UnitCostChange{Resource: res.ID, Name: res.Name, Unit: res.Unit, UnitCost: change(was, res.UnitCost)})
		}
	}
	for i, pk := range sm.Packages {
		was := m.Packages[i].Contents
		for _, r := range m.Resources {
			if pk.Contents[r.ID] != was[r.ID] {
				e.Contents = append(e.Contents, ContentsChange{Package: pk.ID, PackageName: pk.Name, Resource: r.ID, ResourceName: r.Name,
					Units: change(was[r.ID], pk.Contents[r.ID])})
			}
		}
	}
}

// resources lists each resource whose volume or cost changed, largest
// change in money first, and adds up their changes in cost.
func (e *Explanation) resources(m, sm *Model, b, r *Result) {
	for i, res := range sm.Resources {
		bv, sv := b.Resources[res.ID], r.Resources[res.ID]
		if sv.Cost == bv.Cost && sv.Volume == bv.Volume {
			continue
		}
		rc := ResourceChange{Resource: res.ID, Name: res.Name, Unit: res.Unit, Payer: res.Payer,
			Volume: change(bv.Volume, sv.Volume), UnitCost: change(m.Resources[i].UnitCost, res.UnitCost), Cost: change(bv.Cost, sv.Cost)}
		// Δcost = Δvolume × old price + new volume × Δprice.
		rc.FromVolume = rc.Volume.Change * rc.UnitCost.Baseline
		rc.FromPrice = rc.Cost.Change - rc.FromVolume
		if !rc.PriceChanged() {
			rc.FromVolume, rc.FromPrice = rc.Cost.Change, 0
		}
		switch {
		case sv.Places != nil && bv.Places != nil:
			c := change(*bv.Places, *sv.Places)
			rc.Places = &c
		case sv.WTE != nil && bv.WTE != nil:
			c := change(*bv.WTE, *sv.WTE)
			rc.WTE = &c
		}
		e.Resources = append(e.Resources, rc)
	}
	sort.SliceStable(e.Resources, func(i, j int) bool {
		return math.Abs(e.Resources[i].Cost.Change) > math.Abs(e.Resources[j].Cost.Change)
	})
	for _, rc := range e.Resources {
		e.TotalPerWeek += rc.Cost.Change
	}
	e.TotalPerYear = e.TotalPerWeek * m.WeeksPerYear
}
