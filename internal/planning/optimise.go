package planning

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"whatmatters/internal/optimize"
)

// Objectives and perspectives of the optimiser.
const (
	MinCost   = "min_cost"
	MaxAtHome = "max_at_home"

	Public        = "public"
	Comprehensive = "comprehensive"
)

// OptimiseOptions are the optimiser's settings.
type OptimiseOptions struct {
	Objective   string   // MinCost (default) or MaxAtHome
	Budget      *float64 // weekly budget on the perspective's cost
	Perspective string   // Public (default) or Comprehensive
	MaxShift    *float64 // share of each current cell that may move out
	Scenario    string   // start from this scenario's allocation, costs and contents
}

// Optimum is the optimiser's answer. When some allocation meets every
// constraint, Status is optimize.Optimal and Result holds the figures of
// the best one; when none does, Status is optimize.Infeasible and
// Infeasible says which constraints cannot hold together. Either way it
// is an answer, not an error. Its JSON is the spec's (MarshalJSON).
type Optimum struct {
	Status      optimize.Status // optimize.Optimal or optimize.Infeasible
	Objective   string          // MinCost or MaxAtHome
	Perspective string          // Public or Comprehensive
	Solver      string          // the solver's name and version

	// When optimal: the figures of the best allocation (its scenario is
	// "optimum", its allocation every category's people by package),
	// beside those of the model's baseline, which its change is against.
	Result   *Result
	Baseline *Result
	// Value is the objective at the optimum: the perspective's weekly
	// cost for MinCost, people at home for MaxAtHome.
	Value float64
	// ShadowPrices is, for each resource with a capacity (by id) and for
	// "budget" when one is given, how much the objective improves per
	// extra unit of it: a fall in weekly cost, or a rise in people at
	// home. 0 where the constraint does not bind.
	ShadowPrices map[string]float64
	// Binding are the capacities, the budget and the limits on moving
	// that the optimum meets with no room to spare, in the programme's
	// order. (Every category keeping its people always binds, and is not
	// listed.)
	Binding []Constraint

	// When infeasible: the constraints that cannot hold together.
	Infeasible *Infeasible
}

// Infeasible is which constraints cannot all hold: a smallest set of
// them that conflict.
type Infeasible struct {
	Conflicts []Constraint
	// ConflictsMinimal is false when the search for the smallest set ran
	// out of time: the constraints listed still cannot all hold, but not
	// every one of them need be part of the reason.
	ConflictsMinimal bool
}

// ConstraintKind is what a constraint of the optimiser's programme
// keeps.
type ConstraintKind string

// The kinds of constraint.
const (
	KeepPeople    ConstraintKind = "people"    // a category keeps its people
	CapacityLimit ConstraintKind = "capacity"  // a resource's volume within its capacity
	BudgetLimit   ConstraintKind = "budget"    // the perspective's weekly cost within the budget
	MaxShiftLimit ConstraintKind = "max_shift" // at most a share of a current cell moves out
)

// Constraint is one constraint of the optimiser's programme, as data:
// its kind and what it is about (Category for KeepPeople, Resource for
// CapacityLimit, Category, Package and Share for MaxShiftLimit), and its
// limit: the category's people, the capacity, the budget, or the fewest
// people who must stay in the cell.
//
// Name is how the answer's JSON names it in "conflicts" ("people in
// category C3", "capacity of home_care_hour", "budget", "at most 0.2 of
// C2 in NH may move"): an identifier fixed by that contract, not a
// sentence to show; a page words a constraint from its fields.
type Constraint struct {
	Kind     ConstraintKind `json:"kind"`
	Name     string         `json:"name"`
	Category string         `json:"category,omitempty"`
	Package  string         `json:"package,omitempty"`
	Resource string         `json:"resource,omitempty"`
	Share    float64        `json:"share,omitempty"`
	Limit    float64        `json:"limit"`
}

// name is the constraint's name in the programme and the answer.
func (c Constraint) name() string {
	switch c.Kind {
	case KeepPeople:
		return "people in category " + c.Category
	case CapacityLimit:
		return "capacity of " + c.Resource
	case MaxShiftLimit:
		return fmt.Sprintf("at most %g of %s in %s may move", c.Share, c.Category, c.Package)
	}
	return string(c.Kind)
}

