package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"text/tabwriter"

	"whatmatters/internal/planning"
)

// WriteOptimum writes the optimum beside the baseline, as WriteTable
// does for scenarios, then each category's people by package and the
// shadow prices; or, when no allocation meets every constraint, the
// constraints that cannot all hold together.
func WriteOptimum(w io.Writer, m *planning.Model, opt *planning.Optimum) error {
	if inf := opt.Infeasible; inf != nil {
		fmt.Fprintln(w, "No allocation meets every constraint. These cannot all hold together:")
		for _, c := range inf.Conflicts {
			fmt.Fprintln(w, "  -", c.Name)
		}
		if !inf.ConflictsMinimal {
			fmt.Fprintln(w, "(The search for the smallest such set ran out of time: some of these may not be needed for the conflict.)")
		}
		return nil
	}
	base := opt.Baseline
	fmt.Fprintf(w, "Optimum (%s, solved by %s)\n\n", opt.Objective, opt.Solver)
	if err := WriteTable(w, m, []*planning.Result{base, opt.Result}); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nPeople per package")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Category\tPackage\tbaseline\toptimum\tChange\t")
	for _, c := range m.Categories {
		for _, p := range c.Options {
			was, now := base.Allocation.Get(c.ID, p), opt.Result.Allocation.Get(c.ID, p)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", c.ID, p, Count(was), Count(now), SignedCount(now-was))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nShadow prices: what one more unit a week of each limit is worth (%s)\n", improvement(opt.Objective, m.Currency))
	if len(opt.ShadowPrices) == 0 {
		fmt.Fprintln(w, "  none: no capacity or budget is given")
	}
	for _, k := range slices.Sorted(maps.Keys(opt.ShadowPrices)) {
		if _, err := fmt.Fprintf(w, "  %s: %s\n", k, strconv.FormatFloat(opt.ShadowPrices[k], 'f', 6, 64)); err != nil {
			return err
		}
	}
	return nil
}

func improvement(objective, currency string) string {
	if objective == planning.MaxAtHome {
		return "more people at home"
	}
	return "less weekly cost, in " + currency
}
