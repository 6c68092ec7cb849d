package planning_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"testing"

	"whatmatters/internal/planning"
)

// An independent check of "results agree with exact arithmetic to a
// relative 1e-9": every figure is worked out again here from the model's
// JSON, reading each number as the exact decimal it is written as and
// computing in rationals (math/big), with the spec's definitions written
// out plainly (maps, no shared code with the engine).

// exactModel is the model's JSON read with exact numbers.
type exactModel struct {
	WeeksPerYear json.Number `json:"weeks_per_year"`
	Resources    []struct {
		ID, Payer, Kind                                string
		UnitCost                                       json.Number  `json:"unit_cost"`
		Occupancy, HoursPerWTE, VisitsPerWTE, Capacity *json.Number `json:",omitempty"`
	} `json:"resources"`
	Packages []struct {
		ID, Setting string
		Contents    map[string]json.Number
	} `json:"packages"`
	Categories []struct {
		ID         string
		Options    []string
		Current    map[string]json.Number
		Prevalence map[string]json.Number
	} `json:"categories"`
	Population *struct {
		BaseYear    int                               `json:"base_year"`
		Bands       map[string]json.Number            `json:"bands"`
		Projections map[string]map[string]json.Number `json:"projections"`
	} `json:"population"`
	Scenarios []struct {
		ID    string
		Steps []map[string]json.RawMessage
	} `json:"scenarios"`
}

func rat(n json.Number) *big.Rat {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		panic("not a number: " + string(n))
	}
	return r
}

func add(a, b *big.Rat) *big.Rat { return new(big.Rat).Add(a, b) }
func mul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
func quo(a, b *big.Rat) *big.Rat { return new(big.Rat).Quo(a, b) }

// exactState is what the steps change: people, unit costs, contents.
type exactState struct {
	people   map[string]map[string]*big.Rat // category → package → people
	cost     map[string]*big.Rat
	contents map[string]map[string]*big.Rat
}

func exactBaseline(m *exactModel) *exactState {
	s := &exactState{people: map[string]map[string]*big.Rat{}, cost: map[string]*big.Rat{}, contents: map[string]map[string]*big.Rat{}}
	for _, c := range m.Categories {
		s.people[c.ID] = map[string]*big.Rat{}
		for _, p := range c.Options {
			s.people[c.ID][p] = new(big.Rat)
			if v, ok := c.Current[p]; ok {
				s.people[c.ID][p] = rat(v)
			}
		}
	}
	for _, r := range m.Resources {
		s.cost[r.ID] = rat(r.UnitCost)
	}
	for _, p := range m.Packages {
		s.contents[p.ID] = map[string]*big.Rat{}
		for r, v := range p.Contents {
			s.contents[p.ID][r] = rat(v)
		}
	}
	return s
}

// step applies one scenario step as the spec words it.
func (s *exactState) step(t *testing.T, m *exactModel, st map[string]json.RawMessage) {
	for kind, raw := range st {
		switch kind {
		case "move":
			var mv struct {
				Category, From, To string
				Fraction, Count    *json.Number
			}
			mustDecode(t, raw, &mv)
			for c, row := range s.people {
				_, hasFrom := row[mv.From]
				_, hasTo := row[mv.To]
				if (mv.Category != "*" && c != mv.Category) || !hasFrom || !hasTo {
					continue
				}
				n := new(big.Rat)
				if mv.Fraction != nil {
					n = mul(rat(*mv.Fraction), row[mv.From])
				} else {
					n = rat(*mv.Count)
				}
				row[mv.From], row[mv.To] = new(big.Rat).Sub(row[mv.From], n), add(row[mv.To], n)
			}
		case "scale":
			var k json.Number
			mustDecode(t, raw, &k)
			for _, row := range s.people {
				for p := range row {
					row[p] = mul(row[p], rat(k))
				}
			}
		case "project_to":
			var year int
			mustDecode(t, raw, &year)
			bands := m.Population.Projections[fmt.Sprint(year)]
			for _, c := range m.Categories {
				target, now := new(big.Rat), new(big.Rat)
				for b, prev := range c.Prevalence {
					target = add(target, mul(rat(prev), rat(bands[b])))
				}
				for _, v := range s.people[c.ID] {
					now = add(now, v)
				}
				for p, v := range s.people[c.ID] {
					s.people[c.ID][p] = quo(mul(v, target), now)
				}
			}
		case "unit_cost":
			var u struct {
				Resource      string
				Value, Factor *json.Number
			}
			mustDecode(t, raw, &u)
			if u.Value != nil {
				s.cost[u.Resource] = rat(*u.Value)
			} else {
				s.cost[u.Resource] = mul(s.cost[u.Resource], rat(*u.Factor))
			}
		case "contents":
			var c struct {
				Package, Resource string
				Value             json.Number
			}
			mustDecode(t, raw, &c)
			s.contents[c.Package][c.Resource] = rat(c.Value)
		default:
			t.Fatalf("unknown step %s", kind)
		}
	}
}

