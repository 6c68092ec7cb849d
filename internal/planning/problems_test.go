package planning_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"whatmatters/internal/optimize"
	"whatmatters/internal/planning"
)

// problems is the Problems an error must be.
func problems(t *testing.T, err error) planning.Problems {
	t.Helper()
	var ps planning.Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("want Problems, got %v", err)
	}
	return ps
}

// A problem with what was asked names the option and, where the model
// comes into it, the path in the model; it never words a command line's
// flags, which are the command's business. Its code and args say the same
// as its message.
func TestProblemsNameOptionsAndModelPathsNotFlags(t *testing.T) {
	m := load(t, "riverside.json")
	lp := load(t, "riverside-lp.json")
	proj, err := planning.Parse([]byte(projectionModel))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := func(err error) planning.Problem { t.Helper(); return problems(t, err)[0] }
	_, runErr := m.Run([]string{"Z"})
	_, explainErr := m.Explain("Z")
	_, sensErr := m.Sensitivity("Z", []planning.Vary{{What: planning.VaryUnitCost, Share: 0.2}})
	_, optErr := lp.Optimise(ctx, optimize.Clp{}, planning.OptimiseOptions{Scenario: "Z"})
	_, objErr := lp.Optimise(ctx, optimize.Clp{}, planning.OptimiseOptions{Objective: "most_fun"})
	_, perspErr := lp.Optimise(ctx, optimize.Clp{}, planning.OptimiseOptions{Perspective: "mine"})
	shift := 1.5
	_, shiftErr := lp.Optimise(ctx, optimize.Clp{}, planning.OptimiseOptions{MaxShift: &shift})
	_, yearsErr := proj.Project(2026, 2035)
	_, varyErr := m.Sensitivity("A", []planning.Vary{{What: "colour", Share: 0.2}})
	_, shareErr := m.Sensitivity("A", []planning.Vary{{What: planning.VaryContents, Share: 2}})
	for _, tc := range []struct {
		name               string
		got                planning.Problem
		path, option, code string
		args               []any
	}{
		{"run", first(runErr), "scenarios", planning.OptionScenario, "planning.no_scenario", []any{"Z"}},
		{"explain", first(explainErr), "scenarios", planning.OptionScenario, "planning.no_scenario", []any{"Z"}},
		{"sensitivity", first(sensErr), "scenarios", planning.OptionScenario, "planning.no_scenario", []any{"Z"}},
		{"optimise", first(optErr), "scenarios", planning.OptionScenario, "planning.no_scenario", []any{"Z"}},
		{"objective", first(objErr), "", planning.OptionObjective, "planning.objective", nil},
		{"perspective", first(perspErr), "", planning.OptionPerspective, "planning.perspective", nil},
		{"max shift", first(shiftErr), "", planning.OptionMaxShift, "planning.max_shift", nil},
		{"years", first(yearsErr), "population.projections", planning.OptionYears, "planning.year_outside", []any{2026, 2030, 2031}},
		{"vary", first(varyErr), "", planning.OptionVary, "planning.vary_what", []any{"colour"}},
		{"vary share", first(shareErr), "", planning.OptionVary, "planning.vary_share", []any{2.0}},
	} {
		p := tc.got
		if p.Path != tc.path || p.Option != tc.option || p.Code != tc.code || fmt.Sprint(p.Args) != fmt.Sprint(tc.args) {
			t.Errorf("%s: got %+v, want path %q option %q code %q args %v", tc.name, p, tc.path, tc.option, tc.code, tc.args)
		}
		if p.Message == "" || strings.Contains(p.Message, "--") || strings.Contains(p.Path, "--") {
			t.Errorf("%s: %+v", tc.name, p)
		}
	}
	if got := first(runErr).Message; got != `there is no scenario "Z" in the model` {
		t.Errorf("message %q", got)
	}
}

// A step that cannot run is a problem at the step, with its code and args.
func TestStepProblemHasPathCodeAndArgs(t *testing.T) {
	proj, err := planning.Parse([]byte(projectionModel + `
scenarios:
  - {id: Bad, name: Bad, steps: [{move: {category: C, from: P, to: Q, count: 1000}}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = proj.Run(nil)
	p := problems(t, err)[0]
	if p.Path != "scenarios[0].steps[0].move.count" || p.Code != "planning.move_too_many" || p.Option != "" ||
		fmt.Sprintf("moves %v people but category %s has %v in %s at this step", p.Args...) != p.Message {
		t.Errorf("%+v", p)
	}
}

const projectionModel = `
format: planning-model/v1
name: Projection test
resources:
  - {id: h, name: Home care hour, unit: hour, unit_cost: 20, payer: LA, kind: staff_hours, hours_per_wte: 30}
  - {id: b, name: Bed-day, unit: bed-day, unit_cost: 100, payer: NHS, kind: bed, occupancy: 0.9}
packages:
  - {id: P, name: Home, setting: home, contents: {h: 10}}
  - {id: Q, name: Hospital, setting: hospital, contents: {b: 7}}
categories:
  - {id: C, name: Everyone, options: [P, Q], current: {P: 100, Q: 5}, prevalence: {"85+": 0.01}}
population:
  base_year: 2026
  bands: {"85+": 10000}
  projections: {"2030": {"85+": 14000}}
`
