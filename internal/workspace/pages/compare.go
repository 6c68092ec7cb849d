package pages

import (
	"errors"
	"fmt"
	"net/http"

	"whatmatters/internal/i18n"
	"whatmatters/internal/planning"
	"whatmatters/internal/workspace"
)

type compareData struct {
	*workspace.Opened
	Choices   []scenarioChoice
	Columns   []string // Baseline, then each scenario's name
	Headline  []metricRow
	Resources []metricRow
	Payers    []metricRow
	Mix       []metricRow // people by setting, per category and scenario
	MixHead   []string    // the mix table's setting columns
	PayerSVG  chart
	MixSVG    chart
	Problems  []string
	lang      string
}

// metricTable is a table as the "metrics" template draws it.
type metricTable struct {
	Caption string
	Columns []string
	Rows    []metricRow
}

// Table is one of the comparison's tables: "headline", "resources",
// "payers" or "mix".
func (d *compareData) Table(which string) metricTable {
	t := metricTable{Caption: i18n.T(d.lang, key("compare", which)), Columns: d.Columns}
	switch which {
	case "headline":
		t.Rows = d.Headline
	case "resources":
		t.Rows = d.Resources
	case "payers":
		t.Rows = d.Payers
	case "mix":
		t.Columns, t.Rows = d.MixHead, d.Mix
	}
	return t
}

type scenarioChoice struct {
	ID, Name string
	Chosen   bool
}

// metricRow is one row of a comparison: what it is and a cell per
// column. Warn marks cells over a capacity.
type metricRow struct {
	Label string
	Cells []string
	Warn  []bool
}

// compare evaluates the baseline and the chosen scenarios with the
// engine and sets them side by side: headline figures with the change
// against the baseline, resources against capacity, cost by payer and
// the setting mix by category, each chart with its table.
func (s *Pages) compare(w http.ResponseWriter, r *http.Request) {
	m, ok := s.open(w, r, 0)
	if !ok {
		return
	}
	v := s.NewView(r, "planning.compare.title")
	v.Flash = flash(v.Lang, r)
	d := &compareData{Opened: m, lang: v.Lang}
	ids := scenarioIDs(r, m.Doc)
	chosen := map[string]bool{}
	for _, id := range ids {
		chosen[id] = true
	}
	for _, sc := range m.Doc.Scenarios {
		d.Choices = append(d.Choices, scenarioChoice{ID: sc.ID, Name: sc.Name, Chosen: chosen[sc.ID]})
	}
	// The baseline, then each scenario alone, so one the engine cannot
	// carry out is named and the rest are still compared.
	results := []*planning.Result{m.Doc.BaselineState().Evaluate("baseline", nil)}
	for _, id := range ids {
		rs, err := m.Doc.Run([]string{id})
		var ps planning.Problems
		switch {
		case errors.As(err, &ps):
			for _, p := range ps {
				d.Problems = append(d.Problems, p.String())
			}
			continue
		case err != nil:
			s.Fail(w, r, err)
			return
		}
		results = append(results, rs[1])
	}
	d.fill(v.Lang, m.Doc, results)
	v.Data = d
	s.Page(w, r, http.StatusOK, "compare", v)
}

