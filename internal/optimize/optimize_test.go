package optimize_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"whatmatters/internal/optimize"
	"whatmatters/internal/optimize/glpktest"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-7*math.Max(1, math.Abs(b)) }

func solve(t *testing.T, p *optimize.Problem) *optimize.Solution {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sol, err := optimize.Clp{}.Solve(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return sol
}

// A problem solved by hand: minimise 140a + 25b with a + b = 200 and
// 21b ≤ 3000. b = 3000/21, a = 200 − b; the capacity's dual is
// (25 − 140)/21 per unit.
func TestClpKnownAnswer(t *testing.T) {
	p := &optimize.Problem{Objective: []float64{140, 25}, Rows: []optimize.Row{
		{Name: "capacity", Index: []int{1}, Coef: []float64{21}, Lower: math.Inf(-1), Upper: 3000},
		{Name: "people", Index: []int{0, 1}, Coef: []float64{1, 1}, Lower: 200, Upper: 200},
	}}
	sol := solve(t, p)
	b := 3000.0 / 21
	if sol.Status != optimize.Optimal || !near(sol.X[1], b) || !near(sol.X[0], 200-b) || !near(sol.Objective, 140*(200-b)+25*b) {
		t.Fatalf("got %+v", sol)
	}
	if !near(sol.Duals[0], (25.0-140)/21) {
		t.Errorf("capacity dual %v, want %v", sol.Duals[0], (25.0-140)/21)
	}
}

func TestClpInfeasibleAndItsConflict(t *testing.T) {
	p := &optimize.Problem{Objective: []float64{1, 1}, Rows: []optimize.Row{
		{Name: "at least ten", Index: []int{0, 1}, Coef: []float64{1, 1}, Lower: 10, Upper: math.Inf(1)},
		{Name: "harmless", Index: []int{0}, Coef: []float64{1}, Lower: math.Inf(-1), Upper: 100},
		{Name: "at most four", Index: []int{0, 1}, Coef: []float64{1, 1}, Lower: math.Inf(-1), Upper: 4},
	}}
	if sol := solve(t, p); sol.Status != optimize.Infeasible {
		t.Fatalf("status %s", sol.Status)
	}
	names, err := optimize.IrreducibleInfeasible(context.Background(), optimize.Clp{}, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 || names[0] != "at least ten" || names[1] != "at most four" {
		t.Errorf("conflict %v", names)
	}
}

func TestClpHonoursDeadline(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := optimize.Clp{}.Solve(ctx, &optimize.Problem{Objective: []float64{1}})
	if err != optimize.ErrTimeLimit {
		t.Errorf("expired deadline: %v", err)
	}
}

// Random feasible LPs, solved by Clp and by GLPK's glpsol: the optima and
// the row duals must agree.
func TestClpAgreesWithGLPK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 20; trial++ {
		n, m := 5+rng.IntN(20), 3+rng.IntN(15)
		p := &optimize.Problem{Sense: optimize.Sense(trial % 2), Objective: make([]float64, n), ColUpper: make([]float64, n)}
		for j := range p.Objective {
			p.Objective[j] = float64(rng.IntN(41) - 20)
			p.ColUpper[j] = 5
		}
		for i := 0; i < m; i++ {
			r := optimize.Row{Name: "r", Lower: math.Inf(-1), Upper: float64(5 + rng.IntN(50))}
			for j := 0; j < n; j++ {
				if rng.Float64() < 0.3 {
					r.Index = append(r.Index, j)
					r.Coef = append(r.Coef, float64(1+rng.IntN(9)))
				}
			}
			p.Rows = append(p.Rows, r)
		}
		got, want := solve(t, p), glpktest.Solve(t, p)
		if got.Status != want.Status || !near(got.Objective, want.Objective) {
			t.Fatalf("trial %d: Clp %s %v, GLPK %s %v", trial, got.Status, got.Objective, want.Status, want.Objective)
		}
		for i := range p.Rows {
			if !near(got.Duals[i], want.Duals[i]) {
				t.Errorf("trial %d row %d: Clp dual %v, GLPK %v", trial, i, got.Duals[i], want.Duals[i])
			}
		}
	}
}
