package planning_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"whatmatters/internal/optimize"
	"whatmatters/internal/optimize/glpktest"
	"whatmatters/internal/planning"
)

// The benchmarks the issue asks for, on generated models (gen.go), run by
// scripts/bench-planning.sh, which prints medians and ratios.

var (
	runOnce sync.Once
	runJSON []byte
)

// runModel is 1,000 categories × 20 options × 30 resources with 50
// scenarios, as JSON.
func runModel(b *testing.B) []byte {
	runOnce.Do(func() {
		m := planning.Generate(planning.GenerateSpec{Categories: 1000, Options: 20, Resources: 30, Scenarios: 50, Seed: 1})
		var err error
		if runJSON, err = json.Marshal(m); err != nil {
			panic(err)
		}
	})
	return runJSON
}

// BenchmarkPlanRun is what `plan run` does before it writes its answer:
// read and check the model (every field, every reference), then evaluate
// the baseline and all 50 scenarios.
func BenchmarkPlanRun(b *testing.B) {
	data := runModel(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := planning.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Run(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun is the engine alone: the baseline and 50 scenarios of a
// model already read.
func BenchmarkRun(b *testing.B) {
	m, err := planning.Parse(runModel(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Run(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse is reading and checking the model alone, for the share
// of plan run that is reading its input.
func BenchmarkParse(b *testing.B) {
	data := runModel(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := planning.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseJSON is the baseline the issue names: decoding the same
// JSON into the model's types with encoding/json, nothing else.
func BenchmarkParseJSON(b *testing.B) {
	data := runModel(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var m planning.Model
		if err := json.Unmarshal(data, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// optimiseModel is 100 categories × 20 options in each of 10
// localities, written as 1,000 categories that share 30 resources'
// capacities (each 5% above what the baseline uses).
func optimiseModel() *planning.Model {
	return planning.Generate(planning.GenerateSpec{Categories: 100, Options: 20, Resources: 30, Localities: 10, Seed: 2, Capacities: true})
}

// optimiseLP is that model's programme: the most people at home within a
// weekly budget the baseline just meets.
func optimiseLP(b *testing.B) *optimize.Problem {
	m := optimiseModel()
	budget := m.BaselineState().Evaluate("baseline", nil).PublicCostPerWeek
	lp, err := m.BaselineState().Formulate(planning.OptimiseOptions{Objective: planning.MaxAtHome, Budget: &budget})
	if err != nil {
		b.Fatal(err)
	}
	return lp.Problem
}

func BenchmarkOptimiseClp(b *testing.B) {
	p := optimiseLP(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		sol, err := optimize.Clp{}.Solve(ctx, p)
		cancel()
		if err != nil || sol.Status != optimize.Optimal {
			b.Fatalf("%v %v", err, sol)
		}
	}
}

// BenchmarkOptimiseGLPK solves the same LP with glpsol. It includes
// starting the program and reading the LP file, which Clp does not pay;
// glpsol's own "Time used" is printed too, for a solver-only comparison.
func BenchmarkOptimiseGLPK(b *testing.B) {
	bin := glpktest.Binary(b)
	p := optimiseLP(b)
	dir := b.TempDir()
	path, out := filepath.Join(dir, "p.lp"), filepath.Join(dir, "p.out")
	if err := os.WriteFile(path, []byte(glpktest.WriteLP(p)), 0o600); err != nil {
		b.Fatal(err)
	}
	timeUsed := regexp.MustCompile(`Time used:\s+([0-9.]+) secs`)
	solverSecs := 0.0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msg, err := exec.Command(bin, "--lp", path, "-o", out).CombinedOutput()
		if err != nil || !strings.Contains(string(msg), "OPTIMAL LP SOLUTION FOUND") {
			b.Fatalf("glpsol: %v\n%s", err, msg)
		}
		if m := timeUsed.FindSubmatch(msg); m != nil {
			s, _ := strconv.ParseFloat(string(m[1]), 64)
			solverSecs += s
		}
	}
	b.ReportMetric(solverSecs*1e9/float64(b.N), "glpsol-own-ns/op")
}
