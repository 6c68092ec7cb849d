package workspace

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"whatmatters/internal/planning"
)

// What is the part of a model a difference is in.
type What string

// The parts of a model a comparison names.
const (
	WhatModel    What = "model"    // the name, currency, weeks in a year
	WhatCategory What = "category" // a category added, removed or renamed
	WhatOptions  What = "options"  // a category's options
	WhatNumbers  What = "numbers"  // people in a category and option now
	WhatResource What = "resource" // a resource added or removed, or its details
	WhatCost     What = "cost"     // a resource's unit cost
	WhatPackage  What = "package"  // a package added or removed, or its contents
	WhatScenario What = "scenario" // a scenario added, removed or changed
)

// Difference is one thing that differs between two versions: in which
// part, about which item (an id, or "C2 / NH"), which field, and the
// value before and after ("" where there was none).
type Difference struct {
	What          What
	Item          string
	Field         string
	Before, After string
}

// Compare lists what changed from a to b, part by part in the model's
// order: categories, options and numbers, resources and costs, packages,
// scenarios.
func Compare(a, b *planning.Model) []Difference {
	var d diff
	d.field(WhatModel, "", "name", a.Name, b.Name)
	d.field(WhatModel, "", "currency", a.Currency, b.Currency)
	d.field(WhatModel, "", "weeks_per_year", num(a.WeeksPerYear), num(b.WeeksPerYear))
	d.categories(a.Categories, b.Categories)
	d.resources(a.Resources, b.Resources)
	d.packages(a.Packages, b.Packages)
	d.scenarios(a.Scenarios, b.Scenarios)
	return d.out
}

type diff struct{ out []Difference }

func (d *diff) field(w What, item, field, before, after string) {
	if before != after {
		d.out = append(d.out, Difference{What: w, Item: item, Field: field, Before: before, After: after})
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func optNum(v *float64) string {
	if v == nil {
		return ""
	}
	return num(*v)
}

// byID pairs the items of two lists by id, in a's order then b's new ones.
func byID[T any](a, b []T, id func(T) string, both func(x, y *T), gone func(T), added func(T)) {
	inB := map[string]int{}
	for i, y := range b {
		inB[id(y)] = i
	}
	seen := map[string]bool{}
	for _, x := range a {
		seen[id(x)] = true
		if j, ok := inB[id(x)]; ok {
			both(&x, &b[j])
		} else {
			gone(x)
		}
	}
	for _, y := range b {
		if !seen[id(y)] {
			added(y)
		}
	}
}

func (d *diff) categories(a, b []planning.Category) {
	byID(a, b, func(c planning.Category) string { return c.ID }, func(x, y *planning.Category) {
		d.field(WhatCategory, x.ID, "name", x.Name, y.Name)
		d.field(WhatOptions, x.ID, "options", strings.Join(x.Options, ", "), strings.Join(y.Options, ", "))
		d.field(WhatCategory, x.ID, "max_shift", optNum(x.MaxShift), optNum(y.MaxShift))
		for _, p := range union(x.Options, y.Options) {
			bx, okx := x.Current[p]
			by, oky := y.Current[p]
			if okx != oky || bx != by {
				d.field(WhatNumbers, x.ID+" / "+p, "current", present(okx, bx), present(oky, by))
			}
		}
	}, func(x planning.Category) {
		d.field(WhatCategory, x.ID, "", x.Name, "")
	}, func(y planning.Category) {
		d.field(WhatCategory, y.ID, "", "", y.Name)
	})
}

func present(ok bool, v float64) string {
	if !ok {
		return ""
	}
	return num(v)
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (d *diff) resources(a, b []planning.Resource) {
	byID(a, b, func(r planning.Resource) string { return r.ID }, func(x, y *planning.Resource) {
		d.field(WhatCost, x.ID, "unit_cost", num(x.UnitCost), num(y.UnitCost))
		d.field(WhatResource, x.ID, "name", x.Name, y.Name)
		d.field(WhatResource, x.ID, "unit", x.Unit, y.Unit)
		d.field(WhatResource, x.ID, "payer", x.Payer, y.Payer)
		d.field(WhatResource, x.ID, "kind", x.Kind, y.Kind)
		d.field(WhatResource, x.ID, "capacity", optNum(x.Capacity), optNum(y.Capacity))
		d.field(WhatResource, x.ID, "occupancy", optNum(x.Occupancy), optNum(y.Occupancy))
		d.field(WhatResource, x.ID, "hours_per_wte", optNum(x.HoursPerWTE), optNum(y.HoursPerWTE))
		d.field(WhatResource, x.ID, "visits_per_wte", optNum(x.VisitsPerWTE), optNum(y.VisitsPerWTE))
	}, func(x planning.Resource) {
		d.field(WhatResource, x.ID, "", x.Name, "")
	}, func(y planning.Resource) {
		d.field(WhatResource, y.ID, "", "", y.Name)
	})
}

func (d *diff) packages(a, b []planning.Package) {
	byID(a, b, func(p planning.Package) string { return p.ID }, func(x, y *planning.Package) {
		d.field(WhatPackage, x.ID, "name", x.Name, y.Name)
		d.field(WhatPackage, x.ID, "setting", x.Setting, y.Setting)
		keys := union(sortedKeys(x.Contents), sortedKeys(y.Contents))
		slices.Sort(keys)
		for _, r := range keys {
			vx, okx := x.Contents[r]
			vy, oky := y.Contents[r]
			d.field(WhatPackage, x.ID+" / "+r, "contents", present(okx, vx), present(oky, vy))
		}
	}, func(x planning.Package) {
		d.field(WhatPackage, x.ID, "", x.Name, "")
	}, func(y planning.Package) {
		d.field(WhatPackage, y.ID, "", "", y.Name)
	})
}

func sortedKeys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (d *diff) scenarios(a, b []planning.Scenario) {
	byID(a, b, func(s planning.Scenario) string { return s.ID }, func(x, y *planning.Scenario) {
		d.field(WhatScenario, x.ID, "name", x.Name, y.Name)
		d.field(WhatScenario, x.ID, "steps", stepsText(x.Steps), stepsText(y.Steps))
	}, func(x planning.Scenario) {
		d.field(WhatScenario, x.ID, "", x.Name, "")
	}, func(y planning.Scenario) {
		d.field(WhatScenario, y.ID, "", "", y.Name)
	})
}

// stepsText is a scenario's steps as the model's JSON writes them.
func stepsText(steps []planning.Step) string {
	b, _ := json.Marshal(steps)
	return string(b)
}
