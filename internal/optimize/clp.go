package optimize

/*
#cgo pkg-config: clp
#include <stdlib.h>
#include <coin/Clp_C_Interface.h>
*/
import "C"

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
	"unsafe"
)

// Clp is COIN-OR Clp (EPL), linked through its C interface.
type Clp struct{}

// Name is the solver and its version, for the audit trail and reports.
func (Clp) Name() string { return "Clp " + C.GoString(C.Clp_Version()) }

// DefaultTimeLimit bounds a solve whose context has no deadline.
const DefaultTimeLimit = time.Minute

// Solve runs Clp's simplex with a time limit: the context's deadline, or
// DefaultTimeLimit. Clp cannot be interrupted from outside, so it runs in
// its own goroutine, told the same limit (Clp_setMaximumSeconds) so that
// it stops by itself; Solve returns ErrTimeLimit as soon as the deadline
// passes, or ctx.Err() if the context is cancelled, without waiting for
// it. The problem is copied before the goroutine starts, so the caller
// may change p once Solve returns.
func (Clp) Solve(ctx context.Context, p *Problem) (*Solution, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(DefaultTimeLimit)
	}
	if !time.Now().Before(deadline) || ctx.Err() != nil {
		return nil, ctxErr(ctx)
	}
	in := newClpInput(p)
	done := make(chan clpAnswer, 1) // buffered: an abandoned solve can still finish
	go func() { done <- in.solve(deadline) }()
	select {
	case a := <-done:
		return a.sol, a.err
	case <-ctx.Done():
		return nil, ctxErr(ctx)
	}
}

// conflict is the deletion filter of IrreducibleInfeasible in one Clp
// model: each row in turn is freed (its bounds set to infinity) and the
// model re-solved by the dual simplex from the last basis, about ten
// times quicker than a fresh solve; the row stays free if the model is
// still infeasible. A problem with a free column takes the slow way,
// where each answer is checked without scaling (see solve).
func (c Clp) conflict(ctx context.Context, p *Problem, stop time.Time) ([]bool, bool, error) {
	if err := p.check(); err != nil {
		return nil, false, err
	}
	if hasFreeColumn(p) {
		return deletionFilter(ctx, c, p, stop)
	}
	in := newClpInput(p)
	prog := &progress{keep: make([]bool, in.m)}
	done := make(chan error, 1)
	go func() { done <- in.conflict(stop, prog) }()
	select {
	case err := <-done:
		if err != nil {
			return nil, false, err
		}
		return prog.snapshot()
	case <-ctx.Done():
		if ctx.Err() != context.DeadlineExceeded {
			return nil, false, ctx.Err()
		}
		// A solve overran the stop: answer with the rows not ruled out.
		keep, _, _ := prog.snapshot()
		return keep, false, nil
	}
}

// progress is the deletion filter's state, shared with Solve's caller so
// that it can answer at its deadline even while a solve overruns.
type progress struct {
	mu       sync.Mutex
	keep     []bool // for the rows examined
	examined int
	unsure   bool // a row was kept because its solve was cut short
}

func (pr *progress) record(i int, needed, sure bool) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.keep[i], pr.examined = needed, i+1
	pr.unsure = pr.unsure || !sure
}

// snapshot is the rows kept so far and every row not yet examined: a set
// that cannot all hold, minimal only when every row was examined surely.
func (pr *progress) snapshot() ([]bool, bool, error) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	keep := append([]bool(nil), pr.keep...)
	for i := pr.examined; i < len(keep); i++ {
		keep[i] = true
	}
	return keep, pr.examined == len(keep) && !pr.unsure, nil
}

func hasFreeColumn(p *Problem) bool {
	for j := range p.Objective {
		if p.ColLower != nil && math.IsInf(p.ColLower[j], -1) && (p.ColUpper == nil || math.IsInf(p.ColUpper[j], 1)) {
			return true
		}
	}
	return false
}

// conflict runs the filter until stop, recording each row's verdict; the
// rows it has not reached by then are left unexamined.
func (in *clpInput) conflict(stop time.Time, prog *progress) error {
	model := in.load(stop)
	defer C.Clp_deleteModel(model)
	C.Clp_initialSolve(model)
	switch st := int(C.Clp_status(model)); st {
	case 1:
	case 3:
		return nil // out of time before the search began: every row stays
	default:
		return fmt.Errorf("optimize: looking for a conflict in a problem that is not infeasible (Clp status %d)", st)
	}
	lo, up := append([]C.double(nil), in.rowlb...), append([]C.double(nil), in.rowub...)
	for i := 0; i < in.m && time.Now().Before(stop); i++ {
		needed, sure := in.needed(model, i, lo, up, stop)
		prog.record(i, needed, sure)
	}
	return nil
}

// needed frees row i and re-solves: the row is needed for the conflict if
// the model is then feasible, and its bounds are put back. A solve cut
// short by the stop keeps the row too (so the rows kept still conflict),
// but not surely.
func (in *clpInput) needed(model unsafe.Pointer, i int, lo, up []C.double, stop time.Time) (needed, sure bool) {
	lo[i], up[i] = bound(math.Inf(-1)), bound(math.Inf(1))
	C.Clp_chgRowLower(model, &lo[0])
	C.Clp_chgRowUpper(model, &up[0])
	C.Clp_setMaximumSeconds(model, C.double(time.Until(stop).Seconds()))
	C.Clp_dual(model, 0)
	status := C.Clp_status(model)
	if status == 1 { // still infeasible without it
		return false, true
	}
	lo[i], up[i] = in.rowlb[i], in.rowub[i]
	return true, status != 3
}

