// Package planningtest compares planning results with the fixtures'
// independently computed answers. Only tests import it.
package planningtest

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// Tolerance is the relative difference the fixtures allow.
const Tolerance = 1e-9

// Match lists where got differs from want, each with its path: every value
// in want must be in got, numbers to a relative 1e-9 (the fixtures' README:
// key order and extra keys do not matter).
func Match(path string, got, want any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %v", path, got)}
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(w)) {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			out = append(out, Match(path+"."+k, gv, w[k])...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %d items, got %v", path, len(w), got)}
		}
		var out []string
		for i := range w {
			out = append(out, Match(fmt.Sprintf("%s[%d]", path, i), g[i], w[i])...)
		}
		return out
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > Tolerance*math.Max(1, math.Abs(w)) {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, w)}
		}
		return nil
	}
	if got != want {
		return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
	}
	return nil
}
