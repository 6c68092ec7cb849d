package conversations_test

import (
	"context"
	"errors"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/conversations"
	"whatmatters/internal/directory"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestListenAndConnectEndsResolvedOrInCrisis(t *testing.T) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	op := w.Open(t, w.Sam, w.Helen.ID)
	club := &directory.Entry{Name: "Riverside Stroke Club", Offer: "Tea and talks", Categories: []directory.Category{directory.Social},
		LastCheckedOn: valid.Today()}
	must(t, directory.Add(ctx, db, testworld.Subject(w.Sam), club))
	// Hillside's entry is not Sam's to connect anyone to.
	theirs := &directory.Entry{Name: "Hillside Lunch Club", Offer: "Lunch", Categories: []directory.Category{directory.Social},
		LastCheckedOn: valid.Today()}
	must(t, directory.Add(ctx, db, testworld.Subject(w.Alys), theirs))

	c := &conversations.Conversation{HeldOn: valid.Today(), TookPart: "Helen", WhatMatters: "The bowls club", Ended: conversations.Resolved,
		Connections: []conversations.Connection{{Kind: conversations.Directory, DirectoryEntryID: theirs.ID}}}
	if ps, _ := valid.From(conversations.Start(ctx, db, op, c)); len(ps) != 1 || ps[0].Code != "conversation.connection.entry_required" {
		t.Fatalf("another council's entry: %v", ps)
	}
	var n int
	must(t, db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations`).Scan(&n))
	if n != 0 {
		t.Fatalf("a refused conversation left %d rows", n)
	}

	c.Connections[0].DirectoryEntryID = club.ID
	must(t, conversations.Start(ctx, db, op, c))
	got, err := conversations.Get(ctx, db.Read(), op, c.ID)
	must(t, err)
	if got.Ended != conversations.Resolved || got.EndedOn != valid.Today() || len(got.Connections) != 1 ||
		got.Connections[0].EntryName != "Riverside Stroke Club" || got.NextID != "" {
		t.Fatalf("resolved conversation: %+v", got)
	}

	crisis := &conversations.Conversation{HeldOn: valid.Today(), TookPart: "Helen", WhatMatters: "Warmth", Ended: conversations.ToCrisis}
	must(t, conversations.Start(ctx, db, op, crisis))
	if crisis.NextID == "" {
		t.Fatal("ending in a crisis opened no crisis conversation")
	}
	plan, err := conversations.Get(ctx, db.Read(), op, crisis.NextID)
	must(t, err)
	if plan.Kind != conversations.Crisis || plan.WorkerID != w.Sam.ID || plan.WorkerName != "Sam Okafor" || plan.FollowsID != crisis.ID {
		t.Fatalf("the crisis: %+v", plan)
	}
	// Two actions: one overdue, one not yet due.
	late := &conversations.Action{ConversationID: plan.ID, What: "Mend the boiler", OwnerName: "Tom", DueOn: valid.Today().AddDays(-1)}
	soon := &conversations.Action{ConversationID: plan.ID, What: "Blankets", OwnerName: "Sam", DueOn: valid.Today().AddDays(1)}
	must(t, conversations.AddAction(ctx, db, op, late))
	must(t, conversations.AddAction(ctx, db, op, soon))
	// Sam sees the overdue one; Alys, who cannot see Helen, sees nothing.
	over, err := conversations.OverdueActions(ctx, db, testworld.Subject(w.Sam), valid.Today())
	must(t, err)
	if len(over) != 1 || over[0].What != "Mend the boiler" || over[0].PersonName != "Helen Marsh" {
		t.Fatalf("overdue for Sam: %+v", over)
	}
	if over, _ := conversations.OverdueActions(ctx, db, testworld.Subject(w.Alys), valid.Today()); len(over) != 0 {
		t.Fatalf("overdue for Alys: %+v", over)
	}
	// Closed, the crisis's actions are no longer anyone's to chase.
	must(t, conversations.Close(ctx, db, op, plan.ID, plan.Version, conversations.Resolved, valid.Today(), "Warm again"))
	if over, _ := conversations.OverdueActions(ctx, db, testworld.Subject(w.Sam), valid.Today()); len(over) != 0 {
		t.Fatalf("overdue after closing: %+v", over)
	}
	if err := conversations.AddAction(ctx, db, op, &conversations.Action{ConversationID: plan.ID, What: "More", OwnerName: "Sam",
		DueOn: valid.Today()}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an action on a closed crisis: %v", err)
	}
	// The directory counts the connection.
	e, err := directory.Get(ctx, db.Read(), testworld.Subject(w.Sam), club.ID)
	must(t, err)
	if e.Connections != 1 {
		t.Errorf("connections to the club: %d, want 1", e.Connections)
	}
	// Another person's conversation is not found through Helen's record.
	jo := w.Open(t, w.Jo, w.Hugh.ID)
	if _, err := conversations.Get(ctx, db.Read(), jo, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Helen's conversation through Hugh's record: %v", err)
	}
	// Emergency access reads conversations and changes none.
	if err := conversations.Start(ctx, db, readOnly(t, w, op), c); !access.IsNotAllowed(err) {
		t.Fatalf("emergency access starting a conversation: %v", err)
	}
}

// What matters added to the person's outcomes is saved with the
// conversation that heard it, all or nothing: a connection refused after
// the outcome and the conversation were written inside the transaction
// (another council's directory entry) leaves neither behind, and the
// same conversation with its own council's entry saves both, linked.
func TestConversationAndItsOutcomeAreOneTransaction(t *testing.T) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	op := w.Open(t, w.Sam, w.Helen.ID)
	theirs := &directory.Entry{Name: "Hillside Lunch Club", Offer: "Lunch", Categories: []directory.Category{directory.Social},
		LastCheckedOn: valid.Today()}
	must(t, directory.Add(ctx, db, testworld.Subject(w.Alys), theirs))
	ours := &directory.Entry{Name: "Riverside Stroke Club", Offer: "Tea", Categories: []directory.Category{directory.Social},
		LastCheckedOn: valid.Today()}
	must(t, directory.Add(ctx, db, testworld.Subject(w.Sam), ours))
	count := func(table string) int {
		t.Helper()
		var n int
		must(t, db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE person_id = $1`, w.Helen.ID).Scan(&n))
		return n
	}
	outcomesBefore := count("outcomes")

	c := &conversations.Conversation{HeldOn: valid.Today(), TookPart: "Helen", WhatMatters: "Getting back to the bowls club",
		Ended: conversations.Resolved, Connections: []conversations.Connection{{Kind: conversations.Directory, DirectoryEntryID: theirs.ID}}}
	o := &people.Outcome{Statement: c.WhatMatters, Kind: people.OutcomeChange, ExpressedBy: people.ExpressedByPerson}
	if ps, _ := valid.From(conversations.Start(ctx, db, op, c, o)); len(ps) != 1 || ps[0].Code != "conversation.connection.entry_required" {
		t.Fatalf("another council's entry: %v", ps)
	}
	if n := count("conversations"); n != 0 {
		t.Errorf("the refused conversation left %d conversations", n)
	}
	if n := count("outcomes"); n != outcomesBefore {
		t.Errorf("the refused conversation left %d outcomes, want %d", n, outcomesBefore)
	}

	c.Connections[0].DirectoryEntryID = ours.ID
	o = &people.Outcome{Statement: c.WhatMatters, Kind: people.OutcomeChange, ExpressedBy: people.ExpressedByPerson}
	must(t, conversations.Start(ctx, db, op, c, o))
	if n := count("outcomes"); n != outcomesBefore+1 {
		t.Errorf("outcomes after saving: %d, want %d", n, outcomesBefore+1)
	}
	got, err := conversations.Get(ctx, db.Read(), op, c.ID)
	must(t, err)
	if len(got.OutcomeIDs) != 1 || got.OutcomeIDs[0] != o.ID || o.ID == "" {
		t.Fatalf("the conversation's outcomes: %v, want [%s]", got.OutcomeIDs, o.ID)
	}
}

