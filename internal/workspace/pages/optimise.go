package pages

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"whatmatters/internal/i18n"
	"whatmatters/internal/optimize"
	"whatmatters/internal/planning"
	"whatmatters/internal/web"
	"whatmatters/internal/workspace"
)

// solveTimeLimit bounds one optimisation asked for from the page.
const solveTimeLimit = 30 * time.Second

// optimiseFields are the optimiser form's fields, read from the address
// (a GET form: an optimisation writes nothing, and can be bookmarked).
var optimiseFields = []string{"objective", "budget", "perspective", "max_shift", "scenario"}

type optimiseData struct {
	*workspace.Opened
	Scenarios  []choice
	Ran        bool
	Optimal    bool
	Headline   []metricRow // baseline against optimum
	Allocation []metricRow // people by category and package
	Binding    []string    // the limits the optimum meets exactly, in words
	Prices     []string    // shadow prices, in words
	Conflicts  []string    // when no allocation meets every limit
	Minimal    bool        // the conflicts are a smallest such set
	Solver     string
	lang       string
}

// Table is the answer's "headline" or "allocation" table: the baseline
// beside the optimum, and the change.
func (d *optimiseData) Table(which string) metricTable {
	t := metricTable{Caption: i18n.T(d.lang, key("optimise", which)), Rows: d.Headline,
		Columns: []string{i18n.T(d.lang, "planning.compare.baseline"), i18n.T(d.lang, "planning.optimise.optimum"), i18n.T(d.lang, "planning.optimise.change")}}
	if which == "allocation" {
		t.Rows = d.Allocation
	}
	return t
}

func (s *Pages) optimise(w http.ResponseWriter, r *http.Request) {
	m, ok := s.open(w, r, 0)
	if !ok {
		return
	}
	v := s.NewView(r, "planning.optimise.title")
	q := r.URL.Query()
	for _, f := range optimiseFields {
		v.Form[f] = q.Get(f)
	}
	if v.Form["objective"] == "" {
		v.Form["objective"] = planning.MinCost
	}
	if v.Form["perspective"] == "" {
		v.Form["perspective"] = planning.Public
	}
	d := &optimiseData{Opened: m, lang: v.Lang}
	d.Scenarios = append(d.Scenarios, choice{"", i18n.T(v.Lang, "planning.compare.baseline")})
	for _, sc := range m.Doc.Scenarios {
		d.Scenarios = append(d.Scenarios, choice{sc.ID, sc.Name})
	}
	v.Data = d
	status := http.StatusOK
	if q.Has("run") {
		o, ok := readOptions(v)
		if ok {
			ctx, cancel := context.WithTimeout(r.Context(), solveTimeLimit)
			defer cancel()
			ans, err := m.Doc.Optimise(ctx, optimize.Clp{}, o)
			var ps planning.Problems
			switch {
			case errors.As(err, &ps):
				optionProblems(v, ps)
			case err != nil:
				s.Fail(w, r, err)
				return
			default:
				d.show(v.Lang, m.Doc, ans)
			}
		}
		if len(v.Errors) > 0 {
			status = http.StatusUnprocessableEntity
		}
	}
	s.Page(w, r, status, "optimise", v)
}

// readOptions reads the form into the engine's options; problems go on
// the view.
func readOptions(v *web.View) (planning.OptimiseOptions, bool) {
	c := &cellReader{v: v}
	o := planning.OptimiseOptions{Objective: v.Form["objective"], Perspective: v.Form["perspective"], Scenario: v.Form["scenario"]}
	o.Budget = c.readNumber("budget", phrase(v.Lang, "planning.optimise.budget"), false)
	if sh := c.readNumber("max_shift", phrase(v.Lang, "planning.optimise.max_shift"), false); sh != nil {
		share := *sh / 100
		o.MaxShift = &share
	}
	return o, len(v.Errors) == 0
}

// optionProblems puts the engine's problems with the options at their
// fields (the engine names the option at fault).
func optionProblems(v *web.View, ps planning.Problems) {
	for _, p := range ps {
		field := p.Option
		if field == "" {
			field = "objective"
		}
		label := i18n.T(v.Lang, key("optimise", field))
		if field == planning.OptionMaxShift {
			// The engine speaks of a share from 0 to 1; the form asks
			// for a percentage.
			addError(v, field, i18n.T(v.Lang, "planning.optimise.max_shift_range"))
			continue
		}
		addError(v, field, i18n.T(v.Lang, "planning.problem", label, p.Message))
	}
}

