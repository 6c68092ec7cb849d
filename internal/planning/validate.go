package planning

import (
	"fmt"
	"slices"
	"strconv"
)

// Allowed values of the enumerated fields.
var (
	resourceKinds = []string{"bed", "staff_hours", "visits", "sessions", "informal", "other"}
	settings      = []string{"home", "institution", "hospital", "other"}
)

// validator collects problems with their paths.
type validator struct{ ps Problems }

func (v *validator) add(path, format string, args ...any) {
	v.ps = append(v.ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Validate checks a model's meaning: ids unique, references resolve,
// numbers in range. It returns every problem found.
func Validate(m *Model) Problems {
	v := &validator{}
	if m.Format != Format {
		v.add("format", "must be %q (this is the only format this version reads), not %q", Format, m.Format)
	}
	if m.Name == "" {
		v.add("name", "give the model a name, so results say what they are about")
	}
	if m.WeeksPerYear < 0 {
		v.add("weeks_per_year", "must be more than 0 (52 if left out)")
	}
	v.resources(m)
	v.packages(m)
	v.categories(m)
	v.population(m)
	v.scenarios(m)
	return v.ps
}

func (v *validator) resources(m *Model) {
	if len(m.Resources) == 0 {
		v.add("resources", "list at least one resource (a bed-day, a home care hour…)")
	}
	seen := map[string]bool{}
	for i, r := range m.Resources {
		p := fmt.Sprintf("resources[%d]", i)
		v.id(p, r.ID, "resource", seen)
		if r.UnitCost < 0 {
			v.add(p+".unit_cost", "must be 0 or more, not %v", r.UnitCost)
		}
		if r.Payer == "" {
			v.add(p+".payer", "say who pays (NHS, LA, person, carer…)")
		}
		if !slices.Contains(resourceKinds, r.Kind) {
			v.add(p+".kind", "must be one of %v, not %q", resourceKinds, r.Kind)
		}
		if r.Occupancy != nil && (*r.Occupancy <= 0 || *r.Occupancy > 1) {
			v.add(p+".occupancy", "must be more than 0 and at most 1 (0.95 means beds are 95%% full), not %v", *r.Occupancy)
		}
		positive(v, p+".hours_per_wte", r.HoursPerWTE)
		positive(v, p+".visits_per_wte", r.VisitsPerWTE)
		if r.Capacity != nil && *r.Capacity < 0 {
			v.add(p+".capacity", "must be 0 or more, not %v", *r.Capacity)
		}
	}
}

func positive(v *validator, path string, x *float64) {
	if x != nil && *x <= 0 {
		v.add(path, "must be more than 0, not %v", *x)
	}
}

func (v *validator) id(path, id, what string, seen map[string]bool) {
	switch {
	case id == "":
		v.add(path+".id", "give the %s an id", what)
	case seen[id]:
		v.add(path+".id", "another %s already has the id %q: ids must be unique", what, id)
	}
	seen[id] = true
}

func (v *validator) packages(m *Model) {
	if len(m.Packages) == 0 {
		v.add("packages", "list at least one package of care")
	}
	seen := map[string]bool{}
	for i, pk := range m.Packages {
		p := fmt.Sprintf("packages[%d]", i)
		v.id(p, pk.ID, "package", seen)
		if !slices.Contains(settings, pk.Setting) {
			v.add(p+".setting", "must be one of %v, not %q", settings, pk.Setting)
		}
		for _, r := range sortedKeys(pk.Contents) {
			if m.resource(r) == nil {
				v.add(p+".contents."+r, "there is no resource %q: add it to resources, or check the spelling", r)
			}
			if pk.Contents[r] < 0 {
				v.add(p+".contents."+r, "must be 0 or more units per person per week, not %v", pk.Contents[r])
			}
		}
	}
}

func (v *validator) categories(m *Model) {
	if len(m.Categories) == 0 {
		v.add("categories", "list at least one client category")
	}
	seen := map[string]bool{}
	// stamp[p] is 1 + the last category with package p among its options:
	// a model can have thousands of categories, so no map per category.
	stamp := make([]int, len(m.Packages))
	for i, c := range m.Categories {
		p := "categories[" + strconv.Itoa(i) + "]"
		v.id(p, c.ID, "category", seen)
		v.options(m, p, i, stamp)
		v.current(p, c, func(pkg string) bool { pi, ok := m.index().pkg[pkg]; return ok && stamp[pi] == i+1 })
		v.prevalence(m, p, c)
		if c.MaxShift != nil && (*c.MaxShift < 0 || *c.MaxShift > 1) {
			v.add(p+".max_shift", "must be between 0 and 1, not %v", *c.MaxShift)
		}
	}
}

// options checks that each option is a package, listed once, and stamps
// it as an option of category i.
func (v *validator) options(m *Model, p string, i int, stamp []int) {
	c := m.Categories[i]
	if len(c.Options) == 0 {
		v.add(p+".options", "list the packages judged right for this category")
	}
	for j, o := range c.Options {
		switch pi := m.index().pkgOf[i][j]; {
		case pi < 0:
			v.add(fmt.Sprintf("%s.options[%d]", p, j), "there is no package %q", o)
		case stamp[pi] == i+1:
			v.add(fmt.Sprintf("%s.options[%d]", p, j), "package %q is listed twice", o)
		default:
			stamp[pi] = i + 1
		}
	}
}

// current checks the people now; the keys are sorted only to report
// problems in a steady order.
func (v *validator) current(p string, c Category, isOption func(string) bool) {
	ok := true
	for pk, n := range c.Current {
		ok = ok && isOption(pk) && n >= 0
	}
	if ok {
		return
	}
	for _, pk := range sortedKeys(c.Current) {
		if !isOption(pk) {
			v.add(p+".current."+pk, "package %s is not an option of category %s", pk, c.ID)
		}
		if c.Current[pk] < 0 {
			v.add(p+".current."+pk, "must be 0 or more people, not %v", c.Current[pk])
		}
	}
}

func (v *validator) prevalence(m *Model, p string, c Category) {
	for _, band := range sortedKeys(c.Prevalence) {
		x := c.Prevalence[band]
		if x < 0 || x > 1 {
			v.add(p+".prevalence."+band, "must be a share between 0 and 1, not %v", x)
		}
		if m.Population != nil && len(m.Population.Bands) > 0 {
			if _, ok := m.Population.Bands[band]; !ok {
				v.add(p+".prevalence."+band, "there is no population band %q", band)
			}
		}
	}
}

func (v *validator) population(m *Model) {
	pop := m.Population
	if pop == nil {
		return
	}
	for _, b := range sortedKeys(pop.Bands) {
		if pop.Bands[b] < 0 {
			v.add("population.bands."+b, "must be 0 or more people, not %v", pop.Bands[b])
		}
	}
	for _, year := range sortedKeys(pop.Projections) {
		p := "population.projections." + year
		if _, err := strconv.Atoi(year); err != nil {
			v.add(p, "must be a year, like \"2031\"")
		}
		for _, b := range sortedKeys(pop.Bands) {
			if _, ok := pop.Projections[year][b]; !ok {
				v.add(p, "has no figure for the band %q: a projection gives every band in population.bands, or its people would count as none", b)
			}
		}
		for _, b := range sortedKeys(pop.Projections[year]) {
			if _, ok := pop.Bands[b]; !ok {
				v.add(p+"."+b, "there is no band %q in population.bands", b)
			}
			if pop.Projections[year][b] < 0 {
				v.add(p+"."+b, "must be 0 or more people, not %v", pop.Projections[year][b])
			}
		}
	}
}

func (v *validator) scenarios(m *Model) {
	seen := map[string]bool{"baseline": true}
	for i, s := range m.Scenarios {
		p := fmt.Sprintf("scenarios[%d]", i)
		if s.ID == "baseline" {
			v.add(p+".id", "\"baseline\" is the model as it is now: give the scenario another id")
		} else {
			v.id(p, s.ID, "scenario", seen)
		}
		for j, st := range s.Steps {
			v.step(m, fmt.Sprintf("%s.steps[%d]", p, j), st)
		}
	}
}

// step checks what can be checked before the step runs; running it can
// still find that a count is more than the people there.
func (v *validator) step(m *Model, p string, st Step) {
	set := 0
	for _, isSet := range []bool{st.Move != nil, st.Scale != nil, st.ProjectTo != nil, st.UnitCost != nil, st.Contents != nil} {
		if isSet {
			set++
		}
	}
	if set != 1 {
		v.add(p, "a step must have exactly one of move, scale, project_to, unit_cost, contents")
	}
	// Each part present is checked, so every problem shows at once.
	if st.Move != nil {
		v.move(m, p+".move", st.Move)
	}
	if st.Scale != nil && *st.Scale < 0 {
		v.add(p+".scale", "must be 0 or more (1.2 means 20%% more people), not %v", *st.Scale)
	}
	if st.ProjectTo != nil {
		v.projectTo(m, p+".project_to", *st.ProjectTo)
	}
	if st.UnitCost != nil {
		u := st.UnitCost
		if m.resource(u.Resource) == nil {
			v.add(p+".unit_cost.resource", "there is no resource %q", u.Resource)
		}
		if (u.Value == nil) == (u.Factor == nil) {
			v.add(p+".unit_cost", "give either value (a new cost) or factor (a multiplier), not both or neither")
		}
		if (u.Value != nil && *u.Value < 0) || (u.Factor != nil && *u.Factor < 0) {
			v.add(p+".unit_cost", "a cost cannot be negative")
		}
	}
	if st.Contents != nil {
		c := st.Contents
		if m.pkg(c.Package) == nil {
			v.add(p+".contents.package", "there is no package %q", c.Package)
		}
		if m.resource(c.Resource) == nil {
			v.add(p+".contents.resource", "there is no resource %q", c.Resource)
		}
		if c.Value < 0 {
			v.add(p+".contents.value", "must be 0 or more, not %v", c.Value)
		}
	}
}

func (v *validator) move(m *Model, p string, mv *Move) {
	if (mv.Fraction == nil) == (mv.Count == nil) {
		v.add(p, "give either fraction (a share of the people there) or count (a number of people), not both or neither")
	}
	if mv.Fraction != nil && (*mv.Fraction < 0 || *mv.Fraction > 1) {
		v.add(p+".fraction", "must be between 0 and 1, not %v", *mv.Fraction)
	}
	if mv.Count != nil && *mv.Count < 0 {
		v.add(p+".count", "must be 0 or more people, not %v", *mv.Count)
	}
	for _, f := range []struct{ name, id string }{{"from", mv.From}, {"to", mv.To}} {
		if m.pkg(f.id) == nil {
			v.add(p+"."+f.name, "there is no package %q", f.id)
		}
	}
	if mv.Category == "*" {
		return // a count moves that many from each category (checked as it runs)
	}
	c := m.category(mv.Category)
	if c == nil {
		v.add(p+".category", "there is no category %q (use \"*\" for every category)", mv.Category)
		return
	}
	for _, f := range []struct{ name, id string }{{"from", mv.From}, {"to", mv.To}} {
		if m.pkg(f.id) != nil && !slices.Contains(c.Options, f.id) {
			v.add(p+"."+f.name, "package %s is not an option of category %s", f.id, c.ID)
		}
	}
}

func (v *validator) projectTo(m *Model, p string, year int) {
	if _, pr := populationIn(m, year); pr != nil {
		pr.Path = p
		v.ps = append(v.ps, *pr)
	}
	for i, c := range m.Categories {
		if len(c.Prevalence) == 0 {
			v.add(fmt.Sprintf("categories[%d].prevalence", i), "projecting needs the prevalence of category %s in each population band", c.ID)
		}
	}
}

// populationIn returns the population bands in a year the model has, or
// the problem, at the population's path.
func populationIn(m *Model, year int) (map[string]float64, *Problem) {
	if m.Population == nil {
		return nil, noPopulation()
	}
	if year == m.Population.BaseYear {
		return m.Population.Bands, nil
	}
	if b, ok := m.Population.Projections[strconv.Itoa(year)]; ok {
		return b, nil
	}
	p := newProblem("population.projections", "planning.no_population_year", "the model has no population for %d: add it to population.projections", year)
	return nil, &p
}

func noPopulation() *Problem {
	p := newProblem("population", "planning.no_population", "the model has no population to project from")
	return &p
}
