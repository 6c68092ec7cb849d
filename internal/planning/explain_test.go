package planning_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"whatmatters/internal/planning"
	"whatmatters/internal/planning/planningtest"
)

// near is a relative 1e-9, as the fixtures allow.
func near(got, want float64) bool {
	return math.Abs(got-want) <= planningtest.Tolerance*math.Max(1, math.Abs(want))
}

// fixtureResult is one scenario's answer in riverside.expected.json.
func fixtureResult(t *testing.T, scenario string) map[string]any {
	t.Helper()
	for _, r := range readJSON(t, "riverside.expected.json").(map[string]any)["results"].([]any) {
		if r := r.(map[string]any); r["scenario"] == scenario {
			return r
		}
	}
	t.Fatalf("no scenario %s in the fixture", scenario)
	return nil
}

func num(v any, keys ...string) float64 {
	for _, k := range keys {
		v = v.(map[string]any)[k]
	}
	f, _ := v.(float64)
	return f
}

// Riverside's scenario A, explained: every figure is the fixture's, the
// baseline's beside the scenario's; the people who moved are the cells
// that differ between the fixture's allocations; the resources' changes
// in cost add up to the change in weekly cost; and the payers whose cost
// changed are those the fixture says.
func TestExplanationOfRiversideAMatchesTheFixture(t *testing.T) {
	m := load(t, "riverside.json")
	e, err := m.Explain("A")
	if err != nil {
		t.Fatal(err)
	}
	b, a := fixtureResult(t, "baseline"), fixtureResult(t, "A")
	for _, f := range []struct {
		name string
		got  planning.Change
		key  string
	}{
		{"cost per week", e.CostPerWeek, "cost_per_week"}, {"cost per year", e.CostPerYear, "cost_per_year"},
		{"people", e.People, "people"}, {"at home", e.AtHome, "at_home"}, {"public cost", e.PublicCostPerWeek, "public_cost_per_week"},
	} {
		if !near(f.got.Baseline, num(b, f.key)) || !near(f.got.Scenario, num(a, f.key)) || !near(f.got.Change, num(a, f.key)-num(b, f.key)) {
			t.Errorf("%s: %+v, want %v → %v", f.name, f.got, num(b, f.key), num(a, f.key))
		}
	}
	if e.Scenario != "A" || e.Currency != "GBP" || e.WeeksPerYear != 52 || !near(e.CostChangePct, num(a, "cost_change_pct")) {
		t.Errorf("explanation: %+v", e)
	}

	moved := map[string]planning.Change{}
	for _, mv := range e.Moves {
		moved[mv.Category+"/"+mv.Package] = mv.People
	}
	for c, row := range a["allocation"].(map[string]any) {
		for p, now := range row.(map[string]any) {
			was := num(b, "allocation", c, p)
			got, ok := moved[c+"/"+p]
			if ok != (was != now.(float64)) || (ok && (!near(got.Baseline, was) || !near(got.Scenario, now.(float64)))) {
				t.Errorf("%s in %s: %v → %v, explained as %+v (listed %v)", c, p, was, now, got, ok)
			}
		}
	}
	if len(e.Moves) != 6 || e.Moves[2] != (planning.PeopleMove{Category: "C3", Package: "RH", PackageName: "Residential home",
		Setting: "institution", People: planning.Change{Baseline: 90, Scenario: 45, Change: -45}}) {
		t.Errorf("moves: %+v", e.Moves)
	}

	total := 0.0
	listed := map[string]bool{}
	for i, rc := range e.Resources {
		listed[rc.Resource] = true
		total += rc.Cost.Change
		if !near(rc.Volume.Baseline, num(b, "resources", rc.Resource, "volume")) || !near(rc.Volume.Scenario, num(a, "resources", rc.Resource, "volume")) ||
			!near(rc.Cost.Baseline, num(b, "resources", rc.Resource, "cost")) || !near(rc.Cost.Scenario, num(a, "resources", rc.Resource, "cost")) {
			t.Errorf("%s: %+v", rc.Resource, rc)
		}
		if rc.PriceChanged() || rc.FromPrice != 0 || rc.FromVolume != rc.Cost.Change {
			t.Errorf("%s: no price changed, yet %+v", rc.Resource, rc)
		}
		if i > 0 && math.Abs(rc.Cost.Change) > math.Abs(e.Resources[i-1].Cost.Change) {
			t.Errorf("not largest change first: %s after %s", rc.Resource, e.Resources[i-1].Resource)
		}
		if key := map[bool]string{true: "places", false: "wte"}[rc.Places != nil]; rc.Places != nil || rc.WTE != nil {
			got := rc.Places
			if got == nil {
				got = rc.WTE
			}
			if !near(got.Baseline, num(b, "resources", rc.Resource, key)) || !near(got.Scenario, num(a, "resources", rc.Resource, key)) {
				t.Errorf("%s %s: %+v", rc.Resource, key, got)
			}
		}
	}
	for id := range a["resources"].(map[string]any) {
		same := num(a, "resources", id, "cost") == num(b, "resources", id, "cost") && num(a, "resources", id, "volume") == num(b, "resources", id, "volume")
		if listed[id] == same {
			t.Errorf("resource %s: listed %v, unchanged %v", id, listed[id], same)
		}
	}
	if want := num(a, "cost_per_week") - num(b, "cost_per_week"); !near(e.TotalPerWeek, want) || !near(total, want) || !near(e.TotalPerYear, 52*want) {
		t.Errorf("total %v a week, %v a year; resources add up to %v; want %v", e.TotalPerWeek, e.TotalPerYear, total, want)
	}

	var payers []string
	for _, p := range e.Payers {
		payers = append(payers, p.Payer)
		if !near(p.Cost.Baseline, num(b, "cost_by_payer", p.Payer)) || !near(p.Cost.Scenario, num(a, "cost_by_payer", p.Payer)) {
			t.Errorf("payer %s: %+v", p.Payer, p.Cost)
		}
	}
	if strings.Join(payers, ",") != "LA,NHS" || len(e.UnitCosts)+len(e.Contents) != 0 {
		t.Errorf("payers %v, changed terms %+v %+v", payers, e.UnitCosts, e.Contents)
	}
	if _, err := json.Marshal(e); err != nil {
		t.Errorf("an explanation must be writable as JSON: %v", err)
	}
}

