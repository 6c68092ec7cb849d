package people_test

import (
	"context"
	"fmt"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

// raceRounds is how many times each race is run (storetest.RaceRounds
// says why).
const raceRounds = storetest.RaceRounds

// race runs two changes at the same moment and checks exactly one won and
// the other was told of a conflict.
var race = storetest.Race

// auditCount counts change rows of one action.
func auditCount(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	evs, err := audit.ForAction(context.Background(), db.Read(), action, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

// Every versioned change, raced by two writers holding the same version,
// on both engines: exactly one wins each round, the loser hears of the
// conflict, the saved value is the winner's, and the audit trail records
// exactly the changes that happened.
func TestRacingWritersNeverBothWin(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	t.Logf("engine: %s", storetest.Engine())

	t.Run("person", func(t *testing.T) {
		before := auditCount(t, f.db, "person.update")
		for round := 0; round < raceRounds; round++ {
			cur, err := people.Load(ctx, f.db.Read(), op)
			if err != nil {
				t.Fatal(err)
			}
			names := [2]string{fmt.Sprintf("A%d", round), fmt.Sprintf("B%d", round)}
			edit := func(i int) func() error {
				return func() error {
					p := *cur
					p.PreferredName = names[i]
					return people.Update(ctx, f.db, op, &p)
				}
			}
			w := race(t, "person", round, edit(0), edit(1))
			got, _ := people.Load(ctx, f.db.Read(), op)
			if got.PreferredName != names[w] || got.Version != cur.Version+1 {
				t.Fatalf("round %d: saved %q v%d; want the winner's %q at v%d", round, got.PreferredName, got.Version, names[w], cur.Version+1)
			}
		}
		if n := auditCount(t, f.db, "person.update") - before; n != raceRounds {
			t.Errorf("%d person.update audit rows for %d changes", n, raceRounds)
		}
	})

	t.Run("about me", func(t *testing.T) {
		before := auditCount(t, f.db, "about_me.update")
		for round := 0; round < raceRounds; round++ {
			cur, err := people.GetAboutMe(ctx, f.db.Read(), op)
			if err != nil {
				t.Fatal(err)
			}
			edit := func(i int) func() error {
				return func() error {
					a := &people.AboutMe{Version: cur.Version, WhatMatters: fmt.Sprintf("Writer %d, round %d", i, round)}
					return people.SaveAboutMe(ctx, f.db, op, a)
				}
			}
			w := race(t, "about me", round, edit(0), edit(1))
			got, _ := people.GetAboutMe(ctx, f.db.Read(), op)
			if got.WhatMatters != fmt.Sprintf("Writer %d, round %d", w, round) {
				t.Fatalf("round %d: About me says %q; want the winner's", round, got.WhatMatters)
			}
		}
		if n := auditCount(t, f.db, "about_me.update") - before; n != raceRounds {
			t.Errorf("%d about_me.update audit rows for %d changes", n, raceRounds)
		}
	})

	t.Run("profile", func(t *testing.T) {
		before := auditCount(t, f.db, "person.profile.update")
		for round := 0; round < raceRounds; round++ {
			cur, err := people.GetProfile(ctx, f.db.Read(), op)
			if err != nil {
				t.Fatal(err)
			}
			edit := func(i int) func() error {
				return func() error {
					p := *cur
					p.BestTime = fmt.Sprintf("Writer %d, round %d", i, round)
					return people.UpdateProfile(ctx, f.db, op, &p)
				}
			}
			race(t, "profile", round, edit(0), edit(1))
		}
		if n := auditCount(t, f.db, "person.profile.update") - before; n != raceRounds {
			t.Errorf("%d profile audit rows for %d changes", n, raceRounds)
		}
	})

	t.Run("outcome", func(t *testing.T) {
		o := &people.Outcome{Statement: "I want to go to the quiz", Kind: "change", ExpressedBy: "person"}
		if err := people.AddOutcome(ctx, f.db, op, o); err != nil {
			t.Fatal(err)
		}
		before := auditCount(t, f.db, "outcome.update")
		for round := 0; round < raceRounds; round++ {
			list, err := people.Outcomes(ctx, f.db.Read(), op)
			if err != nil {
				t.Fatal(err)
			}
			cur := list[0]
			edit := func(i int) func() error {
				return func() error {
					x := cur
					x.WhyItMatters = fmt.Sprintf("Writer %d, round %d", i, round)
					return people.UpdateOutcome(ctx, f.db, op, &x)
				}
			}
			race(t, "outcome", round, edit(0), edit(1))
		}
		if n := auditCount(t, f.db, "outcome.update") - before; n != raceRounds {
			t.Errorf("%d outcome.update audit rows for %d changes", n, raceRounds)
		}
	})

	t.Run("story correction and removal", func(t *testing.T) {
		corrections, removals := auditCount(t, f.db, "story.correct"), auditCount(t, f.db, "story.remove")
		wantCorrect, wantRemove := 0, 0
		for round := 0; round < raceRounds; round++ {
			e := &people.Entry{Kind: "note", OccurredAt: at("2026-11-01T10:00:00Z"), Body: fmt.Sprintf("Entry %d", round)}
			if err := people.AddEntry(ctx, f.db, op, e); err != nil {
				t.Fatal(err)
			}
			correct := func(i int) func() error {
				return func() error {
					c := &people.Entry{Kind: "note", OccurredAt: e.OccurredAt, Body: fmt.Sprintf("Entry %d, corrected by %d", round, i)}
					return people.CorrectEntry(ctx, f.db, op, e.ID, c, "Typo")
				}
			}
			remove := func() error { return people.RemoveEntry(ctx, f.db, op, e.ID, "Wrong person's record") }
			// Two corrections, or a correction and a removal, of one entry.
			if round%2 == 0 {
				race(t, "two corrections", round, correct(0), correct(1))
				wantCorrect++
			} else if race(t, "correction and removal", round, correct(0), remove) == 0 {
				wantCorrect++
			} else {
				wantRemove++
			}
			// However the race went, the entry has at most one live version.
			live, err := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range live {
				if x.ID == e.ID || x.Supersedes == e.ID {
					n++
				}
			}
			if n > 1 {
				t.Fatalf("round %d: entry has %d live versions", round, n)
			}
		}
		if n := auditCount(t, f.db, "story.correct") - corrections; n != wantCorrect {
			t.Errorf("%d story.correct audit rows for %d corrections", n, wantCorrect)
		}
		if n := auditCount(t, f.db, "story.remove") - removals; n != wantRemove {
			t.Errorf("%d story.remove audit rows for %d removals", n, wantRemove)
		}
	})
}