// optimalJSON and infeasibleJSON are the spec's two shapes of answer:
// the optimum's result with the status, objective, shadow prices and
// solver at its top level; or the status and the names of the
// constraints that conflict.
type optimalJSON struct {
	*Result
	Status       optimize.Status    `json:"status"`
	Objective    string             `json:"objective"`
	ShadowPrices map[string]float64 `json:"shadow_prices"`
	Solver       string             `json:"solver"`
}

type infeasibleJSON struct {
	Scenario         string          `json:"scenario"`
	Status           optimize.Status `json:"status"`
	Objective        string          `json:"objective"`
	Conflicts        []string        `json:"conflicts"`
	ConflictsMinimal bool            `json:"conflicts_minimal"`
	Solver           string          `json:"solver"`
}

// MarshalJSON writes the answer as the spec has it.
func (o *Optimum) MarshalJSON() ([]byte, error) {
	if o.Infeasible != nil {
		var names []string
		for _, c := range o.Infeasible.Conflicts {
			names = append(names, c.Name)
		}
		return json.Marshal(infeasibleJSON{Scenario: "optimum", Status: o.Status, Objective: o.Objective, Conflicts: names,
			ConflictsMinimal: o.Infeasible.ConflictsMinimal, Solver: o.Solver})
	}
	return json.Marshal(optimalJSON{Result: o.Result, Status: o.Status, Objective: o.Objective, ShadowPrices: o.ShadowPrices, Solver: o.Solver})
}

// ConflictSearchLimit bounds the search for the smallest set of
// constraints that conflict, which can take a solve per constraint.
const ConflictSearchLimit = 20 * time.Second

// cell is one variable: people of a category (row) in a package (column).
type cell struct {
	ci, oi        int
	category, pkg string
}

// LP is the linear programme for a state, with what is needed to read its
// solution back.
type LP struct {
	Problem *optimize.Problem
	cells   []cell
	// rows that have shadow prices: resource id or "budget" → row index
	priced map[string]int
	// constraints are the rows as data, one for each row of Problem
	constraints []Constraint
}

// Constraints are the programme's constraints, one for each of its rows,
// in order.
func (lp *LP) Constraints() []Constraint { return lp.constraints }

// row adds a constraint's row.
func (lp *LP) row(c Constraint, r optimize.Row) {
	c.Name, r.Name = c.name(), c.name()
	lp.constraints = append(lp.constraints, c)
	lp.Problem.Rows = append(lp.Problem.Rows, r)
}

// PricedRows maps each resource with a capacity, and "budget", to its
// row in the problem.
func (lp *LP) PricedRows() map[string]int { return lp.priced }

// Formulate builds the linear programme of the spec: keep every
// category's people, stay within capacities and the budget, move at most
// the allowed share out of each current cell, and minimise cost or
// maximise people at home.
func (st *State) Formulate(o OptimiseOptions) (*LP, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	f := &formulation{m: st.Model, a: st.Allocation, o: o,
		lp: &LP{Problem: &optimize.Problem{}, priced: map[string]int{}}}
	f.variables()
	f.keepPeople()
	f.capacities()
	f.budget()
	f.maxShift()
	return f.lp, nil
}

// withDefaults fills in and checks the options.
func (o OptimiseOptions) withDefaults() (OptimiseOptions, error) {
	if o.Objective == "" {
		o.Objective = MinCost
	}
	if o.Perspective == "" {
		o.Perspective = Public
	}
	switch {
	case o.Objective != MinCost && o.Objective != MaxAtHome:
		return o, Problems{optionProblem(OptionObjective, "planning.objective", "must be min_cost or max_at_home")}
	case o.Perspective != Public && o.Perspective != Comprehensive:
		return o, Problems{optionProblem(OptionPerspective, "planning.perspective", "must be public or comprehensive")}
	case o.MaxShift != nil && (*o.MaxShift < 0 || *o.MaxShift > 1):
		return o, Problems{optionProblem(OptionMaxShift, "planning.max_shift", "must be between 0 and 1")}
	}
	return o, nil
}

