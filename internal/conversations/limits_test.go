package conversations_test

import (
	"context"
	"strings"
	"testing"

	"whatmatters/internal/conversations"
	"whatmatters/internal/people"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// long is n characters, each two bytes: the limits count characters.
func long(n int) string { return strings.Repeat("ŵ", n) }

// Every typed field is bounded before anything is stored: at its limit it
// is accepted, one character over it is refused by name. The limits are
// written here as numbers, not read from the package, so a limit changed
// by mistake shows.
func TestTypedFieldsAreBounded(t *testing.T) {
	conversation := func(set func(c *conversations.Conversation)) func() error {
		return func() error {
			c := &conversations.Conversation{Kind: conversations.ListenConnect, HeldOn: valid.Today(), TookPart: "Helen",
				WhatMatters: "Bowls", Ended: conversations.Resolved}
			set(c)
			return c.Check()
		}
	}
	action := func(set func(a *conversations.Action)) func() error {
		return func() error {
			a := &conversations.Action{What: "Mend the boiler", OwnerName: "Tom", DueOn: valid.Today()}
			set(a)
			return a.Check()
		}
	}
	for _, c := range []struct {
		field, code string
		limit       int
		check       func(s string) func() error
	}{
		{"took_part", "conversation.took_part.too_long", 300, func(s string) func() error {
			return conversation(func(c *conversations.Conversation) { c.TookPart = s })
		}},
		{"what_matters", "conversation.what_matters.too_long", 4000, func(s string) func() error {
			return conversation(func(c *conversations.Conversation) { c.WhatMatters = s })
		}},
		{"strengths_noticed", "conversation.strengths_noticed.too_long", 4000, func(s string) func() error {
			return conversation(func(c *conversations.Conversation) { c.StrengthsNoticed = s })
		}},
		{"can_do", "conversation.can_do.too_long", 4000, func(s string) func() error {
			return conversation(func(c *conversations.Conversation) { c.CanDo = s })
		}},
		{"end_note", "conversation.end_note.too_long", 4000, func(s string) func() error {
			return conversation(func(c *conversations.Conversation) { c.EndNote = s })
		}},
		{"connection_detail", "conversation.connection.detail_too_long", 300, func(s string) func() error {
			return conversation(func(c *conversations.Conversation) {
				c.Connections = []conversations.Connection{{Kind: conversations.Neighbour, Detail: s}}
			})
		}},
		{"what", "action.what.too_long", 300, func(s string) func() error {
			return action(func(a *conversations.Action) { a.What = s })
		}},
		{"owner_name", "action.owner.too_long", 300, func(s string) func() error {
			return action(func(a *conversations.Action) { a.OwnerName = s })
		}},
		{"help", "help.help.too_long", 300, func(s string) func() error {
			return func() error { return (&conversations.Help{OnDate: valid.Today(), Help: s}).Check() }
		}},
	} {
		for _, length := range []int{c.limit, c.limit + 1} {
			err := c.check(long(length))()
			if got, want := testworld.HasProblem(err, c.field, c.code), length > c.limit; got != want {
				t.Errorf("%s of %d characters: refused %v, want %v (%v)", c.field, length, got, want, err)
			}
		}
	}
	// The list of connections is bounded too: twenty, not twenty-one.
	for _, n := range []int{20, 21} {
		c := &conversations.Conversation{Kind: conversations.ListenConnect, HeldOn: valid.Today(), TookPart: "Helen", WhatMatters: "Bowls"}
		for range n {
			c.Connections = append(c.Connections, conversations.Connection{Kind: conversations.Neighbour, Detail: "Mrs Jones"})
		}
		if got, want := testworld.HasProblem(c.Check(), "connection_kind", "conversation.connections.too_many"), n > 20; got != want {
			t.Errorf("%d connections: refused %v, want %v", n, got, want)
		}
	}
	// A directory entry is named by its id, never by any other text.
	c := &conversations.Conversation{Kind: conversations.ListenConnect, HeldOn: valid.Today(), TookPart: "Helen", WhatMatters: "Bowls",
		Connections: []conversations.Connection{{Kind: conversations.Directory, DirectoryEntryID: long(5000)}}}
	if !testworld.HasProblem(c.Check(), "directory_entry", "conversation.connection.entry_required") {
		t.Error("a directory entry named by 5000 characters was accepted")
	}
}

// What is typed for the crisis's forms and the outcome a conversation adds
// is bounded before anything is written: a check-in's note, the closing
// note, and the name of who said what matters.
func TestCrisisAndOutcomeFieldsAreBounded(t *testing.T) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	op := w.Open(t, w.Sam, w.Helen.ID)
	c := &conversations.Conversation{HeldOn: valid.Today(), TookPart: "Helen"}
	must(t, conversations.StartCrisis(ctx, db, op, c))

	err := conversations.AddCheckIn(ctx, db, op, c.ID, &conversations.CheckIn{OnDate: valid.Today(), Note: long(4001)})
	if !testworld.HasProblem(err, "checkin_note", "checkin.note.too_long") {
		t.Errorf("a 4001-character check-in: %v", err)
	}
	must(t, conversations.AddCheckIn(ctx, db, op, c.ID, &conversations.CheckIn{OnDate: valid.Today(), Note: long(4000)}))
	err = conversations.Close(ctx, db, op, c.ID, c.Version, conversations.Resolved, valid.Today(), long(4001))
	if !testworld.HasProblem(err, "end_note", "conversation.end_note.too_long") {
		t.Errorf("a 4001-character closing note: %v", err)
	}

	talk := &conversations.Conversation{HeldOn: valid.Today(), TookPart: "Helen and Tom", WhatMatters: "Bowls",
		Ended: conversations.Resolved}
	o := &people.Outcome{Statement: "Bowls", Kind: people.OutcomeChange, ExpressedBy: people.ExpressedByRelative,
		ExpressedByName: long(101)}
	if err := conversations.Start(ctx, db, op, talk, o); !testworld.HasProblem(err, "expressed_by_name", "outcome.expressed_by_name.too_long") {
		t.Errorf("a 101-character name of who said it: %v", err)
	}
	var n int
	must(t, db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations WHERE kind = 'listen_connect'`).Scan(&n))
	if n != 0 {
		t.Errorf("the refused conversation left %d rows", n)
	}
	o.ExpressedByName = long(100)
	must(t, conversations.Start(ctx, db, op, talk, o))
}
