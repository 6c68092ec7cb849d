package report

import (
	"bufio"
	"fmt"
	"io"

	"whatmatters/internal/planning"
)

// WriteExplanation words an explanation: the headline figures, who
// moved, what the steps changed besides people, each resource's change
// adding up to the total, and who pays it.
func WriteExplanation(w io.Writer, e *planning.Explanation) error {
	bw := bufio.NewWriter(w)
	cur := e.Currency
	money := func(v float64) string { return Money(cur, v) }
	signed := func(v float64) string { return SignedMoney(cur, v) }

	fmt.Fprintf(bw, "Scenario %s: %s\n\n", e.Scenario, e.Name)
	fmt.Fprintf(bw, "Cost per week: %s in the baseline, %s in the scenario: %s (%s).\n",
		money(e.CostPerWeek.Baseline), money(e.CostPerWeek.Scenario), signed(e.CostPerWeek.Change), percent(e.CostChangePct))
	fmt.Fprintf(bw, "Cost per year: the weekly cost × %g weeks: %s (%s).\n", e.WeeksPerYear,
		money(e.CostPerYear.Scenario), signed(e.CostPerYear.Change))
	fmt.Fprintf(bw, "People: %s (baseline %s), of whom %s at home (baseline %s, %s).\n",
		Count(e.People.Scenario), Count(e.People.Baseline), Count(e.AtHome.Scenario), Count(e.AtHome.Baseline), SignedCount(e.AtHome.Change))

	fmt.Fprintln(bw, "\nWho moved (people per week in each package):")
	for _, mv := range e.Moves {
		fmt.Fprintf(bw, "  %s in %s (%s, %s): %s → %s (%s)\n", mv.Category, mv.Package, mv.PackageName, mv.Setting,
			Count(mv.People.Baseline), Count(mv.People.Scenario), SignedCount(mv.People.Change))
	}
	if len(e.Moves) == 0 {
		fmt.Fprintln(bw, "  nobody: the scenario changes costs or contents only")
	}

	if len(e.UnitCosts)+len(e.Contents) > 0 {
		fmt.Fprintln(bw, "\nWhat the steps changed besides people:")
		for _, u := range e.UnitCosts {
			fmt.Fprintf(bw, "  %s: %s → %s per %s\n", u.Name, money(u.UnitCost.Baseline), money(u.UnitCost.Scenario), u.Unit)
		}
		for _, c := range e.Contents {
			fmt.Fprintf(bw, "  %s (%s): %s %s → %s per person a week\n", c.Package, c.PackageName,
				c.ResourceName, plain(c.Units.Baseline), plain(c.Units.Scenario))
		}
	}

	fmt.Fprintln(bw, "\nWhat changed, by resource (change in volume × unit cost):")
	for _, rc := range e.Resources {
		what := fmt.Sprintf("%s %s a week at %s", SignedCount(rc.Volume.Change), rc.Unit, money(rc.UnitCost.Scenario))
		if rc.PriceChanged() {
			what = fmt.Sprintf("unit cost %s → %s, volume %s %s a week (%s from the volume, %s from the price)",
				money(rc.UnitCost.Baseline), money(rc.UnitCost.Scenario), SignedCount(rc.Volume.Change), rc.Unit,
				signed(rc.FromVolume), signed(rc.FromPrice))
		}
		fmt.Fprintf(bw, "  %s: %s: %s (paid by %s)", rc.Name, what, signed(rc.Cost.Change), rc.Payer)
		switch {
		case rc.Places != nil:
			fmt.Fprintf(bw, "; bed places %s → %s", thousands(rc.Places.Baseline, 1), thousands(rc.Places.Scenario, 1))
		case rc.WTE != nil:
			fmt.Fprintf(bw, "; staff %s → %s WTE", thousands(rc.WTE.Baseline, 1), thousands(rc.WTE.Scenario, 1))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "  Total: %s a week, %s a year.\n", signed(e.TotalPerWeek), signed(e.TotalPerYear))

	fmt.Fprintln(bw, "\nWho pays the change per week:")
	for _, p := range e.Payers {
		fmt.Fprintf(bw, "  %s: %s → %s (%s)\n", p.Payer, money(p.Cost.Baseline), money(p.Cost.Scenario), signed(p.Cost.Change))
	}
	fmt.Fprintf(bw, "  Public cost (every payer but the person and the carer): %s → %s (%s)\n",
		money(e.PublicCostPerWeek.Baseline), money(e.PublicCostPerWeek.Scenario), signed(e.PublicCostPerWeek.Change))
	return bw.Flush()
}
