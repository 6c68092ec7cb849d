package planning

import (
	"fmt"
	"io"
	"math"
	"sort"
)

// Explain writes how a scenario's headline figures were built from the
// baseline: which people moved between packages, which resources changed
// and by how much, in money, so a planner can defend the number.
func (m *Model) Explain(w io.Writer, scenario string) error {
	sc := m.scenario(scenario)
	if sc == nil {
		return Problems{{Path: "--scenario", Message: fmt.Sprintf("there is no scenario %q in the model", scenario)}}
	}
	base := m.BaselineState()
	b := base.Evaluate("baseline", 0)
	st, err := m.ScenarioState(scenario)
	if err != nil {
		return err
	}
	r := st.Evaluate(scenario, b.CostPerWeek)
	cur := m.Currency
	fmt.Fprintf(w, "Scenario %s: %s\n\n", sc.ID, sc.Name)
	fmt.Fprintf(w, "Cost per week: %s in the baseline, %s in the scenario: %s (%s).\n",
		Money(cur, b.CostPerWeek), Money(cur, r.CostPerWeek), Money(cur, r.CostPerWeek-b.CostPerWeek), percent(r.CostChangePct))
	fmt.Fprintf(w, "People: %s, of whom %s at home (baseline %s, %s at home).\n\n", Count(r.People), Count(r.AtHome), Count(b.People), Count(b.AtHome))

	fmt.Fprintln(w, "Who moved:")
	moved := false
	for _, c := range m.Categories {
		for _, p := range c.Options {
			d := st.Allocation.Get(c.ID, p) - base.Allocation.Get(c.ID, p)
			if math.Abs(d) < 1e-12 {
				continue
			}
			moved = true
			fmt.Fprintf(w, "  %s in %s (%s): %s → %s (%+g people)\n", c.ID, p, m.pkg(p).Name,
				Count(base.Allocation.Get(c.ID, p)), Count(st.Allocation.Get(c.ID, p)), d)
		}
	}
	if !moved {
		fmt.Fprintln(w, "  nobody: the scenario changes costs or contents only")
	}
	fmt.Fprintln(w, "\nWhat changed, by resource (volume × unit cost):")
	type line struct {
		id         string
		dv, dc, uc float64
	}
	var lines []line
	for _, res := range st.Model.Resources {
		bv, sv := b.Resources[res.ID], r.Resources[res.ID]
		if math.Abs(sv.Cost-bv.Cost) < 1e-9 && math.Abs(sv.Volume-bv.Volume) < 1e-9 {
			continue
		}
		lines = append(lines, line{res.ID, sv.Volume - bv.Volume, sv.Cost - bv.Cost, res.UnitCost})
	}
	sort.SliceStable(lines, func(i, j int) bool { return math.Abs(lines[i].dc) > math.Abs(lines[j].dc) })
	total := 0.0
	for _, l := range lines {
		res, was := st.Model.resource(l.id), m.resource(l.id).UnitCost
		if res.UnitCost != was {
			fmt.Fprintf(w, "  %s: unit cost %s → %s, volume %+g %s a week: %s (paid by %s)\n", res.Name, Money(cur, was),
				Money(cur, res.UnitCost), l.dv, res.Unit, Money(cur, l.dc), res.Payer)
		} else {
			fmt.Fprintf(w, "  %s: %+g %s a week at %s: %s (paid by %s)\n", res.Name, l.dv, res.Unit, Money(cur, l.uc), Money(cur, l.dc), res.Payer)
		}
		total += l.dc
	}
	fmt.Fprintf(w, "  Total: %s a week, %s a year (× %g weeks).\n", Money(cur, total), Money(cur, total*m.WeeksPerYear), m.WeeksPerYear)
	return nil
}
