package planning

import (
	"fmt"
	"sort"
	"strconv"
)

// YearProjection is one year of a projection: each category's people,
// and what the baseline mix of packages would cost and need for them.
type YearProjection struct {
	Year         int                `json:"year"`
	Interpolated bool               `json:"interpolated"`
	Categories   map[string]float64 `json:"categories"`
	People       float64            `json:"people"`
	AtHome       float64            `json:"at_home"`
	CostPerWeek  float64            `json:"cost_per_week"`
	CostPerYear  float64            `json:"cost_per_year"`
	PublicCost   float64            `json:"public_cost_per_week"`
	Volumes      map[string]float64 `json:"volumes"`
	Places       map[string]float64 `json:"places"` // bed resources
	WTE          map[string]float64 `json:"wte"`    // staff and visit resources with a WTE rate
}

// knownYears are the years the model has populations for, in order.
func (m *Model) knownYears() []int {
	if m.Population == nil {
		return nil
	}
	years := []int{m.Population.BaseYear}
	for y := range m.Population.Projections {
		if n, err := strconv.Atoi(y); err == nil && n != m.Population.BaseYear {
			years = append(years, n)
		}
	}
	sort.Ints(years)
	return years
}

// bandsIn returns the population in a year: as given for a year the
// model has, or linearly interpolated between the years either side.
func (m *Model) bandsIn(year int) (map[string]float64, bool, *Problem) {
	if b, pr := populationIn(m, year); pr == nil {
		return b, false, nil
	}
	years := m.knownYears()
	if len(years) == 0 {
		return nil, false, noPopulation()
	}
	for i := 1; i < len(years); i++ {
		lo, hi := years[i-1], years[i]
		if year > lo && year < hi {
			a, _ := populationIn(m, lo)
			b, _ := populationIn(m, hi)
			t := float64(year-lo) / float64(hi-lo)
			out := map[string]float64{}
			for band := range m.Population.Bands {
				out[band] = a[band] + t*(b[band]-a[band])
			}
			return out, true, nil
		}
	}
	p := newProblem("population.projections", "planning.year_outside", "the model has populations for %d to %d only: %d is outside them",
		years[0], years[len(years)-1], year)
	return nil, false, &p
}

// Project projects the baseline mix to each year from first to last.
func (m *Model) Project(first, last int) ([]YearProjection, error) {
	var ps Problems
	for i, c := range m.Categories {
		if len(c.Prevalence) == 0 {
			ps = append(ps, newProblem(fmt.Sprintf("categories[%d].prevalence", i), "planning.no_prevalence",
				"projecting needs the prevalence of category %s in each population band", c.ID))
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	var out []YearProjection
	for year := first; year <= last; year++ {
		st := m.BaselineState()
		bands, interpolated, pr := m.bandsIn(year)
		if pr == nil {
			pr = st.rescale(bands)
		}
		if pr != nil {
			pr.Option = OptionYears // the years asked for
			return nil, Problems{*pr}
		}
		yp := YearProjection{Year: year, Interpolated: interpolated, Categories: map[string]float64{},
			Volumes: map[string]float64{}, Places: map[string]float64{}, WTE: map[string]float64{}}
		for _, c := range m.Categories {
			yp.Categories[c.ID] = projected(c, bands)
		}
		r := st.Evaluate(strconv.Itoa(year), nil)
		yp.People, yp.AtHome, yp.CostPerWeek, yp.CostPerYear, yp.PublicCost = r.People, r.AtHome, r.CostPerWeek, r.CostPerYear, r.PublicCostPerWeek
		for id, rr := range r.Resources {
			yp.Volumes[id] = rr.Volume
			if rr.Places != nil {
				yp.Places[id] = *rr.Places
			}
			if rr.WTE != nil {
				yp.WTE[id] = *rr.WTE
			}
		}
		out = append(out, yp)
	}
	return out, nil
}
