package importer_test

import (
	"strings"
	"sync"
	"testing"

	"whatmatters/internal/importer"
	"whatmatters/internal/testworld"
)

// Two admins confirming the same file at once (a double click, two
// tabs): the people are made once, and the later confirm is answered as
// a re-run — everyone already imported — not with an error.
func TestTwoConfirmsAtOnceMakeEachPersonOnce(t *testing.T) {
	f := setUp(t)
	file := generated(40, "North Community Team")
	people0 := count(t, f.DB, `SELECT COUNT(*) FROM people`)
	var wg sync.WaitGroup
	results := make([]*importer.Result, 2)
	errs := make([]error, 2)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = importer.Run(f.ctx, f.DB, testworld.Subject(f.Admin), strings.NewReader(file),
				importer.Template, "same.csv", true)
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("confirm %d: %v", i, err)
		}
	}
	made := 0
	for _, r := range results {
		if !r.Written || len(r.Problems) != 0 {
			t.Fatalf("a confirm was not written: %+v", r)
		}
		made += r.New
		if r.New+r.Skipped != 40 {
			t.Errorf("a confirm accounts for %d new and %d skipped of 40 rows", r.New, r.Skipped)
		}
	}
	if made != 40 {
		t.Errorf("the two confirms made %d people between them; want 40", made)
	}
	if got := count(t, f.DB, `SELECT COUNT(*) FROM people`) - people0; got != 40 {
		t.Errorf("%d people in the database after two confirms; want 40", got)
	}
}
