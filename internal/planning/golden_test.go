package planning_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"whatmatters/internal/optimize"
	"whatmatters/internal/planning"
	"whatmatters/internal/planning/planningtest"
)

// The fixtures in testdata are copies of ../shared/fixtures/planning:
// synthetic models with answers computed independently of this code.

func load(t *testing.T, name string) *planning.Model {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := planning.Parse(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func readJSON(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// roundTrip turns a result into plain JSON values, as the command prints.
func roundTrip(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRunMatchesRiversideFixture(t *testing.T) {
	m := load(t, "riverside.json")
	results, err := m.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	got := roundTrip(t, map[string]any{"model": m.Name, "results": results})
	want := readJSON(t, "riverside.expected.json")
	for _, p := range planningtest.Match("", got, want) {
		t.Error(p)
	}
}

func TestOptimiseMatchesRiversideLPFixture(t *testing.T) {
	m := load(t, "riverside-lp.json")
	ans, err := m.Optimise(context.Background(), optimize.Clp{}, planning.OptimiseOptions{Objective: planning.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	got := roundTrip(t, ans)
	want := readJSON(t, "riverside-lp.expected.json").(map[string]any)
	delete(want, "command") // how the answer was asked for, not part of it
	for _, p := range planningtest.Match("", got, want) {
		t.Error(p)
	}
}
