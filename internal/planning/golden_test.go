package planning_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"whatmatters/internal/optimize"
	"whatmatters/internal/planning"
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

// match checks that every value in want is in got, numbers to a relative
// 1e-9 (key order and extra keys do not matter, as the fixtures say).
func match(path string, got, want any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %v", path, got)}
		}
		var out []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			out = append(out, match(path+"."+k, gv, w[k])...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %d items, got %v", path, len(w), got)}
		}
		var out []string
		for i := range w {
			out = append(out, match(fmt.Sprintf("%s[%d]", path, i), g[i], w[i])...)
		}
		return out
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, w)}
		}
		return nil
	default:
		if got != want {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		return nil
	}
}

func TestRunMatchesRiversideFixture(t *testing.T) {
	m := load(t, "riverside.json")
	results, err := m.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	got := roundTrip(t, map[string]any{"model": m.Name, "results": results})
	want := readJSON(t, "riverside.expected.json")
	for _, p := range match("", got, want) {
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
	for _, p := range match("", got, want) {
		t.Error(p)
	}
}
