package planning

import (
	"context"
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

// Optimum is the optimiser's answer: the result for the optimal
// allocation, with the status, the objective and the shadow prices.
type Optimum struct {
	*Result
	Status       string             `json:"status"`
	Objective    string             `json:"objective"`
	ShadowPrices map[string]float64 `json:"shadow_prices"`
	Conflicts    []string           `json:"conflicts,omitempty"`
	Solver       string             `json:"solver"`
}

// Infeasible is what the optimiser reports when the constraints cannot
// all hold: no allocation, and a smallest set of them that conflict.
type Infeasible struct {
	Scenario  string   `json:"scenario"`
	Status    string   `json:"status"`
	Objective string   `json:"objective"`
	Conflicts []string `json:"conflicts"`
	// ConflictsMinimal is false when the search for the smallest set ran
	// out of time: the constraints listed still cannot all hold, but not
	// every one of them need be part of the reason.
	ConflictsMinimal bool   `json:"conflicts_minimal"`
	Solver           string `json:"solver"`
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
	for ci, c := range f.m.Categories {
		n := f.a.rowTotal(ci)
		rows[ci] = optimize.Row{Name: "people in category " + c.ID, Lower: n, Upper: n}
	}
	for j, cl := range f.lp.cells {
		rows[cl.ci].Index, rows[cl.ci].Coef = append(rows[cl.ci].Index, j), append(rows[cl.ci].Coef, 1)
	}
	f.lp.Problem.Rows = append(f.lp.Problem.Rows, rows...)
}

// capacities: each resource's volume within its capacity, priced.
func (f *formulation) capacities() {
	for _, r := range f.m.Resources {
		if r.Capacity == nil {
			continue
		}
		row := optimize.Row{Name: "capacity of " + r.ID, Lower: math.Inf(-1), Upper: *r.Capacity}
		for j, cl := range f.lp.cells {
			if u := f.m.pkg(cl.pkg).Contents[r.ID]; u != 0 {
				row.Index, row.Coef = append(row.Index, j), append(row.Coef, u)
			}
		}
		f.lp.priced[r.ID] = len(f.lp.Problem.Rows)
		f.lp.Problem.Rows = append(f.lp.Problem.Rows, row)
	}
}

// budget: the perspective's weekly cost within the budget, priced.
func (f *formulation) budget() {
	if f.o.Budget == nil {
		return
	}
	row := optimize.Row{Name: "budget", Lower: math.Inf(-1), Upper: *f.o.Budget}
	for j, cl := range f.lp.cells {
		row.Index, row.Coef = append(row.Index, j), append(row.Coef, f.cost(cl.pkg))
	}
	f.lp.priced["budget"] = len(f.lp.Problem.Rows)
	f.lp.Problem.Rows = append(f.lp.Problem.Rows, row)
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
		f.lp.Problem.Rows = append(f.lp.Problem.Rows, optimize.Row{Name: fmt.Sprintf("at most %g of %s in %s may move", *s, c.ID, cl.pkg),
			Index: []int{j}, Coef: []float64{1}, Lower: (1 - *s) * now, Upper: math.Inf(1)})
	}
}

// Optimise solves the linear programme and reports the optimum, or the
// constraints that cannot all hold. The answer is an *Optimum or, when
// infeasible, an *Infeasible.
func (m *Model) Optimise(ctx context.Context, solver optimize.Solver, o OptimiseOptions) (any, error) {
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
	objective := o.Objective
	if objective == "" {
		objective = MinCost
	}
	sol, err := solver.Solve(ctx, lp.Problem)
	if err != nil {
		return nil, err
	}
	switch sol.Status {
	case optimize.Infeasible:
		cctx, cancel := context.WithTimeout(ctx, ConflictSearchLimit)
		defer cancel()
		c, err := optimize.IrreducibleInfeasible(cctx, solver, lp.Problem)
		if err != nil {
			return nil, err
		}
		return &Infeasible{Scenario: "optimum", Status: string(optimize.Infeasible), Objective: objective,
			Conflicts: c.Rows, ConflictsMinimal: c.Minimal, Solver: solver.Name()}, nil
	case optimize.Optimal:
	default:
		return nil, fmt.Errorf("the optimiser found the problem %s", sol.Status)
	}
	best := &State{Model: st.Model, Allocation: st.Allocation.clone()}
	best.Allocation.lo = nil // every cell is set from the solution
	for j, cl := range lp.cells {
		best.Allocation.Cells[cl.ci][cl.oi] = cleanZero(sol.X[j])
	}
	baseline := m.BaselineState().Evaluate("baseline", nil)
	out := &Optimum{Result: best.Evaluate("optimum", baseline), Status: string(optimize.Optimal), Objective: objective,
		ShadowPrices: map[string]float64{}, Solver: solver.Name()}
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
	return out, nil
}

// cleanZero turns solver noise around zero into zero.
func cleanZero(v float64) float64 {
	if math.Abs(v) < 1e-9 {
		return 0
	}
	return v
}
