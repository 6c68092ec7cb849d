package planning_test

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"whatmatters/internal/optimize"
	"whatmatters/internal/planning"
)

// The optimum as data: its figures beside the baseline's, the objective's
// value, the shadow prices, and the constraints that bind. Riverside-LP's
// cheapest allocation fills the home care hours' capacity of 3,000 and
// nothing else limits it (the fixture's shadow price is (980 − 786) / 21).
func TestOptimumIsTyped(t *testing.T) {
	m := load(t, "riverside-lp.json")
	opt, err := m.Optimise(context.Background(), optimize.Clp{}, planning.OptimiseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if opt.Status != optimize.Optimal || opt.Infeasible != nil || opt.Objective != planning.MinCost || opt.Perspective != planning.Public ||
		opt.Result == nil || opt.Result.Scenario != "optimum" || opt.Baseline == nil || opt.Baseline.Scenario != "baseline" {
		t.Fatalf("optimum: %+v", opt)
	}
	if !near(opt.Value, opt.Result.PublicCostPerWeek) || !near(opt.Value, 399285.714285714) {
		t.Errorf("value %v, public cost %v", opt.Value, opt.Result.PublicCostPerWeek)
	}
	if !near(opt.Result.CostChange(opt.Baseline), opt.Result.CostPerWeek-427000) || opt.Baseline.CostPerWeek != 427000 {
		t.Errorf("baseline %v, optimum %v", opt.Baseline.CostPerWeek, opt.Result.CostPerWeek)
	}
	if math.Abs(opt.ShadowPrices["home_care_hour"]-(980.0-786)/21) > 1e-9 {
		t.Errorf("shadow prices %v", opt.ShadowPrices)
	}
	want := []planning.Constraint{{Kind: planning.CapacityLimit, Name: "capacity of home_care_hour", Resource: "home_care_hour", Limit: 3000}}
	if !reflect.DeepEqual(opt.Binding, want) {
		t.Errorf("binding %+v, want %+v", opt.Binding, want)
	}
}

// No allocation within the budget: the answer says so, with the
// constraints that conflict as data and, in its JSON, by name as the
// spec has it.
func TestInfeasibleOptimumIsTyped(t *testing.T) {
	m := load(t, "riverside-lp.json")
	budget, shift := 420000.0, 0.01
	opt, err := m.Optimise(context.Background(), optimize.Clp{}, planning.OptimiseOptions{Budget: &budget, MaxShift: &shift})
	if err != nil {
		t.Fatal(err)
	}
	if opt.Status != optimize.Infeasible || opt.Infeasible == nil || opt.Result != nil || !opt.Infeasible.ConflictsMinimal {
		t.Fatalf("answer: %+v", opt)
	}
	want := []planning.Constraint{
		{Kind: planning.BudgetLimit, Name: "budget", Limit: 420000},
		{Kind: planning.MaxShiftLimit, Name: "at most 0.01 of C2 in NH may move", Category: "C2", Package: "NH", Share: 0.01, Limit: 0.99 * 200},
		{Kind: planning.MaxShiftLimit, Name: "at most 0.01 of C3 in RH may move", Category: "C3", Package: "RH", Share: 0.01, Limit: 0.99 * 300},
	}
	if !reflect.DeepEqual(opt.Infeasible.Conflicts, want) {
		t.Errorf("conflicts %+v\nwant %+v", opt.Infeasible.Conflicts, want)
	}
	b, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"scenario":"optimum","status":"infeasible","objective":"min_cost","conflicts":["budget",` +
		`"at most 0.01 of C2 in NH may move","at most 0.01 of C3 in RH may move"],"conflicts_minimal":true,"solver":"`
	if got := string(b); len(got) < len(wantJSON) || got[:len(wantJSON)] != wantJSON {
		t.Errorf("JSON %s", got)
	}
}
