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

// run loads the problem into a new Clp model, solves it and copies the
// answer out before the model is deleted.
func (in *clpInput) run(deadline time.Time, scaling bool) clpAnswer {
	seconds := time.Until(deadline).Seconds()
	if seconds <= 0 {
		return clpAnswer{err: ErrTimeLimit}
	}
	model := C.Clp_newModel()
	defer C.Clp_deleteModel(model)
	C.Clp_setLogLevel(model, 0)
	C.Clp_loadProblem(model, C.int(in.n), C.int(in.m), &in.start[0], &in.index[0], &in.value[0],
		&in.collb[0], &in.colub[0], &in.obj[0], &in.rowlb[0], &in.rowub[0])
	C.Clp_setOptimizationDirection(model, in.direction)
	C.Clp_setMaximumSeconds(model, C.double(seconds))
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
