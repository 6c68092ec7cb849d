package pages

import (
	"strconv"
	"strings"

	"whatmatters/internal/i18n"
	"whatmatters/internal/planning"
	"whatmatters/internal/planning/report"
)

// The engine's figures are exact; they are rounded only here, as the
// command line's report rounds them (report.Money, report.Count), so a
// page and the command line never disagree.

func money(m *planning.Model, v float64) string       { return report.Money(m.Currency, v) }
func signedMoney(m *planning.Model, v float64) string { return report.SignedMoney(m.Currency, v) }
func count(v float64) string                          { return report.Count(v) }
func signedCount(v float64) string                    { return report.SignedCount(v) }

// plain is a number as a form shows it: every digit it has, no
// separators, so a number saved unchanged stays the same number.
func plain(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func optPlain(v *float64) string {
	if v == nil {
		return ""
	}
	return plain(*v)
}

// figures are one result's headline figures, formatted.
type figures struct {
	People, AtHome         string
	CostWeek, CostYear     string
	PublicWeek             string
	ByPayer                []payerCost
	Change, ChangePct      string // against the baseline; "" for the baseline
	AtHomeChange           string
	PeopleChange           string
	Scenario, ScenarioName string
}

type payerCost struct{ Payer, Cost string }

func figuresOf(m *planning.Model, r *planning.Result) figures {
	f := figures{People: count(r.People), AtHome: count(r.AtHome), CostWeek: money(m, r.CostPerWeek),
		CostYear: money(m, r.CostPerYear), PublicWeek: money(m, r.PublicCostPerWeek), Scenario: r.Scenario, ScenarioName: r.Name}
	for _, p := range planning.Payers([]*planning.Result{r}) {
		f.ByPayer = append(f.ByPayer, payerCost{Payer: p, Cost: money(m, r.CostByPayer[p])})
	}
	return f
}

// stepsText is a scenario's steps in words, in the page's language.
func stepsText(lang string, m *planning.Model, steps []planning.Step) string {
	var out []string
	for _, st := range steps {
		out = append(out, stepText(lang, m, st))
	}
	return strings.Join(out, "; ")
}

func stepText(lang string, m *planning.Model, st planning.Step) string {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	switch {
	case st.Move != nil && st.Move.Fraction != nil:
		mv := st.Move
		return t("planning.step.move_share", plain(*mv.Fraction*100), categoryName(lang, m, mv.Category), packageName(m, mv.From), packageName(m, mv.To))
	case st.Move != nil && st.Move.Count != nil:
		mv := st.Move
		return t("planning.step.move_count", count(*mv.Count), categoryName(lang, m, mv.Category), packageName(m, mv.From), packageName(m, mv.To))
	case st.Scale != nil:
		return t("planning.step.scale", plain(roundPct((*st.Scale-1)*100)))
	case st.ProjectTo != nil:
		return t("planning.step.project", *st.ProjectTo)
	case st.UnitCost != nil && st.UnitCost.Value != nil:
		return t("planning.step.cost_value", resourceName(m, st.UnitCost.Resource), money(m, *st.UnitCost.Value))
	case st.UnitCost != nil && st.UnitCost.Factor != nil:
		return t("planning.step.cost_factor", resourceName(m, st.UnitCost.Resource), plain(*st.UnitCost.Factor))
	case st.Contents != nil:
		return t("planning.step.contents", packageName(m, st.Contents.Package), plain(st.Contents.Value), resourceName(m, st.Contents.Resource))
	}
	return ""
}

// roundPct drops the binary noise of 1.2 − 1 = 0.19999…: a growth typed
// as a percentage is shown as one.
func roundPct(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 9, 64), 64)
	return r
}

func categoryName(lang string, m *planning.Model, id string) string {
	if id == "*" {
		return i18n.T(lang, "planning.step.every_category")
	}
	for _, c := range m.Categories {
		if c.ID == id {
			return c.ID
		}
	}
	return id
}

func packageName(m *planning.Model, id string) string {
	for _, p := range m.Packages {
		if p.ID == id {
			return p.Name
		}
	}
	return id
}

func resourceName(m *planning.Model, id string) string {
	for _, r := range m.Resources {
		if r.ID == id {
			return r.Name
		}
	}
	return id
}

// key is the message key of one of a family of messages
// ("planning.field.unit_cost"); catalogue_test lists each family's names.
func key(family, name string) string { return "planning." + family + "." + name }
