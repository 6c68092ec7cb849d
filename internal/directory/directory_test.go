package directory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/directory"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

func strokeClub() *directory.Entry {
	return &directory.Entry{Name: "  Riverside Stroke Club ", Offer: "A friendly club for people after a stroke and their families",
		Categories: []directory.Category{directory.Social, directory.Carers, directory.Social}, Area: "Riverside",
		Postcode: "cf101aa", Phone: "029 2000 0000", Website: "https://strokeclub.example.org",
		OpeningTimes: "Thursdays 2pm to 4pm", LastCheckedOn: valid.Today().AddDays(-30)}
}

func TestAddSearchAndChange(t *testing.T) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	sam := testworld.Subject(w.Sam)

	e := strokeClub()
	if err := directory.Add(ctx, db, sam, e); err != nil {
		t.Fatal(err)
	}
	if e.Name != "Riverside Stroke Club" || e.Postcode != "CF10 1AA" || len(e.Categories) != 2 {
		t.Fatalf("tidied entry: %q %q %v", e.Name, e.Postcode, e.Categories)
	}
	other := &directory.Entry{Name: "Tuesday Walkers", Offer: "Gentle walks by the river", Categories: []directory.Category{directory.Exercise},
		LastCheckedOn: valid.Today().AddDays(-400)}
	if err := directory.Add(ctx, db, sam, other); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		q    string
		cat  directory.Category
		want []string
	}{
		{"", "", []string{"Riverside Stroke Club", "Tuesday Walkers"}},
		{"STROKE families", "", []string{"Riverside Stroke Club"}},
		{"river", "", []string{"Riverside Stroke Club", "Tuesday Walkers"}},
		{"", directory.Exercise, []string{"Tuesday Walkers"}},
		{"stroke", directory.Exercise, nil},
		{"100%", "", nil},
	} {
		got, err := directory.Search(ctx, db.Read(), sam, c.q, c.cat)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range got {
			names = append(names, g.Name)
		}
		if !slices.Equal(names, c.want) {
			t.Errorf("search %q %q: %v, want %v", c.q, c.cat, names, c.want)
		}
	}

	// A year and a day without a check: it needs checking; a month: not.
	today := valid.Today()
	if e.NeedsChecking(today) || !other.NeedsChecking(today) {
		t.Errorf("needs checking: club %v, walkers %v", e.NeedsChecking(today), other.NeedsChecking(today))
	}

	// Hillside's worker sees none of Riverside's directory.
	alys := testworld.Subject(w.Alys)
	if got, _ := directory.Search(ctx, db.Read(), alys, "", ""); len(got) != 0 {
		t.Errorf("Alys sees Riverside's entries: %v", got)
	}
	if _, err := directory.Get(ctx, db.Read(), alys, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Alys reading Riverside's entry: %v", err)
	}

	// Two editors from version 1: the second is refused and nothing of
	// theirs is written.
	first, second := *e, *e
	first.OpeningTimes = "Thursdays 1pm to 3pm"
	second.OpeningTimes = "Fridays"
	if err := directory.Update(ctx, db, sam, &first); err != nil {
		t.Fatal(err)
	}
	if err := directory.Update(ctx, db, sam, &second); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second editor: %v, want a conflict", err)
	}
	got, err := directory.Get(ctx, db.Read(), sam, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.OpeningTimes != "Thursdays 1pm to 3pm" || got.Version != 2 {
		t.Errorf("after the conflict: %q version %d", got.OpeningTimes, got.Version)
	}
	// Alys may not change Riverside's entry.
	third := *got
	if err := directory.Update(ctx, db, alys, &third); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Alys changing Riverside's entry: %v", err)
	}
	// Jo (a care home) reads directories but does not keep one.
	if err := directory.Add(ctx, db, testworld.Subject(w.Jo), strokeClub()); !errors.Is(err, directory.ErrNotAllowed) {
		t.Errorf("Jo adding: %v", err)
	}
	// Every change is in the audit trail.
	var n int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action IN ('directory.create','directory.update')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("audit rows: %d, want 3", n)
	}
}

