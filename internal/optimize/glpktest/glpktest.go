// Package glpktest runs GLPK's glpsol as an independent check on the
// solver the product uses. GLPK is GPL, so it is never linked: it runs as
// a separate program, and only tests and benchmarks import this package.
package glpktest

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"whatmatters/internal/optimize"
)

// Solve solves p with glpsol. The test is skipped if glpsol is not
// installed, or fails if WHATMATTERS_REQUIRE_GLPSOL is set.
func Solve(t testing.TB, p *optimize.Problem) *optimize.Solution {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	lp, sol := filepath.Join(dir, "p.lp"), filepath.Join(dir, "p.sol")
	if err := os.WriteFile(lp, []byte(WriteLP(p)), 0o600); err != nil {
		t.Fatal(err)
	}
	// --nopresol: with the presolver, glpsol reports an infeasible or
	// unbounded problem as "undefined", which says nothing.
	if out, err := exec.Command(bin, "--nopresol", "--lp", lp, "-w", sol).CombinedOutput(); err != nil {
		t.Fatalf("glpsol: %v\n%s", err, out)
	}
	return readGLPKSolution(t, sol, p)
}

// Binary is glpsol's path; see Solve for when it is missing.
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("glpsol")
	if err != nil {
		if os.Getenv("WHATMATTERS_REQUIRE_GLPSOL") != "" {
			t.Fatal("glpsol is not installed (apt-get install glpk-utils)")
		}
		t.Skip("glpsol is not installed")
	}
	return bin
}

// WriteLP writes p in CPLEX LP format, with rows r0… and columns x0….
func WriteLP(p *optimize.Problem) string {
	var b strings.Builder
	if p.Sense == optimize.Maximize {
		b.WriteString("Maximize\n obj:")
	} else {
		b.WriteString("Minimize\n obj:")
	}
	for j, c := range p.Objective {
		fmt.Fprintf(&b, " %+.17g x%d", c, j)
	}
	b.WriteString("\nSubject To\n")
	for i, r := range p.Rows {
		var lhs strings.Builder
		for k, j := range r.Index {
			fmt.Fprintf(&lhs, " %+.17g x%d", r.Coef[k], j)
		}
		if len(r.Index) == 0 {
			lhs.WriteString(" 0 x0")
		}
		switch written(r) {
		case 1:
			if r.Lower == r.Upper {
				fmt.Fprintf(&b, " r%d:%s = %.17g\n", i, lhs.String(), r.Upper)
			} else if !math.IsInf(r.Upper, 1) {
				fmt.Fprintf(&b, " r%d:%s <= %.17g\n", i, lhs.String(), r.Upper)
			} else {
				fmt.Fprintf(&b, " r%d:%s >= %.17g\n", i, lhs.String(), r.Lower)
			}
		case 2:
			fmt.Fprintf(&b, " r%du:%s <= %.17g\n", i, lhs.String(), r.Upper)
			fmt.Fprintf(&b, " r%dl:%s >= %.17g\n", i, lhs.String(), r.Lower)
		}
	}
	b.WriteString("Bounds\n")
	for j := range p.Objective {
		lo, hi := 0.0, math.Inf(1)
		if p.ColLower != nil {
			lo = p.ColLower[j]
		}
		if p.ColUpper != nil {
			hi = p.ColUpper[j]
		}
		fmt.Fprintf(&b, " %s <= x%d <= %s\n", lpNumber(lo), j, lpNumber(hi))
	}
	b.WriteString("End\n")
	return b.String()
}

// lpNumber writes a bound as the LP format spells it.
func lpNumber(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', 17, 64)
}

// written is how many rows of the LP file a row becomes: none when it is
// free, two when it has two different finite bounds (CPLEX LP format has
// no ranges), otherwise one.
func written(r optimize.Row) int {
	lo, hi := !math.IsInf(r.Lower, -1), !math.IsInf(r.Upper, 1)
	switch {
	case lo && hi && r.Lower != r.Upper:
		return 2
	case lo || hi:
		return 1
	}
	return 0
}

// readGLPKSolution parses glpsol's plain-text solution (-w): the status
// line "s bas ROWS COLS PRIMAL DUAL OBJ", then a line per row written and
// per column. A row written as two has as its dual the sum of theirs (at
// most one of the two is active).
func readGLPKSolution(t testing.TB, path string, p *optimize.Problem) *optimize.Solution {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sol := &optimize.Solution{X: make([]float64, len(p.Objective))}
	var rowDuals []float64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "s":
			sol.Status = glpkStatus(f[4], f[5])
			sol.Objective = number(t, f[6])
		case "i":
			rowDuals = append(rowDuals, number(t, f[4]))
		case "j":
			j, _ := strconv.Atoi(f[1])
			sol.X[j-1] = number(t, f[3])
		}
	}
	sol.Duals = make([]float64, len(p.Rows))
	k := 0
	for i, r := range p.Rows {
		for range written(r) {
			if k >= len(rowDuals) {
				t.Fatalf("glpsol solution: %d rows, expected more", len(rowDuals))
			}
			sol.Duals[i] += rowDuals[k]
			k++
		}
	}
	return sol
}

// glpkStatus reads the primal and dual statuses: f feasible, n no
// feasible solution exists, i infeasible (at this basis), u undefined.
func glpkStatus(primal, dual string) optimize.Status {
	switch {
	case primal == "f" && dual == "f":
		return optimize.Optimal
	case primal == "f" && dual == "n":
		return optimize.Unbounded
	case primal == "n" || primal == "i":
		return optimize.Infeasible
	}
	return optimize.Status("undefined")
}

func number(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("glpsol solution: %q: %v", s, err)
	}
	return v
}