// optionProblem is a problem with an option of the request, not with the
// model: it has no path.
func optionProblem(option, code, format string, args ...any) Problem {
	p := newProblem("", code, format, args...)
	p.Option = option
	return p
}

// formulation is the LP being built for a state and options.
type formulation struct {
	m  *Model
	a  Allocation
	o  OptimiseOptions
	lp *LP
}

// cost is a package's weekly cost from the options' perspective: public
// leaves out what the person and the carer pay.
func (f *formulation) cost(pkg string) float64 {
	c := 0.0
	pk := f.m.pkg(pkg)
	for _, r := range f.m.Resources {
		if f.o.Perspective == Comprehensive || !unpaidPayers[r.Payer] {
			c += pk.Contents[r.ID] * r.UnitCost
		}
	}
	return c
}

// variables are one per cell: people of a category in one of its
// options, with the objective's coefficient.
func (f *formulation) variables() {
	p := f.lp.Problem
	if f.o.Objective == MaxAtHome {
		p.Sense = optimize.Maximize
	}
	for ci, c := range f.m.Categories {
		for oi, pk := range c.Options {
			f.lp.cells = append(f.lp.cells, cell{ci, oi, c.ID, pk})
			coef := 0.0
			switch {
			case f.o.Objective == MinCost:
				coef = f.cost(pk)
			case f.m.pkg(pk).Setting == "home":
				coef = 1
			}
			p.Objective = append(p.Objective, coef)
		}
	}
}

// keepPeople: Σ_p x[c][p] = the category's people.
func (f *formulation) keepPeople() {
	rows := make([]optimize.Row, len(f.m.Categories))
	for ci := range f.m.Categories {
		n := f.a.rowTotal(ci)
		rows[ci] = optimize.Row{Lower: n, Upper: n}
	}
	for j, cl := range f.lp.cells {
		rows[cl.ci].Index, rows[cl.ci].Coef = append(rows[cl.ci].Index, j), append(rows[cl.ci].Coef, 1)
	}
	for ci, c := range f.m.Categories {
		f.lp.row(Constraint{Kind: KeepPeople, Category: c.ID, Limit: rows[ci].Upper}, rows[ci])
	}
}

// capacities: each resource's volume within its capacity, priced.
func (f *formulation) capacities() {
	for _, r := range f.m.Resources {
		if r.Capacity == nil {
			continue
		}
		row := optimize.Row{Lower: math.Inf(-1), Upper: *r.Capacity}
		for j, cl := range f.lp.cells {
			if u := f.m.pkg(cl.pkg).Contents[r.ID]; u != 0 {
				row.Index, row.Coef = append(row.Index, j), append(row.Coef, u)
			}
		}
		f.lp.priced[r.ID] = len(f.lp.Problem.Rows)
		f.lp.row(Constraint{Kind: CapacityLimit, Resource: r.ID, Limit: *r.Capacity}, row)
	}
}

// budget: the perspective's weekly cost within the budget, priced.
func (f *formulation) budget() {
	if f.o.Budget == nil {
		return
	}
	row := optimize.Row{Lower: math.Inf(-1), Upper: *f.o.Budget}
	for j, cl := range f.lp.cells {
		row.Index, row.Coef = append(row.Index, j), append(row.Coef, f.cost(cl.pkg))
	}
	f.lp.priced["budget"] = len(f.lp.Problem.Rows)
	f.lp.row(Constraint{Kind: BudgetLimit, Limit: *f.o.Budget}, row)
}

// maxShift: x[c][p] ≥ (1 − s) × current[c][p], s being the category's
// own max_shift or else the options' MaxShift. These are rows, not bounds, so that
// a conflict can name them.
func (f *formulation) maxShift() {
	for j, cl := range f.lp.cells {
		c := f.m.Categories[cl.ci]
		s := f.o.MaxShift
		if c.MaxShift != nil {
			s = c.MaxShift
		}
		now := f.a.value(cl.ci, cl.oi)
		if s == nil || now == 0 {
			continue
		}
		f.lp.row(Constraint{Kind: MaxShiftLimit, Category: c.ID, Package: cl.pkg, Share: *s, Limit: (1 - *s) * now},
			optimize.Row{Index: []int{j}, Coef: []float64{1}, Lower: (1 - *s) * now, Upper: math.Inf(1)})
	}
}

