package planning

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Money formats an amount for a report: currency symbol, thousands
// separators, pennies. Rounding happens here and only here.
func Money(currency string, v float64) string {
	sym := map[string]string{"GBP": "£", "EUR": "€", "USD": "$"}[currency]
	if sym == "" && currency != "" {
		sym = currency + " "
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + sym + thousands(v, 2)
}

// Count formats people or units: whole numbers plainly, fractions to one
// decimal place, with thousands separators.
func Count(v float64) string {
	if math.Abs(v-math.Round(v)) < 1e-9 {
		return thousands(math.Round(v), 0)
	}
	return thousands(v, 1)
}

func thousands(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if frac != "" {
		out += "." + frac
	}
	return out
}

// SignedMoney is a change in money: "+£1,360.00", "-£21,300.00".
func SignedMoney(currency string, v float64) string {
	if v > 0 && Money(currency, v) != Money(currency, 0) {
		return "+" + Money(currency, v)
	}
	return Money(currency, v)
}

// SignedCount is a change in people or units: "+1,785", "-20".
func SignedCount(v float64) string {
	if s := Count(v); v > 0 && s != "0" && s != "0.0" {
		return "+" + s
	}
	return Count(v)
}

func percent(v float64) string {
	if v == 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%+.1f%%", v)
}

func plain(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// WriteTable writes results as aligned tables for a report: the headline
// figures with the change against the baseline, each resource's volume
// with its capacity, bed places and staff, and cost by payer.
func WriteTable(w io.Writer, m *Model, results []*Result) error {
	fmt.Fprintf(w, "%s (weekly figures unless stated; money in %s)\n\n", m.Name, m.Currency)
	for _, t := range []struct {
		title string
		write func(*tabwriter.Writer, *Model, []*Result)
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

func headlineTable(tw *tabwriter.Writer, m *Model, results []*Result) {
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

func resourceTable(tw *tabwriter.Writer, m *Model, results []*Result) {
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

func payerTable(tw *tabwriter.Writer, m *Model, results []*Result) {
	fmt.Fprintln(tw, "Payer\t"+strings.Join(scenarioNames(results), "\t")+"\t")
	for _, payer := range payers(results) {
		line := payer + "\t"
		for _, r := range results {
			line += Money(m.Currency, r.CostByPayer[payer]) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
}

// baselineCost is the baseline's weekly cost, if it is among the results.
func baselineCost(results []*Result) (float64, bool) {
	for _, r := range results {
		if r.Scenario == "baseline" {
			return r.CostPerWeek, true
		}
	}
	return 0, false
}

// staffOrPlaces is the line under a resource with its places or WTE.
func staffOrPlaces(res Resource, results []*Result) string {
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

func scenarioNames(results []*Result) []string {
	var out []string
	for _, r := range results {
		out = append(out, r.Scenario)
	}
	return out
}

func payers(results []*Result) []string {
	seen := map[string]bool{}
	for _, r := range results {
		for p := range r.CostByPayer {
			seen[p] = true
		}
	}
	out := sortedKeys(seen)
	sort.Strings(out)
	return out
}

// WriteCSV writes one row per scenario with every figure at full
// precision, for spreadsheets: the headline figures, cost by payer, then
// each resource's volume, cost, bed places or staff WTE, and utilisation
// (empty where the figure does not apply), and the resources over
// capacity.
func WriteCSV(w io.Writer, m *Model, results []*Result) error {
	cw := csv.NewWriter(w)
	ps := payers(results)
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

func csvHeader(m *Model, payers []string) []string {
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
