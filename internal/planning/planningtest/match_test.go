package planningtest

import "testing"

func TestMatch(t *testing.T) {
	want := map[string]any{"cost": 1000.0, "list": []any{1.0, "a"}, "nested": map[string]any{"x": 2.0}}
	same := map[string]any{"cost": 1000.0 * (1 + 1e-12), "list": []any{1.0, "a"}, "nested": map[string]any{"x": 2.0, "extra": 9.0}, "more": true}
	if p := Match("", same, want); len(p) != 0 {
		t.Errorf("equal within 1e-9 and extra keys: %v", p)
	}
	for name, got := range map[string]any{
		"off by 1e-8":   map[string]any{"cost": 1000.00001, "list": []any{1.0, "a"}, "nested": map[string]any{"x": 2.0}},
		"missing key":   map[string]any{"cost": 1000.0, "list": []any{1.0, "a"}, "nested": map[string]any{}},
		"short list":    map[string]any{"cost": 1000.0, "list": []any{1.0}, "nested": map[string]any{"x": 2.0}},
		"other string":  map[string]any{"cost": 1000.0, "list": []any{1.0, "b"}, "nested": map[string]any{"x": 2.0}},
		"not an object": []any{},
	} {
		if len(Match("", got, want)) == 0 {
			t.Errorf("%s: no difference reported", name)
		}
	}
}
