package workspace_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/planning"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/workspace"
)

func riverside(t *testing.T) *planning.Model {
	t.Helper()
	b, err := os.ReadFile("../planning/testdata/riverside.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := planning.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newAccount(t *testing.T, db *store.DB, email string, role account.Role, org string) *account.Account {
	t.Helper()
	a := &account.Account{OrganisationID: org, Email: email, DisplayName: email, Role: role}
	if err := account.CreateAccount(context.Background(), db, audit.System, a, testworld.Password); err != nil {
		t.Fatal(err)
	}
	return a
}

// imported is a fresh database with the test world and Riverside's model
// imported by its planner, Pat, as version 1.
func imported(t *testing.T) (*store.DB, *testworld.World, *workspace.Model) {
	t.Helper()
	db := storetest.Open(t)
	w := testworld.New(t, db)
	m, err := workspace.Create(context.Background(), db, testworld.Subject(w.Planner), riverside(t), "imported")
	if err != nil {
		t.Fatal(err)
	}
	return db, w, m
}

// A model is its owner's and those it is shared with: anyone else is told
// it does not exist; a planner of an organisation it is shared with reads
// it but cannot change it; practitioners read no models at all.
func TestSharingDecidesWhoSeesAModel(t *testing.T) {
	ctx := context.Background()
	db, w, m := imported(t)
	pat := testworld.Subject(w.Planner)
	hillside := newAccount(t, db, "hal@hillside.test", account.RolePlanner, w.Alys.OrganisationID)
	oakfield := newAccount(t, db, "olu@oakfield.test", account.RoleManager, w.Jo.OrganisationID)
	if _, err := workspace.Get(ctx, db.Read(), testworld.Subject(hillside), m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Hillside's planner before sharing: %v, want not found", err)
	}
	if list, _ := workspace.List(ctx, db.Read(), testworld.Subject(hillside)); len(list) != 0 {
		t.Fatalf("Hillside's planner lists %d models before sharing", len(list))
	}
	if err := workspace.Share(ctx, db, pat, m.ID, nil, []string{w.Alys.OrganisationID}); err != nil {
		t.Fatal(err)
	}
	got, err := workspace.Open(ctx, db.Read(), testworld.Subject(hillside), m.ID, 0)
	if err != nil {
		t.Fatalf("Hillside's planner after sharing: %v", err)
	}
	if got.MayEdit || got.Doc.Name != "Riverside (synthetic worked example)" || got.OrganisationName != "Riverside Council" {
		t.Errorf("Hillside's planner sees %+v", got.Model)
	}
	doc := got.Doc
	if _, err := workspace.Save(ctx, db, testworld.Subject(hillside), m.ID, 1, doc, ""); !errors.Is(err, workspace.ErrNotAllowed) {
		t.Errorf("Hillside's planner saved a model shared with them: %v", err)
	}
	if _, err := workspace.Get(ctx, db.Read(), testworld.Subject(oakfield), m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Oakfield's manager, not shared with: %v, want not found", err)
	}
	if _, err := workspace.List(ctx, db.Read(), testworld.Subject(w.Sam)); !errors.Is(err, workspace.ErrNotAllowed) {
		t.Errorf("a practitioner lists models: %v", err)
	}
	// Sharing no longer: out of reach again.
	if err := workspace.Share(ctx, db, pat, m.ID, []string{w.Alys.OrganisationID}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := workspace.Get(ctx, db.Read(), testworld.Subject(hillside), m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after unsharing: %v, want not found", err)
	}
}

// Every save keeps the one before with who made it; a save from a
// version someone has since replaced is a conflict and writes nothing.
func TestVersionsKeptAndConflictRefused(t *testing.T) {
	ctx := context.Background()
	db, w, m := imported(t)
	pat := testworld.Subject(w.Planner)
	colleague := newAccount(t, db, "cai@riverside.test", account.RolePlanner, w.Planner.OrganisationID)

	first, _ := workspace.Open(ctx, db.Read(), pat, m.ID, 0)
	first.Doc.Resources[2].UnitCost = 27 // home care hour, was 25
	if v, err := workspace.Save(ctx, db, pat, m.ID, 1, first.Doc, "home care fee uplift"); err != nil || v != 2 {
		t.Fatalf("save: version %d, %v", v, err)
	}
	// Cai started from version 1 too.
	theirs, _ := workspace.Open(ctx, db.Read(), testworld.Subject(colleague), m.ID, 1)
	theirs.Doc.Categories[0].Current["NH"] = 65
	if _, err := workspace.Save(ctx, db, testworld.Subject(colleague), m.ID, 1, theirs.Doc, ""); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a save from a stale version: %v, want a conflict", err)
	}
	vs, err := workspace.Versions(ctx, db.Read(), pat, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Version != 2 || vs[0].SavedBy != "Pat Lewis" || vs[0].Note != "home care fee uplift" || vs[1].Note != "imported" {
		t.Fatalf("versions: %+v", vs)
	}
	old, _ := workspace.Open(ctx, db.Read(), pat, m.ID, 1)
	cur, _ := workspace.Open(ctx, db.Read(), pat, m.ID, 0)
	if old.Doc.Resources[2].UnitCost != 25 || cur.Doc.Resources[2].UnitCost != 27 || cur.Doc.Categories[0].Current["NH"] != 70 {
		t.Errorf("version 1 costs %v, current %v with C1 NH %v", old.Doc.Resources[2].UnitCost, cur.Doc.Resources[2].UnitCost, cur.Doc.Categories[0].Current["NH"])
	}
	diff := workspace.Compare(old.Doc, cur.Doc)
	if len(diff) != 1 || diff[0] != (workspace.Difference{What: workspace.WhatCost, Item: "home_care_hour", Field: "unit_cost", Before: "25", After: "27"}) {
		t.Errorf("compare 1 with 2: %+v", diff)
	}
	// Cai keeps theirs as a new version, from the current one.
	if v, err := workspace.Save(ctx, db, testworld.Subject(colleague), m.ID, 2, theirs.Doc, "kept mine"); err != nil || v != 3 {
		t.Fatalf("keeping theirs: %d %v", v, err)
	}
}

// A model that does not validate is not stored, and says why at its path.
func TestInvalidModelNotStored(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	w := testworld.New(t, db)
	m := riverside(t)
	m.Resources[0].UnitCost = -5
	_, err := workspace.Create(ctx, db, testworld.Subject(w.Planner), m, "")
	var ps planning.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Path != "resources[0].unit_cost" {
		t.Fatalf("a negative cost: %v", err)
	}
	if list, _ := workspace.List(ctx, db.Read(), testworld.Subject(w.Planner)); len(list) != 0 {
		t.Errorf("%d models stored", len(list))
	}
}