// Two editors saving one entry from the same version at the same moment:
// exactly one wins, the other is told of the conflict, and the entry holds
// the winner's words whole, on both engines.
func TestUpdateRace(t *testing.T) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	sam := testworld.Subject(w.Sam)
	e := strokeClub()
	if err := directory.Add(ctx, db, sam, e); err != nil {
		t.Fatal(err)
	}
	for round := range 10 {
		times := []string{fmt.Sprintf("Mondays, round %d", round), fmt.Sprintf("Fridays, round %d", round)}
		var writers []func() error
		for i := range times {
			mine := *e
			mine.OpeningTimes, mine.Categories = times[i], []directory.Category{directory.Categories[i]}
			writers = append(writers, func() error { return directory.Update(ctx, db, sam, &mine) })
		}
		winner := storetest.Race(t, "editing a directory entry", round, writers...)
		got, err := directory.Get(ctx, db.Read(), sam, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != e.Version+1 || got.OpeningTimes != times[winner] ||
			len(got.Categories) != 1 || got.Categories[0] != directory.Categories[winner] {
			t.Fatalf("round %d: saved %q %v version %d, want editor %d's whole change at version %d",
				round, got.OpeningTimes, got.Categories, got.Version, winner, e.Version+1)
		}
		e = got
	}
}

// Every typed field is bounded before anything is stored: at its limit it
// is accepted, one character over it is refused by name. The limits are
// written here as numbers, not read from the package, so a limit changed
// by mistake shows.
func TestTypedFieldsAreBounded(t *testing.T) {
	for _, c := range []struct {
		field, code string
		limit       int
		set         func(e *directory.Entry, n int)
	}{
		{"name", "directory.name.too_long", 200, func(e *directory.Entry, n int) { e.Name = strings.Repeat("ŵ", n) }},
		{"offer", "directory.offer.too_long", 2000, func(e *directory.Entry, n int) { e.Offer = strings.Repeat("ŵ", n) }},
		{"area", "directory.area.too_long", 200, func(e *directory.Entry, n int) { e.Area = strings.Repeat("ŵ", n) }},
		{"phone", "directory.phone.too_long", 200, func(e *directory.Entry, n int) { e.Phone = strings.Repeat("0", n) }},
		{"opening_times", "directory.opening_times.too_long", 200, func(e *directory.Entry, n int) {
			e.OpeningTimes = strings.Repeat("ŵ", n)
		}},
		{"email", "directory.email.too_long", 200, func(e *directory.Entry, n int) {
			e.Email = strings.Repeat("a", n-len("@example.org")) + "@example.org"
		}},
		{"website", "directory.website.too_long", 300, func(e *directory.Entry, n int) {
			e.Website = "https://example.org/" + strings.Repeat("a", n-len("https://example.org/"))
		}},
	} {
		for _, n := range []int{c.limit, c.limit + 1} {
			e := strokeClub()
			c.set(e, n)
			err := e.Check()
			refused := false
			ps, _ := valid.From(err)
			for _, p := range ps {
				refused = refused || p.Field == c.field && p.Code == c.code
			}
			if want := n > c.limit; refused != want {
				t.Errorf("%s of %d characters: refused %v, want %v (%v)", c.field, n, refused, want, err)
			}
			if n == c.limit && err != nil {
				t.Errorf("%s at its limit: %v", c.field, err)
			}
		}
	}
}

func TestBadEntryNamesEveryProblem(t *testing.T) {
	e := &directory.Entry{Offer: "", Postcode: "not a postcode", Email: "nobody", Website: "javascript:alert(1)",
		Categories: []directory.Category{"bingo"}, LastCheckedOn: valid.DateOf(time.Now().AddDate(0, 0, 2))}
	ps, ok := valid.From(e.Check())
	if !ok {
		t.Fatal("no problems")
	}
	want := map[string]string{"name": "directory.name.required", "offer": "directory.offer.required",
		"categories": "directory.categories.unknown", "postcode": "directory.postcode.real", "email": "directory.email.real",
		"website": "directory.website.real", "last_checked_on": "directory.last_checked_on.future"}
	got := map[string]string{}
	for _, p := range ps {
		got[p.Field] = p.Code
	}
	for f, code := range want {
		if got[f] != code {
			t.Errorf("%s: %q, want %q", f, got[f], code)
		}
	}
}
