package optimize_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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
	c, err := optimize.IrreducibleInfeasible(context.Background(), optimize.Clp{}, p)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Minimal || !slices.Equal(c.Rows, []string{"at least ten", "at most four"}) {
		t.Errorf("conflict %+v", c)
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

// randomLP is a random LP in 0 ≤ x ≤ 5 (or free columns when free is
// set) with rows of every kind: ≤, ≥, ranges and equalities.
func randomLP(rng *rand.Rand, sense optimize.Sense, free bool) *optimize.Problem {
	n, m := 5+rng.IntN(20), 3+rng.IntN(15)
	p := &optimize.Problem{Sense: sense, Objective: make([]float64, n), ColLower: make([]float64, n), ColUpper: make([]float64, n)}
	for j := range p.Objective {
		p.Objective[j] = float64(rng.IntN(41) - 20)
		p.ColLower[j], p.ColUpper[j] = 0, 5
		if free {
			p.ColLower[j], p.ColUpper[j] = math.Inf(-1), math.Inf(1)
		}
	}
	for i := 0; i < m; i++ {
		r := optimize.Row{Name: fmt.Sprintf("r%d", i)}
		for j := 0; j < n; j++ {
			if rng.Float64() < 0.3 {
				r.Index = append(r.Index, j)
				r.Coef = append(r.Coef, float64(rng.IntN(19)-9))
			}
		}
		hi := float64(5 + rng.IntN(50))
		switch rng.IntN(4) {
		case 0:
			r.Lower, r.Upper = math.Inf(-1), hi
		case 1:
			r.Lower, r.Upper = -hi, math.Inf(1)
		case 2:
			r.Lower, r.Upper = -hi, hi
		case 3:
			r.Lower, r.Upper = 1, 1
		}
		p.Rows = append(p.Rows, r)
	}
	return p
}

// Random LPs, solved by Clp and by GLPK's glpsol: the status must agree,
// and for optimal ones the optimum and every row's dual. Some are
// infeasible and, with free columns, some unbounded, so the statuses are
// checked too.
func TestClpAgreesWithGLPK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	seen, sameDuals := map[optimize.Status]int{}, 0
	for trial := 0; trial < 60; trial++ {
		p := randomLP(rng, optimize.Sense(trial%2), trial%3 == 2)
		got, want := solve(t, p), glpktest.Solve(t, p)
		seen[want.Status]++
		if got.Status != want.Status {
			t.Fatalf("trial %d: Clp %s, GLPK %s", trial, got.Status, want.Status)
		}
		if got.Status != optimize.Optimal {
			continue
		}
		if !near(got.Objective, want.Objective) {
			t.Fatalf("trial %d: Clp optimum %v, GLPK %v", trial, got.Objective, want.Objective)
		}
		// A degenerate optimum has many right duals, and two solvers may
		// pick different ones; so each solver's duals are checked to be
		// optimal (their dual bound is the optimum), and then compared.
		for _, s := range []struct {
			name string
			sol  *optimize.Solution
		}{{"Clp", got}, {"GLPK", want}} {
			if b := dualBound(p, s.sol.Duals); !near(b, s.sol.Objective) {
				t.Errorf("trial %d: %s's duals bound the optimum at %v, not %v", trial, s.name, b, s.sol.Objective)
			}
		}
		if slices.EqualFunc(got.Duals, want.Duals, near) {
			sameDuals++
		}
	}
	t.Logf("statuses %v; same duals in %d optima", seen, sameDuals)
	if sameDuals < seen[optimize.Optimal]/2 {
		t.Errorf("Clp and GLPK chose the same duals in only %d of %d optima", sameDuals, seen[optimize.Optimal])
	}
	if seen[optimize.Optimal] < 20 || seen[optimize.Infeasible] == 0 {
		t.Errorf("statuses seen %v: the random problems no longer cover the cases", seen)
	}
}

// dualBound is the Lagrangian dual value of row prices y (the objective's
// change per unit of each row's bound, as solvers report them): each row
// and each column's reduced cost d = c − Aᵀy priced at the bound it pushes
// against. It equals the optimum exactly when y is an optimal dual, and is
// NaN when a price pushes against a bound that is not there.
func dualBound(p *optimize.Problem, y []float64) float64 {
	const tol = 1e-9
	max := p.Sense == optimize.Maximize
	// at is the bound a multiplier presses on: for a minimum a positive
	// one presses on the lower bound, for a maximum on the upper.
	at := func(mult, lo, hi float64) float64 {
		if math.Abs(mult) < tol {
			return 0
		}
		b := hi
		if (mult > 0) != max {
			b = lo
		}
		if math.IsInf(b, 0) {
			return math.NaN()
		}
		return mult * b
	}
	d := slices.Clone(p.Objective)
	total := 0.0
	for i, r := range p.Rows {
		total += at(y[i], r.Lower, r.Upper)
		for k, j := range r.Index {
			d[j] -= y[i] * r.Coef[k]
		}
	}
	for j := range d {
		lo, hi := 0.0, math.Inf(1)
		if p.ColLower != nil {
			lo = p.ColLower[j]
		}
		if p.ColUpper != nil {
			hi = p.ColUpper[j]
		}
		total += at(d[j], lo, hi)
	}
	return total
}

// A regression found by the cross-check: Clp's scaling called this
// unbounded problem (a free column in no row, with a cost) infeasible.
func TestClpUnboundedFreeEmptyColumn(t *testing.T) {
	inf := math.Inf(1)
	p := &optimize.Problem{Sense: optimize.Maximize, Objective: []float64{1, -8}, ColLower: []float64{0, -inf}, ColUpper: []float64{5, inf},
		Rows: []optimize.Row{{Name: "a", Index: []int{0}, Coef: []float64{1}, Lower: -inf, Upper: 3}}}
	if sol := solve(t, p); sol.Status != optimize.Unbounded {
		t.Errorf("status %s, want unbounded", sol.Status)
	}
}

