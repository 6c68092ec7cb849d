package planning_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"whatmatters/internal/optimize"
	"whatmatters/internal/planning"
)

// FuzzParse: whatever the bytes, Parse returns a model or problems, never
// panics, and every problem says what is wrong.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"riverside.json", "riverside-lp.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`format: planning-model/v1`))
	f.Add([]byte(`{"resources": [{"id": 1}], "scenarios": [{"steps": [{}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer noHang(t, time.Now())
		m, err := planning.Parse(data)
		if err != nil {
			var ps planning.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("a rejection that is not a list of problems: %v", err)
			}
			for _, p := range ps {
				if p.Message == "" {
					t.Fatalf("a problem with no message at %q", p.Path)
				}
			}
			return
		}
		// A model that parses can be run and optimised without panicking.
		if _, err := m.Run(nil); err != nil {
			var ps planning.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("run failed without problems: %v", err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = m.Optimise(ctx, optimize.Clp{}, planning.OptimiseOptions{})
	})
}

// FuzzScenarioSteps applies arbitrary steps to the Riverside model: no
// panic, no hang, and every step either runs or is refused with a path.
func FuzzScenarioSteps(f *testing.F) {
	f.Add(`{"move": {"category": "C1", "from": "NH", "to": "HI", "fraction": 0.5}}`)
	f.Add(`{"move": {"category": "*", "from": "RH", "to": "HS", "count": 3}}`)
	f.Add(`{"scale": 0}`)
	f.Add(`{"project_to": 2031}`)
	f.Add(`{"unit_cost": {"resource": "nh_bed_day", "factor": 1.1}}`)
	f.Add(`{"contents": {"package": "HI", "resource": "dn_visit", "value": 4}}`)
	base, err := os.ReadFile(filepath.Join("testdata", "riverside.json"))
	if err != nil {
		f.Fatal(err)
	}
	var model map[string]any
	if err := json.Unmarshal(base, &model); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, step string) {
		defer noHang(t, time.Now())
		if !json.Valid([]byte(step)) {
			return
		}
		model["scenarios"] = []any{map[string]any{"id": "F", "name": "Fuzz", "steps": []any{json.RawMessage(step)}}}
		src, err := json.Marshal(model)
		if err != nil {
			return
		}
		m, err := planning.Parse(src)
		if err != nil {
			return // refused with problems (FuzzParse checks their form)
		}
		res, err := m.Run([]string{"F"})
		if err != nil {
			var ps planning.Problems
			if !errors.As(err, &ps) || ps[0].Path == "" {
				t.Fatalf("a step refused without a path: %v", err)
			}
			return
		}
		// What runs can be written out, as plan run --format json does.
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("the answer cannot be written as JSON: %v", err)
		}
	})
}

// noHang fails an input that took far longer than any model should: the
// optimiser has 5 seconds, everything else is milliseconds.
func noHang(t *testing.T, start time.Time) {
	if d := time.Since(start); d > 8*time.Second {
		t.Fatalf("this input took %v", d)
	}
}
