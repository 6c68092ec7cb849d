package report

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"whatmatters/internal/planning"
)

// WriteProjection writes people and cost per year, then the resources
// the baseline mix would need each year.
func WriteProjection(w io.Writer, m *planning.Model, years []planning.YearProjection) error {
	if len(years) == 0 {
		return nil
	}
	year := func(y planning.YearProjection) string {
		if y.Interpolated {
			return strconv.Itoa(y.Year) + "*"
		}
		return strconv.Itoa(y.Year)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "Year\t"
	for _, c := range m.Categories {
		header += c.ID + "\t"
	}
	fmt.Fprintln(tw, header+"People\tAt home\tCost per week\tCost per year\tPublic cost per week\t")
	for _, y := range years {
		line := year(y) + "\t"
		for _, c := range m.Categories {
			line += Count(y.Categories[c.ID]) + "\t"
		}
		fmt.Fprintln(tw, line+Count(y.People)+"\t"+Count(y.AtHome)+"\t"+Money(m.Currency, y.CostPerWeek)+"\t"+
			Money(m.Currency, y.CostPerYear)+"\t"+Money(m.Currency, y.PublicCost)+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nResources needed per week")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header = "Year\t"
	for _, r := range m.Resources {
		header += r.Name + " (" + r.Unit + ")\t"
		if r.Kind == "bed" {
			header += "places\t"
		} else if _, ok := years[0].WTE[r.ID]; ok {
			header += "WTE\t"
		}
	}
	fmt.Fprintln(tw, header)
	for _, y := range years {
		line := year(y) + "\t"
		for _, r := range m.Resources {
			line += Count(y.Volumes[r.ID]) + "\t"
			if v, ok := y.Places[r.ID]; ok {
				line += strconv.FormatFloat(v, 'f', 1, 64) + "\t"
			} else if v, ok := y.WTE[r.ID]; ok {
				line += strconv.FormatFloat(v, 'f', 1, 64) + "\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nThe baseline mix of packages, applied to each year's projected people (Σ prevalence × population of each band).")
	_, err := fmt.Fprintln(w, "* interpolated linearly between the years the model gives.")
	return err
}