func TestClpRefusesNumbersThatAreNotFinite(t *testing.T) {
	for _, p := range []*optimize.Problem{
		{Objective: []float64{math.NaN()}},
		{Objective: []float64{1}, Rows: []optimize.Row{{Name: "r", Index: []int{0}, Coef: []float64{math.Inf(1)}, Upper: 1}}},
		{Objective: []float64{1}, Rows: []optimize.Row{{Name: "r", Index: []int{0}, Coef: []float64{1}, Lower: math.NaN(), Upper: 1}}},
	} {
		if _, err := (optimize.Clp{}).Solve(context.Background(), p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}

// bigLP takes Clp a good part of a second: a dense random LP.
func bigLP(n int) *optimize.Problem {
	rng := rand.New(rand.NewPCG(5, 6))
	p := &optimize.Problem{Sense: optimize.Maximize, Objective: make([]float64, n)}
	for j := range p.Objective {
		p.Objective[j] = rng.Float64()
	}
	for i := 0; i < n; i++ {
		r := optimize.Row{Name: fmt.Sprintf("r%d", i), Lower: math.Inf(-1), Upper: 1 + rng.Float64()*100}
		for j := 0; j < n; j++ {
			if rng.Float64() < 0.3 {
				r.Index, r.Coef = append(r.Index, j), append(r.Coef, rng.Float64())
			}
		}
		p.Rows = append(p.Rows, r)
	}
	return p
}

// A solve that outlives its deadline returns ErrTimeLimit at the
// deadline, not when Clp finishes; a cancelled one returns at once.
func TestClpTimeLimitAndCancel(t *testing.T) {
	p := bigLP(1200)
	start := time.Now()
	full := solve(t, p)
	took := time.Since(start)
	if full.Status != optimize.Optimal || took < 100*time.Millisecond {
		t.Skipf("the LP took %v (%s): too quick to test a time limit on this machine", took, full.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), took/10)
	defer cancel()
	start = time.Now()
	if _, err := (optimize.Clp{}).Solve(ctx, p); err != optimize.ErrTimeLimit {
		t.Errorf("over its deadline: %v, want ErrTimeLimit", err)
	}
	if waited := time.Since(start); waited >= took {
		t.Errorf("returned after %v, as long as a whole solve; the deadline was %v", waited, took/10)
	}
	ctx, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(took / 10); cancel2() }()
	if _, err := (optimize.Clp{}).Solve(ctx, p); err != context.Canceled {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}

// plain hides Clp's own conflict finder, so IrreducibleInfeasible solves
// each reduced problem afresh.
type plain struct{ optimize.Solver }

// Clp's warm-started conflict finder gives the same rows as solving each
// reduced problem afresh, and they are a conflict that no row can leave:
// together they cannot hold, and without any one of them they can.
func TestConflictsAreIrreducible(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	found := 0
	for trial := 0; trial < 80 && found < 12; trial++ {
		p := randomLP(rng, optimize.Sense(trial%2), false)
		if solve(t, p).Status != optimize.Infeasible {
			continue
		}
		found++
		w, err := optimize.IrreducibleInfeasible(context.Background(), optimize.Clp{}, p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := optimize.IrreducibleInfeasible(context.Background(), plain{optimize.Clp{}}, p)
		if err != nil {
			t.Fatal(err)
		}
		warm, fresh := w.Rows, f.Rows
		if !w.Minimal || !f.Minimal || !slices.Equal(warm, fresh) {
			t.Errorf("trial %d: warm-started %v, afresh %v", trial, warm, fresh)
		}
		only := func(names []string) *optimize.Problem {
			q := *p
			q.Rows = nil
			for _, r := range p.Rows {
				if slices.Contains(names, r.Name) {
					q.Rows = append(q.Rows, r)
				}
			}
			return &q
		}
		if st := solve(t, only(warm)).Status; st != optimize.Infeasible {
			t.Errorf("trial %d: the conflict %v alone is %s", trial, warm, st)
		}
		for i := range warm {
			rest := slices.Delete(slices.Clone(warm), i, i+1)
			if st := solve(t, only(rest)).Status; st == optimize.Infeasible {
				t.Errorf("trial %d: %v is still infeasible without %s", trial, rest, warm[i])
			}
		}
	}
	if found < 5 {
		t.Fatalf("only %d infeasible problems: the generator no longer covers this", found)
	}
}

// Out of time, the search still answers: the rows it has not ruled out,
// which still cannot all hold, marked as perhaps not the smallest set.
func TestConflictOutOfTime(t *testing.T) {
	p := bigLP(600)
	// At least as much as all of the last row's coefficients could give:
	// with the rest, infeasible.
	last := optimize.Row{Name: "too much", Lower: 1e9, Upper: math.Inf(1)}
	for j := range p.Objective {
		last.Index, last.Coef = append(last.Index, j), append(last.Coef, 1)
	}
	p.Rows = append(p.Rows, last)
	for _, s := range []optimize.Solver{optimize.Clp{}, plain{optimize.Clp{}}} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := optimize.IrreducibleInfeasible(ctx, s, p)
		cancel()
		if err != nil {
			t.Fatalf("%T: %v", s, err)
		}
		if c.Minimal || !slices.Contains(c.Rows, "too much") {
			t.Errorf("%T: %d rows, minimal %v", s, len(c.Rows), c.Minimal)
		}
	}
}