// A scenario that changes a price and a package's contents lists them,
// and splits the resource's change in cost into volume and price. Worked
// by hand: home care hours go from 11,340 to 11,445 (15 more in HS at 7
// each) and from £25 to £27.50: 105 × £25 = £2,625 from the volume and
// 11,445 × £2.50 = £28,612.50 from the price.
func TestExplanationSplitsVolumeAndPrice(t *testing.T) {
	src := strings.Replace(riverside(t), `{"scale": 1.2}`, `{"unit_cost": {"resource": "home_care_hour", "factor": 1.1}}, `+
		`{"contents": {"package": "HS", "resource": "dn_visit", "value": 2}}, {"move": {"category": "C2", "from": "NH", "to": "HS", "fraction": 0.25}}`, 1)
	m, err := planning.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e, err := m.Explain("B")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.UnitCosts) != 1 || e.UnitCosts[0].Resource != "home_care_hour" || !near(e.UnitCosts[0].UnitCost.Scenario, 27.5) ||
		len(e.Contents) != 1 || e.Contents[0] != (planning.ContentsChange{Package: "HS", PackageName: "Home, standard", Resource: "dn_visit",
		ResourceName: "District nurse visit", Units: planning.Change{Baseline: 1, Scenario: 2, Change: 1}}) {
		t.Errorf("changed terms: %+v %+v", e.UnitCosts, e.Contents)
	}
	for _, rc := range e.Resources {
		if rc.Resource != "home_care_hour" {
			continue
		}
		if !rc.PriceChanged() || !near(rc.Volume.Change, 105) || !near(rc.FromVolume, 2625) || !near(rc.FromPrice, 28612.5) ||
			!near(rc.FromVolume+rc.FromPrice, rc.Cost.Change) {
			t.Errorf("home care hours: %+v", rc)
		}
		return
	}
	t.Error("home care hours not listed")
}
