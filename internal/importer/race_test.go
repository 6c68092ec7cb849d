package importer_test

import (
	"fmt"
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

// A mapping's name is never saved over: saving one in use (in any case)
// is refused and the first stays as it was; two admins saving the same
// new name at once — one is saved, the other told the name is taken, on
// both engines.
func TestAMappingIsNeverSavedOver(t *testing.T) {
	f := setUp(t)
	as := testworld.Subject(f.Admin)
	first := importer.Mapping{Name: "Riverside LAS", Columns: map[importer.Field]string{importer.FExternalID: "Client No"}}
	must(t, importer.SaveMapping(f.ctx, f.DB, as, first))
	again := importer.Mapping{Name: "riverside las", Columns: map[importer.Field]string{importer.FExternalID: "Other"}}
	if err := importer.SaveMapping(f.ctx, f.DB, as, again); !testworld.HasProblem(err, "name", "import.mapping.name.taken") {
		t.Fatalf("saving over a mapping: %v", err)
	}
	m, err := importer.FindMapping(f.ctx, f.DB.Read(), f.Admin.OrganisationID, "Riverside LAS")
	must(t, err)
	if m.Columns[importer.FExternalID] != "Client No" {
		t.Errorf("the first mapping became %v", m.Columns)
	}
	for round := range 10 {
		name := fmt.Sprintf("Export %d", round)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range errs {
			wg.Go(func() {
				<-start
				errs[i] = importer.SaveMapping(f.ctx, f.DB, as, importer.Mapping{Name: name,
					Columns: map[importer.Field]string{importer.FExternalID: fmt.Sprint("Column ", i)}})
			})
		}
		close(start)
		wg.Wait()
		saved, taken := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				saved++
			case testworld.HasProblem(err, "name", "import.mapping.name.taken"):
				taken++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if saved != 1 || taken != 1 {
			t.Fatalf("round %d: %d saved, %d told the name is taken; want one each", round, saved, taken)
		}
	}
}
