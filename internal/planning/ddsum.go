package planning

import "math"

// dd is a double-double number, hi + lo with |lo| at most half an ulp of
// hi: about 32 significant digits. The totals are summed in it because
// the change in cost is the difference of two large totals: in float64
// alone a change of a few pounds in millions a week keeps only a few
// digits, short of the 1e-9 relative agreement with exact arithmetic the
// engine promises.
type dd struct{ hi, lo float64 }

// twoSum is a + b and its rounding error, exactly (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

// quickTwoSum is twoSum when |a| ≥ |b|.
func quickTwoSum(a, b float64) (s, e float64) {
	s = a + b
	return s, b - (s - a)
}

func (x dd) add(y float64) dd {
	s, e := twoSum(x.hi, y)
	s, e = quickTwoSum(s, e+x.lo)
	return dd{s, e}
}

func (x dd) addDD(y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	t, f := twoSum(x.lo, y.lo)
	s, e = quickTwoSum(s, e+t)
	s, e = quickTwoSum(s, e+f)
	return dd{s, e}
}

func (x dd) sub(y dd) dd { return x.addDD(dd{-y.hi, -y.lo}) }

// mul is x × y, with the product's rounding error kept by a fused
// multiply-add.
func (x dd) mul(y float64) dd {
	p := x.hi * y
	e := math.FMA(x.hi, y, -p) + x.lo*y
	s, e := quickTwoSum(p, e)
	return dd{s, e}
}

// float is the nearest float64.
func (x dd) float() float64 { return x.hi + x.lo }
