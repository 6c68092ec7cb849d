package main

import (
	"whatmatters/internal/planning/planningtest"

	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../internal/planning/testdata"

func plan(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"plan"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func readJSONFile(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// The command's output, as printed, against the fixtures' answers.
func TestPlanReproducesTheFixtures(t *testing.T) {
	for _, tc := range []struct{ model, expected string }{
		{"riverside.json", "riverside.expected.json"},
		{"riverside-lp.json", "riverside-lp.expected.json"},
	} {
		want := readJSONFile(t, filepath.Join(fixtures, tc.expected))
		args := []string{"run", filepath.Join(fixtures, tc.model), "--format", "json"}
		if cmd, ok := want["command"].(string); ok { // how the answer was asked for
			args = append([]string{"optimise", filepath.Join(fixtures, tc.model)}, strings.Fields(cmd)[4:]...)
			delete(want, "command")
		}
		code, out, errs := plan(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var got any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		for _, p := range planningtest.Match("", got, want) {
			t.Errorf("%s: %s", tc.expected, p)
		}
	}
}

func TestPlanRunReportsEveryMistakeAndExits2(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "riverside.json"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), `"unit_cost": 140`, `"unit_cost": -140`, 1)
	bad = strings.Replace(bad, `"current": {"NH": 30, "RH": 90`, `"current": {"XX": 30, "RH": 90`, 1)
	bad = strings.Replace(bad, `"weeks_per_year": 52`, `"weeks_per_year": 52, "wekes": 1`, 1)
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := plan(t, "run", path, "--format", "json")
	for _, want := range []string{"weeks_per_year", "wekes", "resources[0].unit_cost:", "categories[2].current.XX: package XX is not an option of category C3"} {
		if !strings.Contains(errs, want) {
			t.Errorf("missing %q in:\n%s", want, errs)
		}
	}
	if code != 2 || out != "" || len(strings.Split(strings.TrimSpace(errs), "\n")) != 3 {
		t.Errorf("exit %d, stdout %q, want exactly three problems:\n%s", code, out, errs)
	}
}

func TestPlanThreeMistakesAllReported(t *testing.T) {
	model := `{"format": "planning-model/v1", "name": "Three mistakes",
	  "resources": [{"id": "h", "name": "Hour", "unit": "hour", "unit_cost": -1, "payer": "LA", "kind": "staff_hours"}],
	  "packages": [{"id": "P", "name": "P", "setting": "home", "contents": {"h": 1, "nope": 2}}],
	  "categories": [{"id": "C", "name": "C", "options": ["P"], "current": {"Q": 3}}]}`
	path := filepath.Join(t.TempDir(), "m.json")
	_ = os.WriteFile(path, []byte(model), 0o600)
	code, out, errs := plan(t, "run", path)
	want := []string{"resources[0].unit_cost: ", "packages[0].contents.nope: ", "categories[0].current.Q: package Q is not an option of category C"}
	for _, w := range want {
		if !strings.Contains(errs, w) {
			t.Errorf("missing %q", w)
		}
	}
	if code != 2 || out != "" || len(strings.Split(strings.TrimSpace(errs), "\n")) != 3 {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
}

func TestPlanOptimise(t *testing.T) {
	code, out, errs := plan(t, "optimise", filepath.Join(fixtures, "riverside-lp.json"), "--objective", "min_cost")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Status       string             `json:"status"`
		Public       float64            `json:"public_cost_per_week"`
		ShadowPrices map[string]float64 `json:"shadow_prices"`
	}
	_ = json.Unmarshal([]byte(out), &got)
	if got.Status != "optimal" || math.Abs(got.Public-399285.714285714) > 1e-6 || math.Abs(got.ShadowPrices["home_care_hour"]-(980.0-786)/21) > 1e-9 {
		t.Errorf("optimum: %+v", got)
	}
	// A budget below the cheapest allocation is an answer, not an error.
	code, out, _ = plan(t, "optimise", filepath.Join(fixtures, "riverside-lp.json"), "--budget", "1000")
	if code != 0 || !strings.Contains(out, `"infeasible"`) || !strings.Contains(out, "budget") {
		t.Errorf("infeasible budget: exit %d\n%s", code, out)
	}
}

const projectModel = `
format: planning-model/v1
name: Projection test
resources:
  - {id: h, name: Home care hour, unit: hour, unit_cost: 20, payer: LA, kind: staff_hours, hours_per_wte: 30}
packages:
  - {id: P, name: Home, setting: home, contents: {h: 10}}
categories:
  - {id: C, name: Everyone, options: [P], current: {P: 100}, prevalence: {"85+": 0.01}}
population:
  base_year: 2026
  bands: {"85+": 10000}
  projections: {"2030": {"85+": 14000}}
`

// A YAML model; 2028 lies halfway between the years given, so its
// population is 12,000 and its people 120.
func TestPlanProjectYAML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.yaml")
	_ = os.WriteFile(path, []byte(projectModel), 0o600)
	code, out, errs := plan(t, "project", path, "--years", "2026..2030", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Years []struct {
			Year         int
			Interpolated bool
			People       float64 `json:"people"`
			CostPerWeek  float64 `json:"cost_per_week"`
		}
	}
	_ = json.Unmarshal([]byte(out), &got)
	if len(got.Years) != 5 || got.Years[2].People != 120 || !got.Years[2].Interpolated || got.Years[4].CostPerWeek != 140*10*20 {
		t.Errorf("projection: %+v", got.Years)
	}
	if code, _, errs := plan(t, "project", path, "--years", "2026..2035"); code != 2 || !strings.Contains(errs, "--years") || !strings.Contains(errs, "2031 is outside") {
		t.Errorf("beyond the model: exit %d %s", code, errs)
	}
}

func TestPlanSensitivity(t *testing.T) {
	code, out, errs := plan(t, "sensitivity", filepath.Join(fixtures, "riverside.json"), "--scenario", "A", "--vary", "unit_cost=±20%", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Swings []struct {
			Parameter string
			Swing     float64
		}
	}
	_ = json.Unmarshal([]byte(out), &got)
	// Scenario A uses 13,125 home care hours a week; ±20% of £25 swings
	// its cost by 13,125 × £10 = £131,250, the largest of the six.
	if len(got.Swings) != 6 || got.Swings[0].Parameter != "unit_cost home_care_hour" || math.Abs(got.Swings[0].Swing-131250) > 1e-6 {
		t.Errorf("swings: %+v", got.Swings)
	}
}

// The table is for a report: aligned columns, pounds with thousands
// separators and pennies, the change against the baseline.
func TestPlanRunTable(t *testing.T) {
	code, out, errs := plan(t, "run", filepath.Join(fixtures, "riverside.json"), "--format", "table")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"£753,960.00", "£39,205,920.00", "+£1,360.00", "-£21,300.00", "+0.2%", "-2.8%", "bed-day", "staff (WTE)", "403.2"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// The headline table's lines are all the same width: aligned.
	lines := strings.Split(out, "\n")[2:7]
	for _, l := range lines[1:] {
		if len([]rune(l)) != len([]rune(lines[0])) {
			t.Errorf("not aligned:\n%s", strings.Join(lines, "\n"))
			break
		}
	}
}

func TestPlanRunCSV(t *testing.T) {
	code, out, errs := plan(t, "run", filepath.Join(fixtures, "riverside.json"), "--format", "csv", "--scenario", "C")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][4] != "cost_per_week" || rows[1][4] != "753960" || rows[2][0] != "C" || rows[2][4] != "732660" {
		t.Errorf("csv:\n%s", out)
	}
}