// show words the optimiser's answer.
func (d *optimiseData) show(lang string, m *planning.Model, ans *planning.Optimum) {
	t := func(k string, args ...any) string { return i18n.T(lang, k, args...) }
	d.Ran, d.Solver = true, ans.Solver
	if ans.Status == optimize.Infeasible {
		d.Minimal = ans.Infeasible.ConflictsMinimal
		for _, c := range ans.Infeasible.Conflicts {
			d.Conflicts = append(d.Conflicts, constraintWords(lang, m, c))
		}
		return
	}
	d.Optimal = true
	b, o := ans.Baseline, ans.Result
	pair := func(label string, f func(*planning.Result) string, change string) metricRow {
		return metricRow{Label: label, Cells: []string{f(b), f(o), change}}
	}
	d.Headline = []metricRow{
		pair(t("planning.figure.people"), func(r *planning.Result) string { return count(r.People) }, signedCount(o.People-b.People)),
		pair(t("planning.figure.at_home"), func(r *planning.Result) string { return count(r.AtHome) }, signedCount(o.AtHome-b.AtHome)),
		pair(t("planning.figure.public_week"), func(r *planning.Result) string { return money(m, r.PublicCostPerWeek) }, signedMoney(m, o.PublicCostPerWeek-b.PublicCostPerWeek)),
		pair(t("planning.figure.comprehensive_week"), func(r *planning.Result) string { return money(m, r.CostPerWeek) }, signedMoney(m, o.CostChange(b))),
		pair(t("planning.figure.cost_year"), func(r *planning.Result) string { return money(m, r.CostPerYear) }, signedMoney(m, o.CostChange(b)*m.WeeksPerYear)),
	}
	for _, p := range planning.Payers([]*planning.Result{b, o}) {
		d.Headline = append(d.Headline, pair(t("planning.figure.payer_week", p), func(r *planning.Result) string { return money(m, r.CostByPayer[p]) },
			signedMoney(m, o.CostByPayer[p]-b.CostByPayer[p])))
	}
	for _, c := range m.Categories {
		for _, p := range c.Options {
			before, after := b.Allocation.Get(c.ID, p), o.Allocation.Get(c.ID, p)
			d.Allocation = append(d.Allocation, metricRow{Label: c.ID + " · " + packageName(m, p),
				Cells: []string{count(before), count(after), signedCount(after - before)}})
		}
	}
	for _, c := range ans.Binding {
		d.Binding = append(d.Binding, constraintWords(lang, m, c))
	}
	for _, res := range m.Resources {
		if sp, ok := ans.ShadowPrices[res.ID]; ok && sp > 0 {
			d.Prices = append(d.Prices, priceWords(lang, m, ans.Objective, strings.ToLower(res.Name), sp))
		}
	}
	if sp, ok := ans.ShadowPrices["budget"]; ok && sp > 0 {
		key := "planning.price.budget_cost"
		if ans.Objective == planning.MaxAtHome {
			key = "planning.price.budget_home"
			sp *= 1000 // per £1,000 a week: a pound alone moves a fraction of a person
		}
		d.Prices = append(d.Prices, t(key, precise(sp)))
	}
}

// priceWords is a resource's shadow price as a sentence: "one more home
// care hour a week would save £9.24".
func priceWords(lang string, m *planning.Model, objective, resource string, sp float64) string {
	if objective == planning.MaxAtHome {
		return i18n.T(lang, "planning.price.home", resource, precise(sp))
	}
	return i18n.T(lang, "planning.price.cost", resource, money(m, sp))
}

// precise is a small number with two decimal places, a large one as a
// count.
func precise(v float64) string {
	if v < 100 {
		return plain(float64(int64(v*100+0.5)) / 100)
	}
	return count(v)
}

// constraintWords is one limit of the optimiser's programme in words,
// from its fields (its Name is an identifier, not a sentence).
func constraintWords(lang string, m *planning.Model, c planning.Constraint) string {
	switch c.Kind {
	case planning.CapacityLimit:
		unit := ""
		for _, r := range m.Resources {
			if r.ID == c.Resource {
				unit = r.Unit
			}
		}
		return i18n.T(lang, "planning.limit.capacity", resourceName(m, c.Resource), count(c.Limit), unit)
	case planning.BudgetLimit:
		return i18n.T(lang, "planning.limit.budget", money(m, c.Limit))
	case planning.MaxShiftLimit:
		return i18n.T(lang, "planning.limit.max_shift", plain(roundPct(c.Share*100)), c.Category, packageName(m, c.Package), count(c.Limit))
	case planning.KeepPeople:
		return i18n.T(lang, "planning.limit.people", c.Category, count(c.Limit))
	}
	return c.Name
}