func (d *compareData) fill(lang string, m *planning.Model, results []*planning.Result) {
	t := func(k string, args ...any) string { return i18n.T(lang, k, args...) }
	base := results[0]
	for _, r := range results {
		name := r.Name
		if r.Scenario == "baseline" {
			name = t("planning.compare.baseline")
		}
		d.Columns = append(d.Columns, name)
	}
	row := func(label string, f func(*planning.Result) string) metricRow {
		mr := metricRow{Label: label}
		for _, r := range results {
			mr.Cells = append(mr.Cells, f(r))
		}
		return mr
	}
	change := func(f func(*planning.Result) string) func(*planning.Result) string {
		return func(r *planning.Result) string {
			if r == base {
				return "–"
			}
			return f(r)
		}
	}
	d.Headline = []metricRow{
		row(t("planning.figure.people"), func(r *planning.Result) string { return count(r.People) }),
		row(t("planning.figure.at_home"), func(r *planning.Result) string { return count(r.AtHome) }),
		row(t("planning.figure.at_home_change"), change(func(r *planning.Result) string { return signedCount(r.AtHome - base.AtHome) })),
		row(t("planning.figure.public_week"), func(r *planning.Result) string { return money(m, r.PublicCostPerWeek) }),
		row(t("planning.figure.comprehensive_week"), func(r *planning.Result) string { return money(m, r.CostPerWeek) }),
		row(t("planning.figure.cost_year"), func(r *planning.Result) string { return money(m, r.CostPerYear) }),
		row(t("planning.figure.change_week"), change(func(r *planning.Result) string { return signedMoney(m, r.CostChange(base)) })),
		row(t("planning.figure.change_year"), change(func(r *planning.Result) string { return signedMoney(m, r.CostChange(base)*m.WeeksPerYear) })),
		row(t("planning.figure.change_pct"), change(func(r *planning.Result) string { return fmt.Sprintf("%+.1f%%", r.CostChangePct) })),
	}
	payers := planning.Payers(results)
	for _, p := range payers {
		d.Payers = append(d.Payers, row(t("planning.figure.payer_week", p), func(r *planning.Result) string { return money(m, r.CostByPayer[p]) }))
		d.Payers = append(d.Payers, row(t("planning.figure.payer_year", p), func(r *planning.Result) string { return money(m, r.CostByPayer[p]*m.WeeksPerYear) }))
	}
	for _, res := range m.Resources {
		mr := row(t("planning.compare.volume", res.Name, res.Unit), func(r *planning.Result) string { return count(r.Resources[res.ID].Volume) })
		d.Resources = append(d.Resources, mr)
		if res.Capacity != nil {
			use := metricRow{Label: t("planning.compare.capacity", res.Name, count(*res.Capacity))}
			for _, r := range results {
				u := r.Resources[res.ID].Utilisation
				cell := "–"
				if u != nil {
					cell = fmt.Sprintf("%.1f%%", *u*100)
				}
				use.Cells = append(use.Cells, cell)
				use.Warn = append(use.Warn, u != nil && *u > 1)
			}
			d.Resources = append(d.Resources, use)
		}
		switch {
		case results[0].Resources[res.ID].Places != nil:
			d.Resources = append(d.Resources, row(t("planning.compare.places", res.Name), func(r *planning.Result) string { return optCount(r.Resources[res.ID].Places) }))
		case results[0].Resources[res.ID].WTE != nil:
			d.Resources = append(d.Resources, row(t("planning.compare.wte", res.Name), func(r *planning.Result) string { return optCount(r.Resources[res.ID].WTE) }))
		}
	}
	d.PayerSVG = payerChart(lang, m, d.Columns, payers, results)
	d.MixHead, d.Mix, d.MixSVG = settingMix(lang, m, d.Columns, results)
}

func optCount(v *float64) string {
	if v == nil {
		return "–"
	}
	return count(*v)
}

// settingOf is the setting of each package.
func settingOf(m *planning.Model) map[string]string {
	out := map[string]string{}
	for _, p := range m.Packages {
		out[p.ID] = p.Setting
	}
	return out
}

// settingMix is, for each category and result, its people by setting:
// the table and the chart.
func settingMix(lang string, m *planning.Model, columns []string, results []*planning.Result) ([]string, []metricRow, chart) {
	setting := settingOf(m)
	var used []string
	for _, st := range settings {
		for _, p := range m.Packages {
			if p.Setting == st {
				used = append(used, st)
				break
			}
		}
	}
	var head []string
	for _, st := range used {
		head = append(head, i18n.T(lang, key("option", st)))
	}
	var rows []metricRow
	var groups []barGroup
	for _, c := range m.Categories {
		g := barGroup{Label: c.ID}
		for i, r := range results {
			by := map[string]float64{}
			for _, p := range c.Options {
				by[setting[p]] += r.Allocation.Get(c.ID, p)
			}
			mr := metricRow{Label: c.ID + " · " + columns[i]}
			var vals []float64
			for _, st := range used {
				mr.Cells = append(mr.Cells, count(by[st]))
				vals = append(vals, by[st])
			}
			rows = append(rows, mr)
			g.Bars = append(g.Bars, barSpec{Label: columns[i], Values: vals})
		}
		groups = append(groups, g)
	}
	return head, rows, drawChart(i18n.T(lang, "planning.compare.mix_chart"), head, groups, count)
}

func payerChart(lang string, m *planning.Model, columns, payers []string, results []*planning.Result) chart {
	g := barGroup{}
	for i, r := range results {
		var vals []float64
		for _, p := range payers {
			vals = append(vals, r.CostByPayer[p])
		}
		g.Bars = append(g.Bars, barSpec{Label: columns[i], Values: vals})
	}
	return drawChart(i18n.T(lang, "planning.compare.payer_chart"), payers, []barGroup{g}, func(v float64) string { return money(m, v) })
}
