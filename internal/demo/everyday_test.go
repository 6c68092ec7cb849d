package demo

import "testing"

// Every short record belongs to a resident who is not in the source
// stories, and every linked resident not in the stories has one.
func TestEverydayCoversTheResidents(t *testing.T) {
	names := map[string]Resident{}
	for _, r := range Residents {
		names[r.Given+" "+r.Family] = r
	}
	for n := range everyday {
		if _, ok := names[n]; !ok {
			t.Errorf("%s is not a resident", n)
		}
		if stories[n] != nil {
			t.Errorf("%s has a story and a short record", n)
		}
	}
	for n, r := range names {
		if _, ok := everyday[n]; !ok && stories[n] == nil && len(r.Links) > 0 {
			t.Errorf("%s has no record", n)
		}
	}
}