// Optimise solves the linear programme and reports the optimum, or the
// constraints that cannot all hold. A problem with the options, or a
// scenario the model does not have, is Problems; a solver that fails or
// runs out of time is an error.
func (m *Model) Optimise(ctx context.Context, solver optimize.Solver, o OptimiseOptions) (*Optimum, error) {
	st := m.BaselineState()
	if o.Scenario != "" {
		var err error
		if st, err = m.ScenarioState(o.Scenario); err != nil {
			return nil, err
		}
	}
	lp, err := st.Formulate(o)
	if err != nil {
		return nil, err
	}
	o, _ = o.withDefaults() // checked by Formulate
	sol, err := solver.Solve(ctx, lp.Problem)
	if err != nil {
		return nil, err
	}
	out := &Optimum{Status: sol.Status, Objective: o.Objective, Perspective: o.Perspective, Solver: solver.Name()}
	switch sol.Status {
	case optimize.Infeasible:
		cctx, cancel := context.WithTimeout(ctx, ConflictSearchLimit)
		defer cancel()
		c, err := optimize.IrreducibleInfeasible(cctx, solver, lp.Problem)
		if err != nil {
			return nil, err
		}
		out.Infeasible = &Infeasible{ConflictsMinimal: c.Minimal}
		for _, i := range c.Index {
			out.Infeasible.Conflicts = append(out.Infeasible.Conflicts, lp.constraints[i])
		}
		return out, nil
	case optimize.Optimal:
	default:
		return nil, fmt.Errorf("the optimiser found the problem %s", sol.Status)
	}
	best := &State{Model: st.Model, Allocation: st.Allocation.clone()}
	best.Allocation.lo = nil // every cell is set from the solution
	for j, cl := range lp.cells {
		best.Allocation.Cells[cl.ci][cl.oi] = cleanZero(sol.X[j])
	}
	out.Baseline = m.BaselineState().Evaluate("baseline", nil)
	out.Result = best.Evaluate("optimum", out.Baseline)
	out.Value = sol.Objective
	out.ShadowPrices = map[string]float64{}
	for name, row := range lp.priced {
		// Improvement per extra unit: a fall in cost, or a rise in
		// people at home. Solvers report the objective's change per unit
		// of the bound, so a minimisation's improvement is its negative.
		d := sol.Duals[row]
		if lp.Problem.Sense == optimize.Minimize {
			d = -d
		}
		out.ShadowPrices[name] = cleanZero(math.Max(d, 0))
	}
	out.Binding = lp.binding(sol.X)
	return out, nil
}

// binding are the inequality constraints that x meets with no room to
// spare: its row's activity at the bound, to the solvers' tolerance.
func (lp *LP) binding(x []float64) []Constraint {
	out := []Constraint{}
	for i, r := range lp.Problem.Rows {
		if r.Lower == r.Upper {
			continue // an equality always binds
		}
		act := 0.0
		for k, j := range r.Index {
			act += r.Coef[k] * x[j]
		}
		switch {
		case !math.IsInf(r.Upper, 1) && act >= r.Upper-bindTolerance*math.Max(1, math.Abs(r.Upper)),
			!math.IsInf(r.Lower, -1) && act <= r.Lower+bindTolerance*math.Max(1, math.Abs(r.Lower)):
			out = append(out, lp.constraints[i])
		}
	}
	return out
}

// bindTolerance is how near its bound, relatively, a row's activity must
// be to bind: the solvers' own feasibility tolerance is about 1e-7.
const bindTolerance = 1e-7

// cleanZero turns solver noise around zero into zero.
func cleanZero(v float64) float64 {
	if math.Abs(v) < 1e-9 {
		return 0
	}
	return v
}
