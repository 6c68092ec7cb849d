package demo_test

import (
	"context"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/demo"
	"whatmatters/internal/workspace"
)

// The planner lands on the Riverside models, and seeding again adds no
// second copy.
func TestPlannerHasTheRiversideModels(t *testing.T) {
	db := seeded(t)
	if err := demo.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	a, err := account.AccountByEmail(context.Background(), db.Read(), "planner@riverside.example")
	if err != nil {
		t.Fatal(err)
	}
	list, err := workspace.List(context.Background(), db.Read(), account.NewSubject(a, "127.0.0.1", "t"))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "Riverside (synthetic worked example)" || list[1].Name != "Riverside LP check (synthetic)" ||
		list[0].OrganisationName != demo.Council || !list[0].MayEdit {
		t.Fatalf("the planner's models: %+v", list)
	}
}