// ctxErr is ErrTimeLimit for a deadline, or the context's own error.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil && err != context.DeadlineExceeded {
		return err
	}
	return ErrTimeLimit
}

type clpAnswer struct {
	sol *Solution
	err error
}

// bound maps ±Inf to Clp's large values.
func bound(v float64) C.double {
	switch {
	case math.IsInf(v, 1):
		return C.double(math.MaxFloat64)
	case math.IsInf(v, -1):
		return C.double(-math.MaxFloat64)
	}
	return C.double(v)
}

// clpInput is a problem in the arrays Clp_loadProblem takes: the matrix
// column by column (CSC), bounds and objective.
type clpInput struct {
	n, m              int
	start             []C.CoinBigIndex
	index             []C.int
	value             []C.double
	collb, colub, obj []C.double
	rowlb, rowub      []C.double
	direction         C.double
}

func newClpInput(p *Problem) *clpInput {
	n, m := len(p.Objective), len(p.Rows)
	in := &clpInput{n: n, m: m, start: make([]C.CoinBigIndex, n+1), direction: 1}
	counts := make([]int, n+1)
	for _, r := range p.Rows {
		for _, j := range r.Index {
			counts[j+1]++
		}
	}
	for j := 0; j < n; j++ {
		counts[j+1] += counts[j]
		in.start[j+1] = C.CoinBigIndex(counts[j+1])
	}
	nz := counts[n]
	// Clp wants non-nil arrays even for an empty matrix.
	in.index, in.value = make([]C.int, max(nz, 1)), make([]C.double, max(nz, 1))
	next := counts[:n] // where each column's next entry goes
	for i, r := range p.Rows {
		for k, j := range r.Index {
			in.index[next[j]], in.value[next[j]] = C.int(i), C.double(r.Coef[k])
			next[j]++
		}
	}
	in.collb, in.colub, in.obj = make([]C.double, n), make([]C.double, n), make([]C.double, n)
	for j := 0; j < n; j++ {
		in.obj[j] = C.double(p.Objective[j])
		in.collb[j], in.colub[j] = 0, bound(math.Inf(1))
		if p.ColLower != nil {
			in.collb[j] = bound(p.ColLower[j])
		}
		if p.ColUpper != nil {
			in.colub[j] = bound(p.ColUpper[j])
		}
	}
	in.rowlb, in.rowub = make([]C.double, m+1), make([]C.double, m+1)
	for i, r := range p.Rows {
		in.rowlb[i], in.rowub[i] = bound(r.Lower), bound(r.Upper)
	}
	if p.Sense == Maximize {
		in.direction = -1
	}
	return in
}

// solve runs Clp until the deadline. An "infeasible" answer is checked
// by solving again without scaling: Clp 1.17.6's scaling mishandles a
// free column that is in no row, and calls such an unbounded problem
// infeasible (found by the cross-check with glpsol). The planning LPs
// never have one, so the second solve costs them nothing when feasible.
func (in *clpInput) solve(deadline time.Time) clpAnswer {
	a := in.run(deadline, true)
	if a.err == nil && a.sol.Status == Infeasible {
		return in.run(deadline, false)
	}
	return a
}

// load makes a Clp model of the problem that stops at the deadline. The
// caller deletes it.
func (in *clpInput) load(deadline time.Time) unsafe.Pointer {
	model := C.Clp_newModel()
	C.Clp_setLogLevel(model, 0)
	C.Clp_loadProblem(model, C.int(in.n), C.int(in.m), &in.start[0], &in.index[0], &in.value[0],
		&in.collb[0], &in.colub[0], &in.obj[0], &in.rowlb[0], &in.rowub[0])
	C.Clp_setOptimizationDirection(model, in.direction)
	C.Clp_setMaximumSeconds(model, C.double(time.Until(deadline).Seconds()))
	return model
}

// run solves the problem in a new Clp model and copies the answer out
// before the model is deleted.
func (in *clpInput) run(deadline time.Time, scaling bool) clpAnswer {
	if !time.Now().Before(deadline) {
		return clpAnswer{err: ErrTimeLimit}
	}
	model := in.load(deadline)
	defer C.Clp_deleteModel(model)
	if !scaling {
		C.Clp_scaling(model, 0)
	}
	C.Clp_initialSolve(model)

	sol := &Solution{}
	switch status := int(C.Clp_status(model)); status {
	case 0:
		sol.Status = Optimal
	case 1:
		sol.Status = Infeasible
		return clpAnswer{sol: sol}
	case 2:
		sol.Status = Unbounded
		return clpAnswer{sol: sol}
	case 3:
		return clpAnswer{err: ErrTimeLimit}
	default:
		return clpAnswer{err: errClp(status)}
	}
	sol.Objective = float64(C.Clp_objectiveValue(model))
	sol.X = copyDoubles(C.Clp_getColSolution(model), in.n)
	sol.Duals = copyDoubles(C.Clp_getRowPrice(model), in.m)
	sol.Activity = copyDoubles(C.Clp_getRowActivity(model), in.m)
	return clpAnswer{sol: sol}
}

func copyDoubles(p *C.double, n int) []float64 {
	out := make([]float64, n)
	if n == 0 || p == nil {
		return out
	}
	src := unsafe.Slice(p, n)
	for i := range out {
		out[i] = float64(src[i])
	}
	return out
}

type errClp int

func (e errClp) Error() string { return fmt.Sprintf("optimize: Clp stopped with status %d", int(e)) }
