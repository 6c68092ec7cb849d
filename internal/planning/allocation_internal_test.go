package planning

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// appendNumber must write what encoding/json writes, for every float the
// engine can produce.
func TestAppendNumberAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	vals := []float64{0, 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789.125, -2.5e-9, math.MaxFloat64, math.SmallestNonzeroFloat64, 168.42105263157896}
	for i := 0; i < 10000; i++ {
		vals = append(vals, math.Float64frombits(rng.Uint64()), rng.Float64()*math.Pow(10, float64(rng.IntN(50)-25)))
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		want, _ := json.Marshal(v)
		if got := appendNumber(nil, v); string(got) != string(want) {
			t.Fatalf("%v: wrote %s, encoding/json writes %s", v, got, want)
		}
	}
}
