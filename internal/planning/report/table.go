package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"whatmatters/internal/planning"
)

// WriteTable writes results as aligned tables for a report: the headline
// figures with the change against the baseline, each resource's volume
// with its capacity, bed places and staff, and cost by payer.
func WriteTable(w io.Writer, m *planning.Model, results []*planning.Result) error {
	fmt.Fprintf(w, "%s (weekly figures unless stated; money in %s)\n\n", m.Name, m.Currency)
	for _, t := range []struct {
		title string
		write func(*tabwriter.Writer, *planning.Model, []*planning.Result)
	}{{"", headlineTable}, {"\nResources used per week", resourceTable}, {"\nCost by payer per week", payerTable}} {
		if t.title != "" {
			fmt.Fprintln(w, t.title)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		t.write(tw, m, results)
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, r := range results {
		if len(r.OverCapacity) > 0 {
			fmt.Fprintf(w, "\n%s is over capacity for: %s\n", r.Scenario, strings.Join(r.OverCapacity, ", "))
		}
	}
	return nil
}

func headlineTable(tw *tabwriter.Writer, m *planning.Model, results []*planning.Result) {
	fmt.Fprintln(tw, "Scenario\tPeople\tAt home\tCost per week\tCost per year\tPublic cost per week\tChange per week\tChange\t")
	base, haveBase := baselineCost(results)
	for _, r := range results {
		change, pct := SignedMoney(m.Currency, r.CostPerWeek-base), percent(r.CostChangePct)
		if !haveBase {
			change = "–"
		}
		if r.Scenario == "baseline" {
			change, pct = "–", "–"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Scenario, Count(r.People), Count(r.AtHome),
			Money(m.Currency, r.CostPerWeek), Money(m.Currency, r.CostPerYear), Money(m.Currency, r.PublicCostPerWeek), change, pct)
	}
}

func resourceTable(tw *tabwriter.Writer, m *planning.Model, results []*planning.Result) {
	fmt.Fprintln(tw, "Resource\tUnit\tCapacity\t"+strings.Join(scenarioNames(results), "\t")+"\t")
	for _, res := range m.Resources {
		capacity := ""
		if res.Capacity != nil {
			capacity = Count(*res.Capacity)
		}
		line := res.Name + "\t" + res.Unit + "\t" + capacity + "\t"
		for _, r := range results {
			line += Count(r.Resources[res.ID].Volume) + "\t"
		}
		fmt.Fprintln(tw, line)
		if extra := staffOrPlaces(res, results); extra != "" {
			fmt.Fprintln(tw, extra)
		}
	}
}

func payerTable(tw *tabwriter.Writer, m *planning.Model, results []*planning.Result) {
	fmt.Fprintln(tw, "Payer\t"+strings.Join(scenarioNames(results), "\t")+"\t")
	for _, payer := range planning.Payers(results) {
		line := payer + "\t"
		for _, r := range results {
			line += Money(m.Currency, r.CostByPayer[payer]) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
}

// baselineCost is the baseline's weekly cost, if it is among the results.
func baselineCost(results []*planning.Result) (float64, bool) {
	for _, r := range results {
		if r.Scenario == "baseline" {
			return r.CostPerWeek, true
		}
	}
	return 0, false
}

// staffOrPlaces is the line under a resource with its places or WTE.
func staffOrPlaces(res planning.Resource, results []*planning.Result) string {
	var label string
	switch {
	case res.Kind == "bed":
		label = "  places"
	case res.Kind == "staff_hours" && res.HoursPerWTE != nil, res.Kind == "visits" && res.VisitsPerWTE != nil:
		label = "  staff (WTE)"
	default:
		return ""
	}
	line := label + "\t\t\t"
	for _, r := range results {
		rr := r.Resources[res.ID]
		v := rr.Places
		if v == nil {
			v = rr.WTE
		}
		if v == nil {
			line += "\t"
			continue
		}
		line += thousands(*v, 1) + "\t"
	}
	return line
}

func scenarioNames(results []*planning.Result) []string {
	var out []string
	for _, r := range results {
		out = append(out, r.Scenario)
	}
	return out
}

// WriteCSV writes one row per scenario with every figure at full
// precision, for spreadsheets: the headline figures, cost by payer, then
// each resource's volume, cost, bed places or staff WTE, and utilisation
// (empty where the figure does not apply), and the resources over
// capacity.
func WriteCSV(w io.Writer, m *planning.Model, results []*planning.Result) error {
	cw := csv.NewWriter(w)
	ps := planning.Payers(results)
	if err := cw.Write(csvHeader(m, ps)); err != nil {
		return err
	}
	for _, r := range results {
		row := []string{r.Scenario, r.Name, plain(r.People), plain(r.AtHome), plain(r.CostPerWeek), plain(r.CostPerYear),
			plain(r.PublicCostPerWeek), plain(r.CostChangePct)}
		for _, p := range ps {
			row = append(row, plain(r.CostByPayer[p]))
		}
		for _, res := range m.Resources {
			rr := r.Resources[res.ID]
			row = append(row, plain(rr.Volume), plain(rr.Cost), optional(rr.Places), optional(rr.WTE), optional(rr.Utilisation))
		}
		if err := cw.Write(append(row, strings.Join(r.OverCapacity, " "))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvHeader(m *planning.Model, payers []string) []string {
	header := []string{"scenario", "name", "people", "at_home", "cost_per_week", "cost_per_year", "public_cost_per_week", "cost_change_pct"}
	for _, p := range payers {
		header = append(header, "cost_by_payer:"+p)
	}
	for _, r := range m.Resources {
		header = append(header, "volume:"+r.ID, "cost:"+r.ID, "places:"+r.ID, "wte:"+r.ID, "utilisation:"+r.ID)
	}
	return append(header, "over_capacity")
}

func optional(v *float64) string {
	if v == nil {
		return ""
	}
	return plain(*v)
}
