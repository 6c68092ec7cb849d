package planning_test

import (
	"context"
	"math"
	"testing"

	"whatmatters/internal/optimize"
	"whatmatters/internal/optimize/glpktest"
	"whatmatters/internal/planning"
)

// The optimiser's linear programmes, solved by Clp and by GLPK's glpsol:
// the optimum and every shadow price must agree.
func TestOptimiseAgreesWithGLPK(t *testing.T) {
	generated := planning.Generate(planning.GenerateSpec{Categories: 30, Options: 6, Resources: 8, Seed: 3, Capacities: true})
	// A budget the baseline just meets, so the problem is feasible and
	// the budget binds when moving people home costs more.
	budget, shift := generated.BaselineState().Evaluate("baseline", nil).PublicCostPerWeek, 0.6
	local := planning.Generate(planning.GenerateSpec{Categories: 12, Options: 8, Resources: 10, Localities: 5, Seed: 9, Capacities: true})
	localBudget := 0.98 * local.BaselineState().Evaluate("baseline", nil).CostPerWeek
	cases := []struct {
		name  string
		model *planning.Model
		opts  planning.OptimiseOptions
	}{
		{"riverside-lp min cost", load(t, "riverside-lp.json"), planning.OptimiseOptions{}},
		{"riverside-lp max at home", load(t, "riverside-lp.json"), planning.OptimiseOptions{Objective: planning.MaxAtHome}},
		{"generated with budget and shift", generated, planning.OptimiseOptions{Objective: planning.MaxAtHome, Budget: &budget, MaxShift: &shift}},
		{"localities, comprehensive budget", local, planning.OptimiseOptions{Objective: planning.MaxAtHome, Budget: &localBudget, Perspective: planning.Comprehensive}},
		{"localities, min cost", local, planning.OptimiseOptions{}},
	}
	for _, tc := range cases {
		st := tc.model.BaselineState()
		lp, err := st.Formulate(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		clp, err := optimize.Clp{}.Solve(context.Background(), lp.Problem)
		if err != nil {
			t.Fatal(err)
		}
		glpk := glpktest.Solve(t, lp.Problem)
		if clp.Status != optimize.Optimal || glpk.Status != optimize.Optimal {
			t.Fatalf("%s: Clp %s, GLPK %s", tc.name, clp.Status, glpk.Status)
		}
		if math.Abs(clp.Objective-glpk.Objective) > 1e-7*math.Max(1, math.Abs(glpk.Objective)) {
			t.Errorf("%s: Clp optimum %v, GLPK %v", tc.name, clp.Objective, glpk.Objective)
		}
		for name, row := range lp.PricedRows() {
			if math.Abs(clp.Duals[row]-glpk.Duals[row]) > 1e-6*math.Max(1, math.Abs(glpk.Duals[row])) {
				t.Errorf("%s: shadow price of %s: Clp %v, GLPK %v", tc.name, name, clp.Duals[row], glpk.Duals[row])
			}
		}
	}
}
