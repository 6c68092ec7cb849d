package planning

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GenerateSpec sizes a synthetic model for benchmarks and tests.
type GenerateSpec struct {
	Categories int
	Options    int // options per category, drawn from 2×Options packages
	Resources  int
	Scenarios  int
	Seed       uint64
	// Localities, when more than 1, writes each category once per
	// locality ("C3.L7"), with the same options and its people scaled by
	// the locality's size, as a plan for several localities is written:
	// they share the resources' capacities and any budget.
	Localities int
	// Capacities gives every resource a capacity 5% above its baseline
	// volume, so the baseline is feasible and capacities bind.
	Capacities bool
}

// Generate makes a valid, deterministic synthetic model. It is what the
// benchmarks (scripts/bench-planning.sh) run on, kept here so anyone can
// rerun them on the same models.
func Generate(g GenerateSpec) *Model {
	rng := rand.New(rand.NewPCG(g.Seed, 7))
	m := &Model{Format: Format, Name: fmt.Sprintf("Generated %d×%d×%d", g.Categories, g.Options, g.Resources),
		Currency: "GBP", WeeksPerYear: 52}
	kinds := []string{"bed", "staff_hours", "visits", "sessions", "informal", "other"}
	payers := []string{"LA", "NHS", "LA", "NHS", "carer", "person"}
	for r := 0; r < g.Resources; r++ {
		res := Resource{ID: fmt.Sprintf("r%d", r), Name: fmt.Sprintf("Resource %d", r), Unit: "unit",
			UnitCost: float64(5 + rng.IntN(200)), Payer: payers[r%len(payers)], Kind: kinds[r%len(kinds)]}
		switch res.Kind {
		case "bed":
			res.Occupancy = ptr(0.95)
		case "staff_hours":
			res.HoursPerWTE = ptr(37.5)
		case "visits":
			res.VisitsPerWTE = ptr(30)
		}
		m.Resources = append(m.Resources, res)
	}
	nPackages := 2 * g.Options
	for p := 0; p < nPackages; p++ {
		pk := Package{ID: fmt.Sprintf("P%d", p), Name: fmt.Sprintf("Package %d", p), Contents: map[string]float64{}}
		pk.Setting = []string{"home", "institution", "hospital", "other"}[p%4]
		for r := 0; r < g.Resources; r++ {
			if rng.Float64() < 0.4 {
				pk.Contents[fmt.Sprintf("r%d", r)] = float64(1 + rng.IntN(20))
			}
		}
		m.Packages = append(m.Packages, pk)
	}
	for c := 0; c < g.Categories; c++ {
		cat := Category{ID: fmt.Sprintf("C%d", c), Name: fmt.Sprintf("Category %d", c), Current: map[string]float64{}}
		for _, p := range rng.Perm(nPackages)[:g.Options] {
			id := fmt.Sprintf("P%d", p)
			cat.Options = append(cat.Options, id)
			if rng.Float64() < 0.5 {
				cat.Current[id] = float64(rng.IntN(100))
			}
		}
		m.Categories = append(m.Categories, cat)
	}
	if g.Localities > 1 {
		m.Categories = byLocality(m.Categories, g.Localities, rng)
	}
	for s := 0; s < g.Scenarios; s++ {
		c := m.Categories[rng.IntN(len(m.Categories))]
		m.Scenarios = append(m.Scenarios, Scenario{ID: fmt.Sprintf("S%d", s), Name: fmt.Sprintf("Scenario %d", s), Steps: []Step{
			{Move: &Move{Category: "*", From: c.Options[0], To: c.Options[1], Fraction: ptr(0.25)}},
			{Scale: ptr(1 + float64(rng.IntN(20))/100)},
			{UnitCost: &UnitCostStep{Resource: "r0", Factor: ptr(1.1)}},
		}})
	}
	if g.Capacities {
		base := m.BaselineState().Evaluate("baseline", nil)
		for i := range m.Resources {
			m.Resources[i].Capacity = ptr(1.05 * base.Resources[m.Resources[i].ID].Volume)
		}
	}
	return m
}

// byLocality writes each category once per locality, its people scaled by
// the locality's size (a half to one and a half times the first), rounded
// to whole people as a locality would count them.
func byLocality(cats []Category, localities int, rng *rand.Rand) []Category {
	size := make([]float64, localities)
	for l := range size {
		size[l] = 0.5 + rng.Float64()
	}
	out := make([]Category, 0, len(cats)*localities)
	for _, c := range cats {
		for l := 0; l < localities; l++ {
			lc := Category{ID: fmt.Sprintf("%s.L%d", c.ID, l), Name: fmt.Sprintf("%s, locality %d", c.Name, l),
				Options: c.Options, Current: map[string]float64{}}
			for p, n := range c.Current {
				lc.Current[p] = math.Round(n * size[l])
			}
			out = append(out, lc)
		}
	}
	return out
}