func mustDecode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatal(err)
	}
}

// figures is every figure of the spec for a state, exactly, keyed as in
// the JSON output ("resources.r1.wte").
func (s *exactState) figures(m *exactModel, baselineCost *big.Rat) map[string]*big.Rat {
	f := map[string]*big.Rat{}
	setting := map[string]string{}
	for _, p := range m.Packages {
		setting[p.ID] = p.Setting
	}
	volume := map[string]*big.Rat{}
	people, atHome := new(big.Rat), new(big.Rat)
	for c, row := range s.people {
		for p, n := range row {
			people = add(people, n)
			if setting[p] == "home" {
				atHome = add(atHome, n)
			}
			for r, u := range s.contents[p] {
				if volume[r] == nil {
					volume[r] = new(big.Rat)
				}
				volume[r] = add(volume[r], mul(n, u))
			}
			f["allocation."+c+"."+p] = n
		}
	}
	total, public := new(big.Rat), new(big.Rat)
	for _, r := range m.Resources {
		v := volume[r.ID]
		if v == nil {
			v = new(big.Rat)
		}
		cost := mul(v, s.cost[r.ID])
		total = add(total, cost)
		if r.Payer != "person" && r.Payer != "carer" {
			public = add(public, cost)
		}
		key := "cost_by_payer." + r.Payer
		if f[key] == nil {
			f[key] = new(big.Rat)
		}
		f[key] = add(f[key], cost)
		f["resources."+r.ID+".volume"], f["resources."+r.ID+".cost"] = v, cost
		if r.Kind == "bed" {
			occ := big.NewRat(1, 1)
			if r.Occupancy != nil {
				occ = rat(*r.Occupancy)
			}
			f["resources."+r.ID+".places"] = quo(quo(v, big.NewRat(7, 1)), occ)
		}
		if r.Kind == "staff_hours" && r.HoursPerWTE != nil {
			f["resources."+r.ID+".wte"] = quo(v, rat(*r.HoursPerWTE))
		}
		if r.Kind == "visits" && r.VisitsPerWTE != nil {
			f["resources."+r.ID+".wte"] = quo(v, rat(*r.VisitsPerWTE))
		}
		if r.Capacity != nil && rat(*r.Capacity).Sign() > 0 {
			f["resources."+r.ID+".utilisation"] = quo(v, rat(*r.Capacity))
		}
	}
	f["people"], f["at_home"], f["cost_per_week"], f["public_cost_per_week"] = people, atHome, total, public
	f["cost_per_year"] = mul(total, rat(m.WeeksPerYear))
	f["cost_change_pct"] = new(big.Rat)
	if baselineCost != nil && baselineCost.Sign() != 0 {
		f["cost_change_pct"] = quo(mul(big.NewRat(100, 1), new(big.Rat).Sub(total, baselineCost)), baselineCost)
	}
	return f
}

// flatten turns a result, as printed, into the same keys.
func flatten(prefix string, v any, out map[string]float64) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(prefix+k+".", e, out)
		}
	case float64:
		out[prefix[:len(prefix)-1]] = x
	}
}

