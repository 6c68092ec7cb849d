package planning

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// explanation is what Explain needs: the model, the baseline and the
// scenario, each as a state and as its figures.
type explanation struct {
	m        *Model
	sc       *Scenario
	base, st *State
	b, r     *Result
	cur      string
	w        io.Writer
}

// Explain writes how a scenario's headline figures were built from the
// baseline: which people moved between packages, which resources changed
// and by how much, in money and in beds and staff, and how that adds up
// by payer, so a planner can defend the number.
func (m *Model) Explain(w io.Writer, scenario string) error {
	sc := m.scenario(scenario)
	if sc == nil {
		return Problems{noScenario(scenario)}
	}
	st, err := m.ScenarioState(scenario)
	if err != nil {
		return err
	}
	e := &explanation{m: m, sc: sc, base: m.BaselineState(), st: st, cur: m.Currency, w: w}
	e.b = e.base.Evaluate("baseline", nil)
	e.r = st.Evaluate(scenario, e.b)
	e.headline()
	e.moves()
	e.changedTerms()
	e.resources()
	e.payers()
	return nil
}

func (e *explanation) headline() {
	b, r := e.b, e.r
	fmt.Fprintf(e.w, "Scenario %s: %s\n\n", e.sc.ID, e.sc.Name)
	fmt.Fprintf(e.w, "Cost per week: %s in the baseline, %s in the scenario: %s (%s).\n",
		Money(e.cur, b.CostPerWeek), Money(e.cur, r.CostPerWeek), SignedMoney(e.cur, r.CostPerWeek-b.CostPerWeek), percent(r.CostChangePct))
	fmt.Fprintf(e.w, "Cost per year: the weekly cost × %g weeks: %s (%s).\n", e.m.WeeksPerYear,
		Money(e.cur, r.CostPerYear), SignedMoney(e.cur, r.CostPerYear-b.CostPerYear))
	fmt.Fprintf(e.w, "People: %s (baseline %s), of whom %s at home (baseline %s, %s).\n",
		Count(r.People), Count(b.People), Count(r.AtHome), Count(b.AtHome), SignedCount(r.AtHome-b.AtHome))
}

// moves lists each category's packages whose people changed.
func (e *explanation) moves() {
	fmt.Fprintln(e.w, "\nWho moved (people per week in each package):")
	moved := false
	for _, c := range e.m.Categories {
		for _, p := range c.Options {
			was, now := e.base.Allocation.Get(c.ID, p), e.st.Allocation.Get(c.ID, p)
			if math.Abs(now-was) <= 1e-12*math.Max(1, math.Abs(was)) {
				continue
			}
			moved = true
			pk := e.m.pkg(p)
			fmt.Fprintf(e.w, "  %s in %s (%s, %s): %s → %s (%s)\n", c.ID, p, pk.Name, pk.Setting, Count(was), Count(now), SignedCount(now-was))
		}
	}
	if !moved {
		fmt.Fprintln(e.w, "  nobody: the scenario changes costs or contents only")
	}
}

// changedTerms lists the unit costs and package contents the scenario's
// steps changed: the reasons a resource's cost moves without people
// moving.
func (e *explanation) changedTerms() {
	var lines []string
	for i, res := range e.st.Model.Resources {
		if was := e.m.Resources[i].UnitCost; res.UnitCost != was {
			lines = append(lines, fmt.Sprintf("  %s: %s → %s per %s", res.Name, Money(e.cur, was), Money(e.cur, res.UnitCost), res.Unit))
		}
	}
	for i, pk := range e.st.Model.Packages {
		was := e.m.Packages[i].Contents
		for _, r := range e.m.Resources {
			if pk.Contents[r.ID] != was[r.ID] {
				lines = append(lines, fmt.Sprintf("  %s (%s): %s %s → %s per person a week", pk.ID, pk.Name,
					r.Name, plain(was[r.ID]), plain(pk.Contents[r.ID])))
			}
		}
	}
	if len(lines) > 0 {
		fmt.Fprintln(e.w, "\nWhat the steps changed besides people:")
		fmt.Fprintln(e.w, strings.Join(lines, "\n"))
	}
}

// resourceChange is one resource's change, for sorting by money.
type resourceChange struct {
	res         Resource
	was         Resource
	dVol, dCost float64
}

// resources lists each resource whose volume or cost changed, largest
// change in money first, adding up to the change in weekly cost.
func (e *explanation) resources() {
	fmt.Fprintln(e.w, "\nWhat changed, by resource (change in volume × unit cost):")
	var lines []resourceChange
	for i, res := range e.st.Model.Resources {
		bv, sv := e.b.Resources[res.ID], e.r.Resources[res.ID]
		if sv.Cost == bv.Cost && sv.Volume == bv.Volume {
			continue
		}
		lines = append(lines, resourceChange{res, e.m.Resources[i], sv.Volume - bv.Volume, sv.Cost - bv.Cost})
	}
	sort.SliceStable(lines, func(i, j int) bool { return math.Abs(lines[i].dCost) > math.Abs(lines[j].dCost) })
	total := 0.0
	for _, l := range lines {
		e.resourceLine(l)
		total += l.dCost
	}
	fmt.Fprintf(e.w, "  Total: %s a week, %s a year.\n", SignedMoney(e.cur, total), SignedMoney(e.cur, total*e.m.WeeksPerYear))
}

func (e *explanation) resourceLine(l resourceChange) {
	res := l.res
	what := fmt.Sprintf("%s %s a week at %s", SignedCount(l.dVol), res.Unit, Money(e.cur, res.UnitCost))
	if res.UnitCost != l.was.UnitCost {
		// Δcost = Δvolume × old price + new volume × Δprice.
		byVolume := l.dVol * l.was.UnitCost
		what = fmt.Sprintf("unit cost %s → %s, volume %s %s a week (%s from the volume, %s from the price)",
			Money(e.cur, l.was.UnitCost), Money(e.cur, res.UnitCost), SignedCount(l.dVol), res.Unit,
			SignedMoney(e.cur, byVolume), SignedMoney(e.cur, l.dCost-byVolume))
	}
	fmt.Fprintf(e.w, "  %s: %s: %s (paid by %s)", res.Name, what, SignedMoney(e.cur, l.dCost), res.Payer)
	bv, sv := e.b.Resources[res.ID], e.r.Resources[res.ID]
	switch {
	case sv.Places != nil:
		fmt.Fprintf(e.w, "; bed places %s → %s", thousands(*bv.Places, 1), thousands(*sv.Places, 1))
	case sv.WTE != nil:
		fmt.Fprintf(e.w, "; staff %s → %s WTE", thousands(*bv.WTE, 1), thousands(*sv.WTE, 1))
	}
	fmt.Fprintln(e.w)
}

// payers shows who pays the change, and the public part of it.
func (e *explanation) payers() {
	fmt.Fprintln(e.w, "\nWho pays the change per week:")
	for _, p := range payers([]*Result{e.b, e.r}) {
		if d := e.r.CostByPayer[p] - e.b.CostByPayer[p]; d != 0 {
			fmt.Fprintf(e.w, "  %s: %s → %s (%s)\n", p, Money(e.cur, e.b.CostByPayer[p]), Money(e.cur, e.r.CostByPayer[p]), SignedMoney(e.cur, d))
		}
	}
	fmt.Fprintf(e.w, "  Public cost (every payer but the person and the carer): %s → %s (%s)\n",
		Money(e.cur, e.b.PublicCostPerWeek), Money(e.cur, e.r.PublicCostPerWeek), SignedMoney(e.cur, e.r.PublicCostPerWeek-e.b.PublicCostPerWeek))
}
