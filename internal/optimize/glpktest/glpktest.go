// Package glpktest runs GLPK's glpsol as an independent check on the
// solver the product uses. GLPK is GPL, so it is never linked: it runs as
// a separate program, and only tests and benchmarks import this package.
package glpktest

import (
	"bufio"
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
	if out, err := exec.Command(bin, "--lp", lp, "-w", sol).CombinedOutput(); err != nil {
		t.Fatalf("glpsol: %v\n%s", err, out)
	}
	return readGLPKSolution(t, sol, len(p.Objective), len(p.Rows))
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
		switch {
		case r.Lower == r.Upper:
			fmt.Fprintf(&b, " r%d:%s = %.17g\n", i, lhs.String(), r.Upper)
		default:
			if !math.IsInf(r.Upper, 1) {
				fmt.Fprintf(&b, " r%du:%s <= %.17g\n", i, lhs.String(), r.Upper)
			}
			if !math.IsInf(r.Lower, -1) {
				fmt.Fprintf(&b, " r%dl:%s >= %.17g\n", i, lhs.String(), r.Lower)
			}
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
		switch {
		case math.IsInf(hi, 1):
			fmt.Fprintf(&b, " x%d >= %.17g\n", j, lo)
		default:
			fmt.Fprintf(&b, " %.17g <= x%d <= %.17g\n", lo, j, hi)
		}
	}
	b.WriteString("End\n")
	return b.String()
}

// readGLPKSolution parses glpsol's plain-text solution (-w). GLPK lists
// rows in the order written; a two-sided row was written as two, and its
// dual is the sum of theirs.
func readGLPKSolution(t testing.TB, path string, n, m int) *optimize.Solution {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sol := &optimize.Solution{X: make([]float64, n)}
	var rowDuals []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		num := func(i int) float64 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				t.Fatalf("glpsol solution: %q: %v", sc.Text(), err)
			}
			return v
		}
		switch fields[0] {
		case "s":
			// s bas ROWS COLS PRIM DUAL OBJ
			switch fields[4] {
			case "f":
				sol.Status = optimize.Optimal
			case "n", "i":
				sol.Status = optimize.Infeasible
			default:
				sol.Status = optimize.Unbounded
			}
			sol.Objective = num(6)
		case "i":
			rowDuals = append(rowDuals, num(4))
		case "j":
			j, _ := strconv.Atoi(fields[1])
			sol.X[j-1] = num(3)
		}
	}
	sol.Duals = rowDuals
	return sol
}