// compareExact checks the engine's results against exact arithmetic.
func compareExact(t *testing.T, src []byte, results []*planning.Result) {
	t.Helper()
	var m exactModel
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.WeeksPerYear == "" {
		m.WeeksPerYear = "52"
	}
	base := exactBaseline(&m)
	baseCost := base.figures(&m, nil)["cost_per_week"]
	states := map[string]*exactState{"baseline": base}
	for _, sc := range m.Scenarios {
		s := exactBaseline(&m)
		for _, st := range sc.Steps {
			s.step(t, &m, st)
		}
		states[sc.ID] = s
	}
	checked := 0
	for _, r := range results {
		got := map[string]float64{}
		flatten("", roundTrip(t, r), got)
		want := states[r.Scenario].figures(&m, baseCost)
		for k, w := range want {
			g, ok := got[k]
			if !ok {
				t.Errorf("%s: %s missing", r.Scenario, k)
				continue
			}
			exact, _ := w.Float64()
			if os.Getenv("EXACT_DEBUG") != "" && k == "cost_change_pct" {
				t.Logf("%s: %s = %v, exactly %v (relative error %.2g)", r.Scenario, k, g, w.FloatString(20), math.Abs(g-exact)/math.Abs(exact))
			}
			// Relative 1e-9, as the issue asks; where the answer is exactly
			// 0, within 1e-9 of it.
			tol := 1e-9 * math.Abs(exact)
			if exact == 0 {
				tol = 1e-9
			}
			if math.Abs(g-exact) > tol {
				t.Errorf("%s: %s = %v, exactly %v (relative error %.2g)", r.Scenario, k, g, w.FloatString(12), math.Abs(g-exact)/math.Abs(exact))
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("nothing compared")
	}
}

func TestRiversideAgreesWithExactArithmetic(t *testing.T) {
	src := []byte(riverside(t))
	m, err := planning.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	results, err := m.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	compareExact(t, src, results)
}

// A generated model with a population, and scenarios of random steps of
// every kind, with awkward decimals (0.37, 1.07) that floats cannot hold.
func TestGeneratedScenariosAgreeWithExactArithmetic(t *testing.T) {
	m := planning.Generate(planning.GenerateSpec{Categories: 40, Options: 6, Resources: 9, Seed: 11})
	rng := rand.New(rand.NewPCG(4, 4))
	m.Population = &planning.Population{BaseYear: 2026, Bands: map[string]float64{"65-74": 30000, "75-84": 18000, "85+": 6000},
		Projections: map[string]map[string]float64{"2031": {"65-74": 33001, "75-84": 23007, "85+": 9013}}}
	for i := range m.Categories {
		m.Categories[i].Prevalence = map[string]float64{"65-74": 0.0013, "75-84": 0.0071 + float64(i)/1e4, "85+": 0.031}
	}
	for s := 0; s < 30; s++ {
		var steps []planning.Step
		for k := 0; k < 1+rng.IntN(5); k++ {
			steps = append(steps, randomStep(rng, m, k == 0))
		}
		m.Scenarios = append(m.Scenarios, planning.Scenario{ID: fmt.Sprintf("R%d", s), Name: "random", Steps: steps})
	}
	src, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := planning.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	results, err := parsed.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	compareExact(t, src, results)
}

// randomStep is one step of a random kind. A count is only drawn for a
// scenario's first step, where the people there are known.
func randomStep(rng *rand.Rand, m *planning.Model, first bool) planning.Step {
	f := func(v float64) *float64 { return &v }
	c := m.Categories[rng.IntN(len(m.Categories))]
	switch rng.IntN(6) {
	case 0:
		return planning.Step{Move: &planning.Move{Category: c.ID, From: c.Options[0], To: c.Options[1], Fraction: f(0.37)}}
	case 1:
		if n := c.Current[c.Options[2]]; first && n > 0 {
			return planning.Step{Move: &planning.Move{Category: c.ID, From: c.Options[2], To: c.Options[3], Count: f(math.Floor(n / 3))}}
		}
		return planning.Step{Move: &planning.Move{Category: "*", From: c.Options[2], To: c.Options[3], Fraction: f(0.113)}}
	case 2:
		return planning.Step{Scale: f(1.07)}
	case 3:
		y := 2031
		return planning.Step{ProjectTo: &y}
	case 4:
		r := m.Resources[rng.IntN(len(m.Resources))].ID
		if rng.IntN(2) == 0 {
			return planning.Step{UnitCost: &planning.UnitCostStep{Resource: r, Factor: f(1.031)}}
		}
		return planning.Step{UnitCost: &planning.UnitCostStep{Resource: r, Value: f(17.29)}}
	}
	p := m.Packages[rng.IntN(len(m.Packages))]
	return planning.Step{Contents: &planning.ContentsStep{Package: p.ID, Resource: m.Resources[rng.IntN(len(m.Resources))].ID, Value: 3.3}}
}

// A millionth of a cell's people moved between two packages: the change
// in cost is a few pounds in hundreds of millions a week, the difference of two large
// totals, and must still agree with exact arithmetic to 1e-9. (In plain
// float64 it was off by 1.5e-5.)
func TestTinyChangeAgreesWithExactArithmetic(t *testing.T) {
	m := planning.Generate(planning.GenerateSpec{Categories: 200, Options: 20, Resources: 30, Seed: 1})
	c := m.Categories[5]
	m.Categories[5].Current[c.Options[0]] = 77
	f := 1e-6
	m.Scenarios = []planning.Scenario{{ID: "T", Name: "tiny", Steps: []planning.Step{
		{Move: &planning.Move{Category: c.ID, From: c.Options[0], To: c.Options[1], Fraction: &f}}}}}
	src, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := planning.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if res[1].CostChangePct == 0 || math.Abs(res[1].CostChangePct) > 1e-6 {
		t.Fatalf("the change is %v%%: not the tiny change this test is about", res[1].CostChangePct)
	}
	compareExact(t, src, res)
}
