package planning

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
)

// index holds where each id sits, so the engine works on dense arrays
// rather than maps: scenarios on large models are then little more work
// than reading the model.
type index struct {
	cat   map[string]int // category id → row
	pkg   map[string]int // package id → index into Packages
	pkgOf [][]int        // per row and column: index into Packages (-1 if none)
	where [][]cellRef    // per package: the rows that have it as an option, in order
	start []int          // per row: where its cells begin in an allocation's array
	base  *Allocation    // the baseline, copied for each scenario

	keysOnce         sync.Once
	catKeys, pkgKeys [][]byte // ids quoted for JSON (jsonKeys)
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
		pkgOf: make([][]int, len(m.Categories)), where: make([][]cellRef, len(m.Packages)), start: make([]int, len(m.Categories))}
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
		if ci > 0 {
			ix.start[ci] = ix.start[ci-1] + len(m.Categories[ci-1].Options)
		}
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
//
// The steps' rounding errors are kept beside the cells (each cell is
// Cells + lo, exactly), so that moving a millionth of a cell's people
// between two packages of nearly the same cost still gives the change in
// cost to 1e-9: the rounding of 77 − 0.000077 alone would otherwise be a
// noticeable part of that change.
type Allocation struct {
	ix    *index
	order []Category
	cells []float64 // the array behind every row of Cells
	Cells [][]float64
	lo    []float64 // each cell's rounding error, laid out as cells; nil while there is none
}

// Get is the people of a category in a package (0 if it is not an option).
func (a Allocation) Get(category, pkg string) float64 {
	ci, ok := a.ix.cat[category]
	pi, ok2 := a.ix.pkg[pkg]
	if !ok || !ok2 {
		return 0
	}
	if oi := a.ix.column(ci, pi); oi >= 0 {
		return a.value(ci, oi)
	}
	return 0
}

// value is a cell's people, its rounding error included.
func (a Allocation) value(ci, oi int) float64 {
	if a.lo == nil {
		return a.Cells[ci][oi]
	}
	return a.Cells[ci][oi] + a.lo[a.ix.start[ci]+oi]
}

// rowTotal is a category's people.
func (a Allocation) rowTotal(ci int) float64 {
	t := dd{}
	for oi := range a.Cells[ci] {
		t = t.add(a.Cells[ci][oi])
		if a.lo != nil {
			t = t.add(a.lo[a.ix.start[ci]+oi])
		}
	}
	return t.float()
}

// addTo adds x people to a cell, keeping the rounding error.
func (a *Allocation) addTo(ci, oi int, x float64) {
	i := a.ix.start[ci] + oi
	s, e := twoSum(a.cells[i], x)
	a.cells[i] = s
	if e != 0 {
		a.errors()[i] += e
	}
}

// scaleRow multiplies a category's cells by k, keeping the rounding
// errors (a fused multiply-add gives each product's exactly).
func (a *Allocation) scaleRow(ci int, k float64) {
	start := a.ix.start[ci]
	scaleCells(a.cells[start:start+len(a.Cells[ci])], a.errors()[start:start+len(a.Cells[ci])], k)
}

// scale multiplies every cell by k.
func (a *Allocation) scale(k float64) { scaleCells(a.cells, a.errors(), k) }

func scaleCells(cells, lo []float64, k float64) {
	lo = lo[:len(cells)]
	for i, c := range cells {
		p := c * k
		cells[i], lo[i] = p, lo[i]*k+math.FMA(c, k, -p)
	}
}

// errors is the array of rounding errors, made on first need.
func (a *Allocation) errors() []float64 {
	if a.lo == nil {
		a.lo = make([]float64, len(a.cells))
	}
	return a.lo
}

// clone copies the cells: one copy of the array behind them all.
func (a Allocation) clone() Allocation {
	c := a.ix.allocation(a.order, slices.Clone(a.cells))
	c.lo = slices.Clone(a.lo)
	return c
}

// allocation lays rows for each category's options over cells, end to
// end, so copying an allocation is copying one array.
func (ix *index) allocation(order []Category, cells []float64) Allocation {
	a := Allocation{ix: ix, order: order, cells: cells, Cells: make([][]float64, len(order))}
	for i, c := range order {
		a.Cells[i] = cells[ix.start[i] : ix.start[i]+len(c.Options) : ix.start[i]+len(c.Options)]
	}
	return a
}

// MarshalJSON writes the allocation as nested objects, in model order.
// It is written by hand because a large plan's allocations are most of
// its output: a million numbers through reflection took a second.
func (a Allocation) MarshalJSON() ([]byte, error) {
	catKeys, pkgKeys := a.ix.jsonKeys(a.order)
	b := make([]byte, 0, 16*len(a.cells)+len(a.order)*16)
	b = append(b, '{')
	for ci := range a.order {
		if ci > 0 {
			b = append(b, ',')
		}
		b = append(append(b, catKeys[ci]...), '{')
		for oi := range a.Cells[ci] {
			if oi > 0 {
				b = append(b, ',')
			}
			v := a.value(ci, oi)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("category %s: a number too large to write (%v)", a.order[ci].ID, v)
			}
			b = appendNumber(append(b, pkgKeys[a.ix.pkgOf[ci][oi]]...), v)
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// jsonKeys are the categories' and packages' ids quoted for JSON, with
// the colon: worked out once per model.
func (ix *index) jsonKeys(order []Category) (cats, pkgs [][]byte) {
	ix.keysOnce.Do(func() {
		key := func(id string) []byte {
			q, _ := json.Marshal(id)
			return append(q, ':')
		}
		for _, c := range order {
			ix.catKeys = append(ix.catKeys, key(c.ID))
		}
		ix.pkgKeys = make([][]byte, len(ix.where))
		for id, pi := range ix.pkg {
			ix.pkgKeys[pi] = key(id)
		}
	})
	return ix.catKeys, ix.pkgKeys
}

// appendNumber writes a float exactly as encoding/json does: the shortest
// decimal that reads back as the same float, in exponent form only for
// very small or very large numbers.
func appendNumber(b []byte, v float64) []byte {
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' { // e-07 → e-7, as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
