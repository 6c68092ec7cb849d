package demo_test

import (
	"context"
	"testing"

	"whatmatters/internal/conversations"
	"whatmatters/internal/directory"
	"whatmatters/internal/valid"
)

// The demo has a directory worth searching (twelve entries, one not
// checked for a year), Mr Y's listen-and-connect conversation connecting
// him to the stroke club, and a crisis with an overdue action on Sam's
// home page.
func TestDemoConversationsAndDirectory(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	sam := subject(t, db, "sam@riverside.example")
	entries, err := directory.Search(ctx, db.Read(), sam, "", "")
	if err != nil {
		t.Fatal(err)
	}
	stale := 0
	for _, e := range entries {
		if e.NeedsChecking(valid.Today()) {
			stale++
		}
	}
	if len(entries) != 12 || stale != 1 {
		t.Errorf("directory: %d entries, %d needing checking; want 12 and 1", len(entries), stale)
	}
	mrY := open(t, db, "priya@riverside.example", personID(t, db, "Geoffrey", "Young"))
	cs, err := conversations.List(ctx, db.Read(), mrY)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Ended != conversations.Resolved || len(cs[0].Connections) != 3 || cs[0].Connections[0].EntryName != "Riverside Stroke Club" {
		t.Fatalf("Mr Y's conversations: %+v", cs)
	}
	over, err := conversations.OverdueActions(ctx, db, sam, valid.Today())
	if err != nil {
		t.Fatal(err)
	}
	if len(over) != 1 || over[0].PersonName != "Cyril Adams" || over[0].What != "Get the boiler mended before the frost" {
		t.Fatalf("Sam's overdue actions: %+v", over)
	}
}