// readOnly opens Helen's record through emergency access (read only).
func readOnly(t *testing.T, w *testworld.World, _ *access.Opened) *access.Opened {
	t.Helper()
	ctx := context.Background()
	if _, err := access.StartBreakGlass(ctx, w.DB, testworld.Subject(w.Alys), w.Helen.ID, "Called to A&E, she cannot tell us her medication"); err != nil {
		t.Fatal(err)
	}
	return w.Open(t, w.Alys, w.Helen.ID)
}

// Two workers moving one action from the same version at the same moment:
// exactly one wins, the other is told of the conflict, on both engines.
func TestActionStatusRace(t *testing.T) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	op := w.Open(t, w.Sam, w.Helen.ID)
	c := &conversations.Conversation{HeldOn: valid.Today(), TookPart: "Helen"}
	must(t, conversations.StartCrisis(ctx, db, op, c))
	for round := range conversations.MaxAction { // a plan holds at most that many
		a := &conversations.Action{ConversationID: c.ID, What: "Round", OwnerName: "Sam", DueOn: valid.Today()}
		must(t, conversations.AddAction(ctx, db, op, a))
		moving := func(s conversations.ActionStatus) func() error {
			return func() error { return conversations.SetActionStatus(ctx, db, op, a.ID, 1, s) }
		}
		storetest.Race(t, "moving an action", round, moving(conversations.Done), moving(conversations.Dropped))
	}
}

// Two workers closing one crisis from the same version at the same moment:
// exactly one closing is saved, the other is told of the conflict, and the
// crisis holds the winner's ending and note, on both engines.
func TestCloseCrisisRace(t *testing.T) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	op := w.Open(t, w.Sam, w.Helen.ID)
	for round := range 5 {
		c := &conversations.Conversation{HeldOn: valid.Today(), TookPart: "Helen"}
		must(t, conversations.StartCrisis(ctx, db, op, c))
		endings := []conversations.Ending{conversations.Resolved, conversations.GoodLife}
		notes := []string{"Warm again", "Planning a good life"}
		closing := func(i int) func() error {
			return func() error {
				return conversations.Close(ctx, db, op, c.ID, c.Version, endings[i], valid.Today(), notes[i])
			}
		}
		winner := storetest.Race(t, "closing a crisis", round, closing(0), closing(1))
		got, err := conversations.Get(ctx, db.Read(), op, c.ID)
		must(t, err)
		if got.Ended != endings[winner] || got.EndNote != notes[winner] || got.Version != 2 {
			t.Fatalf("round %d: ended %q %q version %d, want %q %q version 2", round, got.Ended, got.EndNote, got.Version,
				endings[winner], notes[winner])
		}
	}
}

func TestParsePounds(t *testing.T) {
	for in, want := range map[string]int{"": 0, "12": 1200, "£12.50": 1250, "32.5": 3250, " £1,234.05 ": 123405, "0.07": 7} {
		got, err := conversations.ParsePounds("amount", in)
		if err != nil || got != want {
			t.Errorf("ParsePounds(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"-5", "12.345", "twelve", "1e3", "£", "12.", "99999999"} {
		if _, err := conversations.ParsePounds("amount", in); err == nil {
			t.Errorf("ParsePounds(%q) accepted", in)
		}
	}
	if got := conversations.FormatPence(5249); got != "£52.49" {
		t.Errorf("FormatPence(5249) = %q", got)
	}
}
