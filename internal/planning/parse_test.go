package planning_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"whatmatters/internal/planning"
)

func problemsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var ps planning.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	out := map[string]string{}
	for _, p := range ps {
		out[p.Path] = p.Message
	}
	return out
}

func riverside(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join("testdata", "riverside.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseReportsShapeAndMeaningTogether(t *testing.T) {
	src := riverside(t)
	src = strings.Replace(src, `"unit": "bed-day", "unit_cost": 140`, `"unit": "bed-day", "unit_cost": "140", "colour": "red"`, 1)
	src = strings.Replace(src, `{"scale": 1.2}`, `{"scale": 1.2, "move": {"category": "C1", "from": "NH", "to": "HI", "fraction": 2}}`, 1)
	src = strings.Replace(src, `"options": ["RH", "HI", "HS"]`, `"options": ["RH", "HI", "HS", "ZZ"]`, 1)
	_, err := planning.Parse([]byte(src))
	got := problemsOf(t, err)
	for _, path := range []string{"resources[0].unit_cost", "resources[0].colour", "scenarios[1].steps[0]", "scenarios[1].steps[0].move.fraction", "categories[3].options[3]"} {
		if got[path] == "" {
			t.Errorf("no problem at %s; got %v", path, got)
		}
	}
	if !strings.Contains(got["resources[0].colour"], `unknown field "colour"`) {
		t.Errorf("unknown field message: %q", got["resources[0].colour"])
	}
}

func TestYAMLReadsLikeJSON(t *testing.T) {
	yamlSrc := `
format: planning-model/v1
name: Tiny
resources: [{id: h, name: Hour, unit: hour, unit_cost: 25, payer: LA, kind: staff_hours}]
packages: [{id: P, name: Home, setting: home, contents: {h: 7}}]
categories: [{id: C, name: All, options: [P], current: {P: 10}}]
`
	jsonSrc := `{"format": "planning-model/v1", "name": "Tiny",
  "resources": [{"id": "h", "name": "Hour", "unit": "hour", "unit_cost": 25, "payer": "LA", "kind": "staff_hours"}],
  "packages": [{"id": "P", "name": "Home", "setting": "home", "contents": {"h": 7}}],
  "categories": [{"id": "C", "name": "All", "options": ["P"], "current": {"P": 10}}]}`
	var costs []float64
	for _, src := range []string{yamlSrc, jsonSrc} {
		m, err := planning.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		res, _ := m.Run(nil)
		costs = append(costs, res[0].CostPerWeek)
	}
	if costs[0] != 10*7*25 || costs[1] != costs[0] {
		t.Errorf("costs %v, want 1750 both", costs)
	}
}

func TestStepThatCannotBeCarriedOut(t *testing.T) {
	src := strings.Replace(riverside(t), `"count": 40`, `"count": 41`, 1)
	m, err := planning.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Run([]string{"C"})
	got := problemsOf(t, err)
	if !strings.Contains(got["scenarios[2].steps[0].move.count"], "moves 41 people but category C4 has 40") {
		t.Errorf("got %v", got)
	}
}

func TestEveryCategoryMove(t *testing.T) {
	src := strings.Replace(riverside(t), `{"scale": 1.2}`, `{"move": {"category": "*", "from": "RH", "to": "HI", "fraction": 0.5}}`, 1)
	m, err := planning.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run([]string{"B"})
	if err != nil {
		t.Fatal(err)
	}
	// Every category has RH and HI: 30+40+90+40 = 200 in RH, half move.
	rh := 0.0
	for _, c := range []string{"C1", "C2", "C3", "C4"} {
		rh += res[1].Allocation.Get(c, "RH")
	}
	if rh != 100 || res[1].AtHome != 1060+100 {
		t.Errorf("after the move: %v in RH, %v at home", rh, res[1].AtHome)
	}
}

// encoding/json would take "Name" for "name", null for "absent" and a
// missing unit cost for £0; each of these must be a problem instead.
func TestParseInsistsOnExactNamesNoNullsAndRequiredFields(t *testing.T) {
	src := riverside(t)
	src = strings.Replace(src, `"weeks_per_year": 52`, `"weeks_per_year": 52, "Name": "Other"`, 1)
	src = strings.Replace(src, `"unit_cost": 110,`, `"UNIT_COST": 110,`, 1)
	src = strings.Replace(src, `"unit_cost": 45,`, `"unit_cost": null,`, 1)
	_, err := planning.Parse([]byte(src))
	got := problemsOf(t, err)
	for path, want := range map[string]string{
		"Name":                   `unknown field "Name"`,
		"resources[1].UNIT_COST": `unknown field "UNIT_COST"`,
		"resources[1].unit_cost": "missing",
		"resources[3].unit_cost": "not null",
	} {
		if !strings.Contains(got[path], want) {
			t.Errorf("%s: got %q, want it to say %q (all: %v)", path, got[path], want, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("want exactly four problems, got %v", got)
	}
}

// Escaped text in values is fine, and reads the same.
func TestParseEscapedNames(t *testing.T) {
	src := strings.Replace(riverside(t), `"name": "Riverside (synthetic worked example)"`, `"name": "Riverside \"worked\" example \u00e9"`, 1)
	m, err := planning.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != `Riverside "worked" example é` {
		t.Errorf("name %q", m.Name)
	}
}

// Steps that cannot be carried out are found in every scenario at once.
func TestEveryScenarioProblemAtOnce(t *testing.T) {
	src := strings.Replace(riverside(t), `"count": 40`, `"count": 41`, 1)
	src = strings.Replace(src, `"count": 10`, `"count": 71`, 1)
	src = strings.Replace(src, `{"scale": 1.2}`, `{"move": {"category": "C1", "from": "HI", "to": "NH", "count": 20.5}}`, 1)
	m, err := planning.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Run(nil)
	got := problemsOf(t, err)
	for _, path := range []string{"scenarios[1].steps[0].move.count", "scenarios[2].steps[0].move.count"} {
		if got[path] == "" {
			t.Errorf("no problem at %s: %v", path, got)
		}
	}
	// Scenario C stops at its first impossible step: the second depends on it.
	if len(got) != 2 {
		t.Errorf("want two problems, got %v", got)
	}
}

// Scenarios and sensitivity work on copies: the model, and so every later
// run, is as it was.
func TestScenariosLeaveTheModelAlone(t *testing.T) {
	src := strings.Replace(riverside(t), `{"scale": 1.2}`, `{"contents": {"package": "HI", "resource": "home_care_hour", "value": 99}}, {"unit_cost": {"resource": "dn_visit", "value": 1}}`, 1)
	m, err := planning.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	before, err := m.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Sensitivity("A", []planning.Vary{{What: "contents", Share: 0.5}, {What: "unit_cost", Share: 0.5}}); err != nil {
		t.Fatal(err)
	}
	after, err := m.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if before[i].CostPerWeek != after[i].CostPerWeek {
			t.Errorf("%s: %v before, %v after", before[i].Scenario, before[i].CostPerWeek, after[i].CostPerWeek)
		}
	}
	if before[0].CostPerWeek != 753960 || before[1].CostPerWeek != 755320 {
		t.Errorf("a scenario changed the baseline or scenario A: %v, %v", before[0].CostPerWeek, before[1].CostPerWeek)
	}
}

// A count with "*" moves that many people from each category that has
// both packages; a category with fewer is a problem at the step's path.
func TestEveryCategoryMoveByCount(t *testing.T) {
	src := strings.Replace(riverside(t), `{"scale": 1.2}`, `{"move": {"category": "*", "from": "RH", "to": "HI", "count": 10}}`, 1)
	m, err := planning.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run([]string{"B"})
	if err != nil {
		t.Fatal(err)
	}
	if res[1].AtHome != 1060+40 || res[1].Allocation.Get("C1", "RH") != 20 || res[1].Allocation.Get("C4", "HI") != 70 {
		t.Errorf("at home %v, C1 RH %v, C4 HI %v", res[1].AtHome, res[1].Allocation.Get("C1", "RH"), res[1].Allocation.Get("C4", "HI"))
	}
	src = strings.Replace(src, `"count": 10}`, `"count": 35}`, 1) // C1 has 30 in RH
	m, _ = planning.Parse([]byte(src))
	if _, err := m.Run([]string{"B"}); !strings.Contains(problemsOf(t, err)["scenarios[1].steps[0].move.count"], "category C1 has 30") {
		t.Errorf("got %v", err)
	}
}

// A parsed model is only read, so it can be run from many goroutines at
// once (go test -race checks this).
func TestConcurrentRuns(t *testing.T) {
	m, err := planning.Parse([]byte(riverside(t)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan float64)
	for i := 0; i < 8; i++ {
		go func() {
			res, err := m.Run(nil)
			if err != nil {
				done <- -1
				return
			}
			if _, err := json.Marshal(res); err != nil {
				done <- -1
				return
			}
			done <- res[2].CostPerWeek
		}()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; got != 904752 {
			t.Errorf("scenario B cost %v", got)
		}
	}
}

// A projection without a band the population has would count its people
// as none, and shrink every category: a problem, not a plan.
func TestProjectionNeedsEveryBand(t *testing.T) {
	src := strings.Replace(riverside(t), `"scenarios": [`, `"population": {"base_year": 2026, "bands": {"65-74": 30000, "75-84": 18000, "85+": 6000},
	  "projections": {"2031": {"65-74": 33000, "75-84": 23000}}}, "scenarios": [`, 1)
	_, err := planning.Parse([]byte(src))
	if got := problemsOf(t, err)["population.projections.2031"]; !strings.Contains(got, `"85+"`) {
		t.Errorf("got %v", err)
	}
}