// --explain adds up: who moved, each resource's change in pounds, the
// total, and who pays it. The figures are Riverside's scenario A worked
// by hand: 20 + 45 + 20 people from RH to HI; 85 × 7 = 595 fewer bed-days
// at £110, 85 × 21 = 1,785 more home care hours at £25.
func TestPlanRunExplain(t *testing.T) {
	code, out, errs := plan(t, "run", filepath.Join(fixtures, "riverside.json"), "--scenario", "A", "--explain")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"C3 in RH", "90 → 45 (-45)", "-595 bed-day a week at £110.00: -£65,450.00",
		"+1,785 hour a week at £25.00: +£44,625.00", "Total: +£1,360.00 a week, +£70,720.00 a year", "NHS: £72,900.00 → £84,375.00 (+£11,475.00)"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if code, _, _ := plan(t, "run", filepath.Join(fixtures, "riverside.json"), "--explain"); code != 2 {
		t.Errorf("--explain without a scenario: exit %d, want 2", code)
	}
}

func TestPlanOptimiseTable(t *testing.T) {
	code, out, errs := plan(t, "optimise", filepath.Join(fixtures, "riverside-lp.json"), "--format", "table")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"£399,285.71", "home_care_hour: 9.238095", "3,000", "+142.9"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	code, out, errs = plan(t, "optimise", filepath.Join(fixtures, "riverside-lp.json"), "--budget", "1000", "--format", "table")
	if code != 0 || !strings.HasPrefix(out, "No allocation meets every constraint. These cannot all hold together:\n") ||
		!strings.Contains(out, "\n  - budget\n") {
		t.Errorf("infeasible: exit %d %s\n%s", code, errs, out)
	}
}

