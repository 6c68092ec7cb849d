package workspace_test

import (
	"context"
	"fmt"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/planning"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/workspace"
)

// twoPlanners is Riverside's imported model with two of its planners,
// Pat and Cai, to race each other.
func twoPlanners(t *testing.T) (*store.DB, *testworld.World, *workspace.Model, account.Subject, account.Subject) {
	t.Helper()
	db, w, m := imported(t)
	t.Logf("engine: %s", storetest.Engine())
	cai := newAccount(t, db, "cai@riverside.test", account.RolePlanner, w.Planner.OrganisationID)
	return db, w, m, testworld.Subject(w.Planner), testworld.Subject(cai)
}

// Two planners saving one model from the same version at the same moment
// (one changing a cost, the other adding a scenario, as the table and
// scenario pages do), on both engines: every round exactly one wins, the
// other is told of the conflict, the saved version is the winner's, and
// every version that won is kept with its own audit row.
func TestRacingPlannersNeverBothWin(t *testing.T) {
	ctx := context.Background()
	db, _, m, pat, cai := twoPlanners(t)
	grow := 1.05
	for round := range storetest.RaceRounds {
		cur, err := workspace.Open(ctx, db.Read(), pat, m.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		costed := *cur.Doc
		costed.Resources = append([]planning.Resource(nil), cur.Doc.Resources...)
		costed.Resources[2].UnitCost = float64(30 + round) // home care hour
		widened := *cur.Doc
		widened.Scenarios = append(append([]planning.Scenario(nil), cur.Doc.Scenarios...), planning.Scenario{
			ID: fmt.Sprintf("R%d", round), Name: fmt.Sprintf("Round %d", round), Steps: []planning.Step{{Scale: &grow}}})
		docs := []*planning.Model{&costed, &widened}
		save := func(who account.Subject, doc *planning.Model) func() error {
			return func() error {
				_, err := workspace.Save(ctx, db, who, m.ID, cur.Version, doc, "")
				return err
			}
		}
		win := storetest.Race(t, "model save", round, save(pat, docs[0]), save(cai, docs[1]))
		now, err := workspace.Open(ctx, db.Read(), pat, m.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		gotCost, gotScenarios := now.Doc.Resources[2].UnitCost, len(now.Doc.Scenarios)
		if now.Version != cur.Version+1 || gotCost != docs[win].Resources[2].UnitCost || gotScenarios != len(docs[win].Scenarios) {
			t.Fatalf("round %d: version %d costs %v with %d scenarios; want the winner's (%d) at version %d",
				round, now.Version, gotCost, gotScenarios, win, cur.Version+1)
		}
	}
	vs, err := workspace.Versions(ctx, db.Read(), pat, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != storetest.RaceRounds+1 {
		t.Errorf("%d versions kept, want %d: the first and one per round", len(vs), storetest.RaceRounds+1)
	}
	evs, err := audit.ForAction(ctx, db.Read(), "planning.model.save", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != storetest.RaceRounds {
		t.Errorf("%d saves audited, want %d", len(evs), storetest.RaceRounds)
	}
}

// Two planners changing whom one model is shared with, both from what
// they saw, at the same moment, on both engines: exactly one wins, the
// other is told of the conflict, the model is shared as the winner chose,
// and one share is audited per round.
func TestRacingSharersNeverBothWin(t *testing.T) {
	ctx := context.Background()
	db, w, m, pat, cai := twoPlanners(t)
	hillside, oakfield := w.Alys.OrganisationID, w.Jo.OrganisationID
	choices := [][]string{{hillside}, {oakfield}, {hillside, oakfield}}
	var was []string
	for round := range storetest.RaceRounds {
		// Each writer chooses something other than what they saw.
		var two [][]string
		for _, c := range choices {
			if fmt.Sprint(c) != fmt.Sprint(was) {
				two = append(two, c)
			}
		}
		share := func(who account.Subject, to []string) func() error {
			return func() error { return workspace.Share(ctx, db, who, m.ID, was, to) }
		}
		win := storetest.Race(t, "share", round, share(pat, two[0]), share(cai, two[1]))
		_, shared, err := workspace.Organisations(ctx, db.Read(), pat, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := two[win]
		if len(shared) != len(want) || !shared[want[0]] || !shared[want[len(want)-1]] {
			t.Fatalf("round %d: shared with %v, want the winner's %v", round, shared, want)
		}
		was = want
	}
	evs, err := audit.ForAction(ctx, db.Read(), "planning.model.share", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != storetest.RaceRounds {
		t.Errorf("%d shares audited, want %d", len(evs), storetest.RaceRounds)
	}
}
