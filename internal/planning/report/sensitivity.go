package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"whatmatters/internal/planning"
)

// WriteSensitivity writes the tornado chart's numbers: each parameter low and
// high, the scenario's weekly cost and its change against the baseline at
// each, largest swing first.
func WriteSensitivity(w io.Writer, m *planning.Model, scenario string, swings []planning.Swing) error {
	fmt.Fprintf(w, "Scenario %s: weekly cost and change against the baseline, each parameter varied alone\n\n", scenario)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Parameter\tLow\tHigh\tCost (low)\tCost (high)\tSwing\tChange (low)\tChange (high)\tSwing in change\t")
	money := func(v float64) string { return Money(m.Currency, v) }
	for _, s := range swings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Parameter, strconv.FormatFloat(s.Low, 'g', 10, 64), strconv.FormatFloat(s.High, 'g', 10, 64),
			money(s.CostLow), money(s.CostHigh), money(s.Swing),
			SignedMoney(m.Currency, s.ChangeLow), SignedMoney(m.Currency, s.ChangeHigh), money(s.ChangeSwing))
	}
	return tw.Flush()
}

// WriteSensitivityCSV writes one row per parameter with every figure at
// full precision, for spreadsheets.
func WriteSensitivityCSV(w io.Writer, swings []planning.Swing) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "parameter,low,high,cost_per_week_low,cost_per_week_high,cost_change_low,cost_change_high,swing,change_swing")
	for _, s := range swings {
		fmt.Fprintf(bw, "%s,%v,%v,%v,%v,%v,%v,%v,%v\n", s.Parameter, s.Low, s.High, s.CostLow, s.CostHigh, s.ChangeLow, s.ChangeHigh, s.Swing, s.ChangeSwing)
	}
	return bw.Flush()
}
