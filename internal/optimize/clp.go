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

// Solve runs Clp's simplex. Clp cannot be interrupted from outside, so it
// is given the context's remaining time as its own limit, and the call
// returns ErrTimeLimit when that is reached.
func (Clp) Solve(ctx context.Context, p *Problem) (*Solution, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	limit := 60.0
	if d, ok := ctx.Deadline(); ok {
		limit = time.Until(d).Seconds()
		if limit <= 0 {
			return nil, ErrTimeLimit
		}
	}
	return solveClp(p, limit)
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

func solveClp(p *Problem, seconds float64) (*Solution, error) {
	n, m := len(p.Objective), len(p.Rows)
	// Column-major (CSC) copy of the rows.
	cols := make([][]int, n)
	vals := make([][]float64, n)
	for i, r := range p.Rows {
		for k, j := range r.Index {
			cols[j] = append(cols[j], i)
			vals[j] = append(vals[j], r.Coef[k])
		}
	}
	start := make([]C.CoinBigIndex, n+1)
	var index []C.int
	var value []C.double
	for j := 0; j < n; j++ {
		start[j] = C.CoinBigIndex(len(index))
		for k, i := range cols[j] {
			index = append(index, C.int(i))
			value = append(value, C.double(vals[j][k]))
		}
	}
	start[n] = C.CoinBigIndex(len(index))
	if len(index) == 0 { // Clp wants non-nil arrays
		index, value = []C.int{0}, []C.double{0}
	}
	collb, colub, obj := make([]C.double, n), make([]C.double, n), make([]C.double, n)
	for j := 0; j < n; j++ {
		obj[j] = C.double(p.Objective[j])
		collb[j], colub[j] = 0, bound(math.Inf(1))
		if p.ColLower != nil {
			collb[j] = bound(p.ColLower[j])
		}
		if p.ColUpper != nil {
			colub[j] = bound(p.ColUpper[j])
		}
	}
	rowlb, rowub := make([]C.double, m+1), make([]C.double, m+1)
	for i, r := range p.Rows {
		rowlb[i], rowub[i] = bound(r.Lower), bound(r.Upper)
	}

	model := C.Clp_newModel()
	defer C.Clp_deleteModel(model)
	C.Clp_setLogLevel(model, 0)
	C.Clp_loadProblem(model, C.int(n), C.int(m), &start[0], &index[0], &value[0], &collb[0], &colub[0], &obj[0], &rowlb[0], &rowub[0])
	dir := 1.0
	if p.Sense == Maximize {
		dir = -1
	}
	C.Clp_setOptimizationDirection(model, C.double(dir))
	C.Clp_setMaximumSeconds(model, C.double(seconds))
	C.Clp_initialSolve(model)

	sol := &Solution{}
	switch C.Clp_status(model) {
	case 0:
		sol.Status = Optimal
	case 1:
		sol.Status = Infeasible
		return sol, nil
	case 2:
		sol.Status = Unbounded
		return sol, nil
	case 3:
		return nil, ErrTimeLimit
	default:
		return nil, errClp(int(C.Clp_status(model)))
	}
	sol.Objective = float64(C.Clp_objectiveValue(model))
	// Copy out before the model is deleted.
	sol.X = copyDoubles(C.Clp_getColSolution(model), n)
	sol.Duals = copyDoubles(C.Clp_getRowPrice(model), m)
	sol.Activity = copyDoubles(C.Clp_getRowActivity(model), m)
	return sol, nil
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
