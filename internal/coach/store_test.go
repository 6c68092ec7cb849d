package coach_test

import (
	"context"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/coach"
	"whatmatters/internal/store/storetest"
)

func TestListsAreDataAnAdminCanChange(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if err := coach.LoadDefaults(ctx, db); err != nil {
		t.Fatal(err)
	}
	en, err := coach.Terms(ctx, db.Read(), "en")
	if err != nil || len(en) != len(coach.Defaults()["en"]) {
		t.Fatalf("English list has %d terms, %v; want the %d defaults", len(en), err, len(coach.Defaults()["en"]))
	}
	for _, term := range en {
		if err := coach.RemoveTerm(ctx, db, audit.System, term.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := coach.AddTerm(ctx, db, audit.System, "en", "kicked off", "describe what happened"); err != nil {
		t.Fatal(err)
	}
	if err := coach.AddTerm(ctx, db, audit.System, "en", "kicked off", "again"); err == nil {
		t.Fatal("a duplicate term was accepted")
	}
	// Loading defaults again must not refill a list the admin emptied.
	if err := coach.LoadDefaults(ctx, db); err != nil {
		t.Fatal(err)
	}
	en, _ = coach.Terms(ctx, db.Read(), "en")
	if len(en) != 1 || en[0].Term != "kicked off" {
		t.Fatalf("after edits the list is %+v; want only the admin's term", en)
	}
	if flags := coach.Check("He kicked off at tea time", en); len(flags) != 1 {
		t.Fatalf("the admin's term was not used: %+v", flags)
	}
	if evs, _ := audit.ForAction(ctx, db.Read(), "coach.term.add", 10); len(evs) != 1 {
		t.Fatalf("%d coach.term.add audit rows; want 1", len(evs))
	}
}
