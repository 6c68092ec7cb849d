package planning

import (
	"encoding/json"
	"slices"
)

// index holds where each id sits, so the engine works on dense arrays
// rather than maps: scenarios on large models are then little more work
// than reading the model.
type index struct {
	cat   map[string]int // category id → row
	pkg   map[string]int // package id → index into Packages
	pkgOf [][]int        // per row and column: index into Packages (-1 if none)
	where [][]cellRef    // per package: the rows that have it as an option, in order
	base  *Allocation    // the baseline, copied for each scenario
}

// cellRef is one category's column for a package.
type cellRef struct{ ci, oi int }

// index builds the positions on first use. Scenario steps never change
// ids, options or packages' order, so a clone shares it.
func (m *Model) index() *index {
	if m.ix != nil {
		return m.ix
	}
	ix := &index{cat: make(map[string]int, len(m.Categories)), pkg: make(map[string]int, len(m.Packages)),
		pkgOf: make([][]int, len(m.Categories)), where: make([][]cellRef, len(m.Packages))}
	for i, p := range m.Packages {
		if _, dup := ix.pkg[p.ID]; !dup {
			ix.pkg[p.ID] = i
		}
	}
	for ci, c := range m.Categories {
		if _, dup := ix.cat[c.ID]; !dup {
			ix.cat[c.ID] = ci
		}
		ix.pkgOf[ci] = make([]int, len(c.Options))
		for oi, p := range c.Options {
			pi, ok := ix.pkg[p]
			if !ok {
				pi = -1
			} else {
				ix.where[pi] = append(ix.where[pi], cellRef{ci, oi})
			}
			ix.pkgOf[ci][oi] = pi
		}
	}
	m.ix = ix
	return ix
}

// column is the category's column for a package, or -1. A category has a
// score of options, so a scan beats a map.
func (ix *index) column(ci, pkg int) int {
	for oi, p := range ix.pkgOf[ci] {
		if p == pkg {
			return oi
		}
	}
	return -1
}

// Allocation is people per category per package: one row per category
// and one value per option, in the model's order. It is written out in
// JSON as {"category": {"package": people}}.
type Allocation struct {
	ix    *index
	order []Category
	cells []float64 // the array behind every row of Cells
	Cells [][]float64
}

// Get is the people of a category in a package (0 if it is not an option).
func (a Allocation) Get(category, pkg string) float64 {
	ci, ok := a.ix.cat[category]
	pi, ok2 := a.ix.pkg[pkg]
	if !ok || !ok2 {
		return 0
	}
	if oi := a.ix.column(ci, pi); oi >= 0 {
		return a.Cells[ci][oi]
	}
	return 0
}

// clone copies the cells: one copy of the array behind them all.
func (a Allocation) clone() Allocation {
	return a.ix.allocation(a.order, slices.Clone(a.cells))
}

// allocation lays rows for each category's options over cells, end to
// end, so copying an allocation is copying one array.
func (ix *index) allocation(order []Category, cells []float64) Allocation {
	a := Allocation{ix: ix, order: order, cells: cells, Cells: make([][]float64, len(order))}
	start := 0
	for i, c := range order {
		end := start + len(c.Options)
		a.Cells[i] = cells[start:end:end]
		start = end
	}
	return a
}

// MarshalJSON writes the allocation as nested objects, in model order.
func (a Allocation) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for ci, c := range a.order {
		if ci > 0 {
			b = append(b, ',')
		}
		b = appendKey(b, c.ID)
		b = append(b, '{')
		for oi, p := range c.Options {
			if oi > 0 {
				b = append(b, ',')
			}
			b = appendKey(b, p)
			b = appendNumber(b, a.Cells[ci][oi])
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

func appendKey(b []byte, k string) []byte {
	q, _ := json.Marshal(k)
	return append(append(b, q...), ':')
}

// appendNumber writes a float as encoding/json would.
func appendNumber(b []byte, v float64) []byte {
	q, _ := json.Marshal(v)
	return append(b, q...)
}
