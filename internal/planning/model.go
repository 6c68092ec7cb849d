// Package planning is the Balance of Care engine: it reads a planning
// model (file format planning-model/v1, see docs/planning.md and the spec
// it follows), applies what-if scenarios, and computes what each balance
// of care would cost and need: money by payer, bed places, staff, people
// supported at home. It also finds the best balance within budgets and
// capacities with a linear programme. It is pure computation: no
// database, no HTTP, and no text: it returns figures and problems as
// values, and internal/planning/report draws them for the command line.
package planning

import (
	"fmt"
	"slices"
)

// Format is the only format this package reads.
const Format = "planning-model/v1"

// Model is a planning model as written in its file.
type Model struct {
	Format       string      `json:"format"`
	Name         string      `json:"name"`
	Currency     string      `json:"currency,omitempty"`
	WeeksPerYear float64     `json:"weeks_per_year,omitempty"`
	Resources    []Resource  `json:"resources"`
	Packages     []Package   `json:"packages"`
	Categories   []Category  `json:"categories"`
	Population   *Population `json:"population,omitempty"`
	Scenarios    []Scenario  `json:"scenarios,omitempty"`

	ix *index // positions of ids, built on first use
}

// Resource is something care is made of: a bed-day, a home care hour.
type Resource struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Unit         string   `json:"unit"`
	UnitCost     float64  `json:"unit_cost"`
	Payer        string   `json:"payer"`
	Kind         string   `json:"kind"`
	Occupancy    *float64 `json:"occupancy,omitempty"`
	HoursPerWTE  *float64 `json:"hours_per_wte,omitempty"`
	VisitsPerWTE *float64 `json:"visits_per_wte,omitempty"`
	Capacity     *float64 `json:"capacity,omitempty"`
}

// Package is a bundle of care: units of each resource per person per week.
type Package struct {
	ID       string             `json:"id"`
	Name     string             `json:"name"`
	Setting  string             `json:"setting"`
	Contents map[string]float64 `json:"contents"`
}

// Category is a group of people with similar needs, the packages judged
// right for them, and how many are in each now.
type Category struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Options    []string           `json:"options"`
	Current    map[string]float64 `json:"current"`
	Prevalence map[string]float64 `json:"prevalence,omitempty"`
	MaxShift   *float64           `json:"max_shift,omitempty"`
}

// Population is people by age band now and projected.
type Population struct {
	BaseYear    int                           `json:"base_year"`
	Bands       map[string]float64            `json:"bands"`
	Projections map[string]map[string]float64 `json:"projections,omitempty"`
}

// Scenario is a named list of changes to the baseline.
type Scenario struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Steps []Step `json:"steps"`
}

// Step is one change; exactly one of its fields is set.
type Step struct {
	Move      *Move         `json:"move,omitempty"`
	Scale     *float64      `json:"scale,omitempty"`
	ProjectTo *int          `json:"project_to,omitempty"`
	UnitCost  *UnitCostStep `json:"unit_cost,omitempty"`
	Contents  *ContentsStep `json:"contents,omitempty"`
}

// Move moves people of a category (or every category, "*") from one
// package to another: a fraction of those there, or a count.
type Move struct {
	Category string   `json:"category"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	Fraction *float64 `json:"fraction,omitempty"`
	Count    *float64 `json:"count,omitempty"`
}

// UnitCostStep sets a resource's unit cost, or multiplies it.
type UnitCostStep struct {
	Resource string   `json:"resource"`
	Value    *float64 `json:"value,omitempty"`
	Factor   *float64 `json:"factor,omitempty"`
}

// ContentsStep sets how much of a resource a package uses.
type ContentsStep struct {
	Package  string  `json:"package"`
	Resource string  `json:"resource"`
	Value    float64 `json:"value"`
}

// Problem is one thing wrong with a model, at its JSON path, or with
// what was asked of it (Option).
//
// Path is where in the model the problem lies, as the reader names it:
// "categories[2].current.XX", "scenarios[1].steps[0].move.count", or
// "scenarios" for a scenario asked for that the model does not have. It is
// empty when the problem is not in the model at all (an objective that is
// neither min_cost nor max_at_home).
//
// Option names the option of the request that is at fault, when one is:
// "scenario", "objective", "perspective", "max_shift", "years", "vary"
// (OptionScenario and the others). A command line shows it as its flag,
// a form as its field.
//
// Code and Args say the same as Message as data, for a catalogue to word
// it in another language: Message is the English format of the code with
// the args (fmt verbs). A problem without a code has only its English
// message.
type Problem struct {
	Path    string `json:"path"`
	Option  string `json:"option,omitempty"`
	Code    string `json:"code,omitempty"`
	Args    []any  `json:"args,omitempty"`
	Message string `json:"message"`
}

// The options of a request that a problem can name.
const (
	OptionScenario    = "scenario"
	OptionObjective   = "objective"
	OptionPerspective = "perspective"
	OptionMaxShift    = "max_shift"
	OptionYears       = "years"
	OptionVary        = "vary"
)

// newProblem is a problem with a code, its message the English format
// of the code with the args.
func newProblem(path, code, format string, args ...any) Problem {
	return Problem{Path: path, Code: code, Args: args, Message: fmt.Sprintf(format, args...)}
}

// String is the problem for a person: its path (or else the option) and
// its message.
func (p Problem) String() string {
	switch {
	case p.Path != "":
		return p.Path + ": " + p.Message
	case p.Option != "":
		return p.Option + ": " + p.Message
	}
	return p.Message
}

// Problems is every problem found; it is the error a model that does not
// validate returns.
type Problems []Problem

func (ps Problems) Error() string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += "\n"
		}
		s += p.String()
	}
	return s
}

// resource and pkg find by id.
func (m *Model) resource(id string) *Resource {
	for i := range m.Resources {
		if m.Resources[i].ID == id {
			return &m.Resources[i]
		}
	}
	return nil
}

func (m *Model) pkg(id string) *Package {
	if i, ok := m.index().pkg[id]; ok && i < len(m.Packages) && m.Packages[i].ID == id {
		return &m.Packages[i]
	}
	for i := range m.Packages { // a model still being validated
		if m.Packages[i].ID == id {
			return &m.Packages[i]
		}
	}
	return nil
}

func (m *Model) category(id string) *Category {
	for i := range m.Categories {
		if m.Categories[i].ID == id {
			return &m.Categories[i]
		}
	}
	return nil
}

// clone copies what scenario steps may change, so a scenario never alters
// the model it came from: the resources (costs) and the packages. The
// packages' contents maps stay shared until setContents copies the one it
// changes; most scenarios never touch them.
func (m *Model) clone() *Model {
	c := *m
	c.Resources = slices.Clone(m.Resources)
	c.Packages = slices.Clone(m.Packages)
	return &c
}

// setContents sets how much of a resource a package of a cloned model
// uses, copying that package's contents first.
func setContents(pkg *Package, resource string, v float64) {
	pkg.Contents = copyMap(pkg.Contents)
	pkg.Contents[resource] = v
}

func copyMap(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Baseline is the allocation the model describes now: every option of
// every category, zero where nobody is. It is worked out once and copied
// for each scenario.
func (m *Model) Baseline() Allocation {
	ix := m.index()
	if ix.base == nil {
		var cells []float64
		for _, c := range m.Categories {
			for _, p := range c.Options {
				cells = append(cells, c.Current[p])
			}
		}
		base := ix.allocation(m.Categories, cells)
		ix.base = &base
	}
	return ix.base.clone()
}
