// Package optimize solves linear programmes behind a small interface, so
// the planning engine does not depend on one solver. The solver used for
// real work is COIN-OR Clp, through cgo (clp.go).
package optimize

import (
	"context"
	"errors"
	"math"
	"time"
)

// Sense says whether the objective is minimised or maximised.
type Sense int

const (
	Minimize Sense = iota
	Maximize
)

// Inf is an absent bound.
var Inf = math.Inf(1)

// Row is one constraint: Lower ≤ Σ Coef[i]·x[Index[i]] ≤ Upper. Use -Inf or
// Inf for a one-sided row, and Lower = Upper for an equality.
type Row struct {
	Name         string
	Index        []int
	Coef         []float64
	Lower, Upper float64
}

// Problem is a linear programme over len(Objective) variables.
type Problem struct {
	Sense     Sense
	Objective []float64
	ColLower  []float64 // nil means 0 for every variable
	ColUpper  []float64 // nil means no upper bound
	Rows      []Row
}

// Status is the outcome of a solve.
type Status string

const (
	Optimal    Status = "optimal"
	Infeasible Status = "infeasible"
	Unbounded  Status = "unbounded"
)

// Solution is a solver's answer. Duals are the row prices as the solver
// reports them: the change in the objective per unit increase of the
// row's bound.
type Solution struct {
	Status    Status
	Objective float64
	X         []float64
	Duals     []float64
	Activity  []float64
}

// Solver solves linear programmes. Every call must respect the context's
// deadline.
type Solver interface {
	Solve(ctx context.Context, p *Problem) (*Solution, error)
	Name() string
}

// ErrTimeLimit is returned when a solve runs out of time.
var ErrTimeLimit = errors.New("optimize: the solver ran out of time")

// check reports a malformed problem before any solver sees it: sizes
// that disagree, variables out of range, and numbers that are not finite
// (a NaN reaching a solver gives answers that look real but are not).
func (p *Problem) check() error {
	n := len(p.Objective)
	if n == 0 {
		return errors.New("optimize: no variables")
	}
	if (p.ColLower != nil && len(p.ColLower) != n) || (p.ColUpper != nil && len(p.ColUpper) != n) {
		return errors.New("optimize: bounds do not match the variables")
	}
	if !allFinite(p.Objective) {
		return errors.New("optimize: an objective coefficient is not a finite number")
	}
	for _, b := range [][]float64{p.ColLower, p.ColUpper} {
		for _, v := range b {
			if math.IsNaN(v) {
				return errors.New("optimize: a variable's bound is not a number")
			}
		}
	}
	for _, r := range p.Rows {
		if err := r.check(n); err != nil {
			return err
		}
	}
	return nil
}

func (r *Row) check(n int) error {
	if len(r.Index) != len(r.Coef) {
		return errors.New("optimize: row " + r.Name + ": index and coefficients differ in length")
	}
	for _, j := range r.Index {
		if j < 0 || j >= n {
			return errors.New("optimize: row " + r.Name + ": variable out of range")
		}
	}
	if !allFinite(r.Coef) || math.IsNaN(r.Lower) || math.IsNaN(r.Upper) {
		return errors.New("optimize: row " + r.Name + ": a coefficient or bound is not a finite number")
	}
	return nil
}

func allFinite(vs []float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// conflictFinder is a solver with its own, faster deletion filter. It
// stops at the deadline and reports what it has (see Conflict).
type conflictFinder interface {
	conflict(ctx context.Context, p *Problem, stop time.Time) (keep []bool, minimal bool, err error)
}

// Conflict is a set of rows that cannot all hold together. Minimal says
// that dropping any one of them would make them feasible; it is false
// when the search ran out of time, and then Rows still cannot all hold,
// but some of them may not be needed for that. Rows are the rows' names,
// Index their positions in the problem's Rows.
type Conflict struct {
	Rows    []string
	Index   []int
	Minimal bool
}

// IrreducibleInfeasible names a smallest set of rows that cannot all hold
// (a deletion filter): each row is dropped in turn and kept out if the
// rest is still infeasible. What remains conflicts, and dropping any one
// of those rows would make the problem feasible. p must be infeasible.
//
// The search can take a solve per row, so it stops a little before the
// context's deadline and returns the rows it has not ruled out: still a
// conflict, but perhaps not the smallest (Minimal false). Clp does the
// search in one model, warm-starting each solve from the last; other
// solvers solve each reduced problem afresh.
func IrreducibleInfeasible(ctx context.Context, s Solver, p *Problem) (Conflict, error) {
	stop := time.Now().Add(DefaultTimeLimit)
	if d, ok := ctx.Deadline(); ok {
		stop = d.Add(-time.Until(d) / 10) // the last tenth is for answering
	}
	var keep []bool
	var minimal bool
	var err error
	if cf, ok := s.(conflictFinder); ok {
		keep, minimal, err = cf.conflict(ctx, p, stop)
	} else {
		keep, minimal, err = deletionFilter(ctx, s, p, stop)
	}
	if err != nil {
		return Conflict{}, err
	}
	c := Conflict{Minimal: minimal}
	for i, r := range p.Rows {
		if keep[i] {
			c.Rows, c.Index = append(c.Rows, r.Name), append(c.Index, i)
		}
	}
	return c, nil
}

// deletionFilter is the filter with a fresh solve for every row.
func deletionFilter(ctx context.Context, s Solver, p *Problem, stop time.Time) ([]bool, bool, error) {
	keep := make([]bool, len(p.Rows))
	for i := range keep {
		keep[i] = true
	}
	sctx, cancel := context.WithDeadline(ctx, stop)
	defer cancel()
	for i := range p.Rows {
		keep[i] = false
		q := *p
		q.Rows = nil
		for j, r := range p.Rows {
			if keep[j] {
				q.Rows = append(q.Rows, r)
			}
		}
		sol, err := s.Solve(sctx, &q)
		if err == ErrTimeLimit && ctx.Err() != context.Canceled {
			keep[i] = true // not ruled out, nor are the rest
			return keep, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if sol.Status != Infeasible {
			keep[i] = true // needed for the conflict
		}
	}
	return keep, true, nil
}