func TestPlanUsageAndMissingFile(t *testing.T) {
	if code, _, _ := plan(t, "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
	if code, _, _ := plan(t, "run", filepath.Join(fixtures, "riverside.json"), "--format", "xml"); code != 2 {
		t.Errorf("unknown format: exit %d", code)
	}
	if code, _, errs := plan(t, "run", filepath.Join(t.TempDir(), "none.json")); code != 1 || errs == "" {
		t.Errorf("missing file: exit %d %q", code, errs)
	}
}

// A scenario that changes prices and contents says so, and splits a
// resource's change in cost into volume and price. Worked by hand: home
// care hours go from 11,340 to 11,445 (15 more in HS at 7 each) and from
// £25 to £27.50: 105 × £25 = £2,625 from the volume and 11,445 × £2.50 =
// £28,612.50 from the price.
func TestPlanExplainPricesAndContents(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "riverside.json"))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), `{"scale": 1.2}`, `{"unit_cost": {"resource": "home_care_hour", "factor": 1.1}}, `+
		`{"contents": {"package": "HS", "resource": "dn_visit", "value": 2}}, {"move": {"category": "C2", "from": "NH", "to": "HS", "fraction": 0.25}}`, 1)
	path := filepath.Join(t.TempDir(), "m.json")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := plan(t, "run", path, "--scenario", "B", "--explain")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Home care hour: £25.00 → £27.50 per hour", "HS (Home, standard): District nurse visit 1 → 2 per person a week",
		"+£2,625.00 from the volume, +£28,612.50 from the price"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

// The engine names the option a problem is about; the command words it
// as its flag.
func TestPlanProblemsNameTheFlags(t *testing.T) {
	lp := filepath.Join(fixtures, "riverside-lp.json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", filepath.Join(fixtures, "riverside.json"), "--scenario", "Z"}, `--scenario: there is no scenario "Z" in the model`},
		{[]string{"run", filepath.Join(fixtures, "riverside.json"), "--scenario", "Z", "--explain"}, `--scenario: there is no scenario "Z" in the model`},
		{[]string{"optimise", lp, "--objective", "most_fun"}, "--objective: must be min_cost or max_at_home"},
		{[]string{"optimise", lp, "--perspective", "mine"}, "--perspective: must be public or comprehensive"},
		{[]string{"optimise", lp, "--max-shift", "2"}, "--max-shift: must be between 0 and 1"},
		{[]string{"sensitivity", filepath.Join(fixtures, "riverside.json"), "--scenario", "A", "--vary", "colour=5%"}, `whatmatters: --vary "colour=5%": write unit_cost=±20% or contents=±10%`},
	} {
		code, out, errs := plan(t, tc.args...)
		if code != 2 || out != "" || errs != tc.want+"\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", tc.args, code, out, errs, tc.want)
		}
	}
}
