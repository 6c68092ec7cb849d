package planning

import (
	"encoding/json"
)

// index holds where each id sits, so the engine works on dense arrays
// rather than maps: scenarios on large models are then little more work
// than reading the model.
type index struct {
	cat   map[string]int   // category id → row
	opt   []map[string]int // per row: package id → column
	pkgOf [][]int          // per row and column: index into Packages
	pkg   map[string]int   // package id → index into Packages
	base  *Allocation      // the baseline, copied for each scenario
}

// index builds the positions on first use. Scenario steps never change
// ids, options or packages' order, so a clone shares it.
func (m *Model) index() *index {
	if m.ix != nil {
		return m.ix
	}
	ix := &index{cat: map[string]int{}, pkg: map[string]int{}}
	for i, p := range m.Packages {
		if _, dup := ix.pkg[p.ID]; !dup {
			ix.pkg[p.ID] = i
		}
	}
	for ci, c := range m.Categories {
		if _, dup := ix.cat[c.ID]; !dup {
			ix.cat[c.ID] = ci
		}
		opt := make(map[string]int, len(c.Options))
		pk := make([]int, len(c.Options))
		for oi, p := range c.Options {
			opt[p] = oi
			pk[oi] = ix.pkg[p]
		}
		ix.opt = append(ix.opt, opt)
		ix.pkgOf = append(ix.pkgOf, pk)
	}
	m.ix = ix
	return ix
}

// Allocation is people per category per package: one row per category
// and one value per option, in the model's order. It is written out in
// JSON as {"category": {"package": people}}.
type Allocation struct {
	ix    *index
	order []Category
	Cells [][]float64
}

// Get is the people of a category in a package (0 if it is not an option).
func (a Allocation) Get(category, pkg string) float64 {
	ci, ok := a.ix.cat[category]
	if !ok {
		return 0
	}
	oi, ok := a.ix.opt[ci][pkg]
	if !ok {
		return 0
	}
	return a.Cells[ci][oi]
}

// clone copies the cells into one backing array.
func (a Allocation) clone() Allocation {
	n := 0
	for _, row := range a.Cells {
		n += len(row)
	}
	flat := make([]float64, 0, n)
	out := Allocation{ix: a.ix, order: a.order, Cells: make([][]float64, len(a.Cells))}
	for i, row := range a.Cells {
		start := len(flat)
		flat = append(flat, row...)
		out.Cells[i] = flat[start:len(flat):len(flat)]
	}
	return out
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
