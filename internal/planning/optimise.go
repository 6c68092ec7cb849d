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
	m, a := st.Model, st.Allocation
	if o.Objective == "" {
		o.Objective = MinCost
	}
	if o.Perspective == "" {
		o.Perspective = Public
	}
	if o.Objective != MinCost && o.Objective != MaxAtHome {
		return nil, Problems{{Path: "--objective", Message: "must be min_cost or max_at_home"}}
	}
	if o.Perspective != Public && o.Perspective != Comprehensive {
		return nil, Problems{{Path: "--perspective", Message: "must be public or comprehensive"}}
	}
	if o.MaxShift != nil && (*o.MaxShift < 0 || *o.MaxShift > 1) {
		return nil, Problems{{Path: "--max-shift", Message: "must be between 0 and 1"}}
	}
	lp := &LP{Problem: &optimize.Problem{}, priced: map[string]int{}}
	p := lp.Problem
	cost := func(pkg string) float64 { // the perspective's weekly cost of a package
		c := 0.0
		pk := m.pkg(pkg)
		for _, r := range m.Resources {
			if o.Perspective == Comprehensive || !unpaidPayers[r.Payer] {
				c += pk.Contents[r.ID] * r.UnitCost
			}
		}
		return c
	}
	for ci, c := range m.Categories {
		for oi, pk := range c.Options {
			lp.cells = append(lp.cells, cell{ci, oi, c.ID, pk})
			switch o.Objective {
			case MinCost:
				p.Objective = append(p.Objective, cost(pk))
			case MaxAtHome:
				home := 0.0
				if m.pkg(pk).Setting == "home" {
					home = 1
				}
				p.Objective = append(p.Objective, home)
			}
		}
	}
	if o.Objective == MaxAtHome {
		p.Sense = optimize.Maximize
	}
	// Every category keeps its people.
	for ci, c := range m.Categories {
		row := optimize.Row{Name: "people in category " + c.ID}
		for j, cl := range lp.cells {
			if cl.ci == ci {
				row.Index, row.Coef = append(row.Index, j), append(row.Coef, 1)
			}
		}
		n := rowSum(a.Cells[ci])
		row.Lower, row.Upper = n, n
		p.Rows = append(p.Rows, row)
	}
	for _, r := range m.Resources {
		if r.Capacity == nil {
			continue
		}
		row := optimize.Row{Name: "capacity of " + r.ID, Lower: math.Inf(-1), Upper: *r.Capacity}
		for j, cl := range lp.cells {
			if u := m.pkg(cl.pkg).Contents[r.ID]; u != 0 {
				row.Index, row.Coef = append(row.Index, j), append(row.Coef, u)
			}
		}
		lp.priced[r.ID] = len(p.Rows)
		p.Rows = append(p.Rows, row)
	}
	if o.Budget != nil {
		row := optimize.Row{Name: "budget", Lower: math.Inf(-1), Upper: *o.Budget}
		for j, cl := range lp.cells {
			row.Index, row.Coef = append(row.Index, j), append(row.Coef, cost(cl.pkg))
		}
		lp.priced["budget"] = len(p.Rows)
		p.Rows = append(p.Rows, row)
	}
	for ci, c := range m.Categories {
		s := o.MaxShift
		if c.MaxShift != nil {
			s = c.MaxShift
		}
		if s == nil {
			continue
		}
		for j, cl := range lp.cells {
			if cl.ci != ci || a.Cells[ci][cl.oi] == 0 {
				continue
			}
			now := a.Cells[ci][cl.oi]
			p.Rows = append(p.Rows, optimize.Row{Name: fmt.Sprintf("at most %g of %s in %s may move", *s, c.ID, cl.pkg),
				Index: []int{j}, Coef: []float64{1}, Lower: (1 - *s) * now, Upper: math.Inf(1)})
		}
	}
	return lp, nil
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
	for j, cl := range lp.cells {
		best.Allocation.Cells[cl.ci][cl.oi] = cleanZero(sol.X[j])
	}
	baseline := m.BaselineState().Evaluate("baseline", 0).CostPerWeek
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
