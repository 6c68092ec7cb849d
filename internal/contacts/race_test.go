package contacts_test

import (
	"errors"
	"sync"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/contacts"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// Two workers close one contact at once from the same form: exactly one
// outcome is saved, the other hears of the conflict, nothing is lost
// silently. Two workers allocate one person at once: one allocation is
// current afterwards, never two.
func TestRaces(t *testing.T) {
	f := setUp(t)
	n := newContact("Yusuf", "Ahmed", "1944-03-09", "", f.NorthTeam.ID, valid.Today())
	id, err := contacts.Record(f.ctx, f.DB, testworld.Subject(f.Sam), n)
	must(t, err)
	sam, mo := f.Open(t, f.Sam, id), f.Open(t, f.Mo, id)
	closing := func(op *access.Opened, o contacts.Outcome) func() error {
		return func() error { return contacts.Close(f.ctx, f.DB, op, n.Contact.ID, 1, o, "") }
	}
	storetest.Race(t, "closing a contact", 0, closing(sam, contacts.OutcomeSignposted), closing(mo, contacts.OutcomeNoFurtherAction))

	var wg sync.WaitGroup

	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pri := []contacts.Priority{contacts.PriorityUrgent, contacts.PriorityRoutine}[i%2]
			err := contacts.Allocate(f.ctx, f.DB, mo, &contacts.Allocation{TeamID: f.NorthTeam.ID, Priority: pri, Reason: "at once"})
			if err != nil && !errors.Is(err, store.ErrConflict) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := count(t, f.DB, `SELECT COUNT(*) FROM allocations WHERE person_id = $1 AND ended_at IS NULL`, id); got != 1 {
		t.Errorf("%d current allocations after allocating at once, want 1", got)
	}
	if got := count(t, f.DB, `SELECT COUNT(*) FROM person_links WHERE person_id = $1 AND kind = 'allocated_team' AND ended_at IS NULL`, id); got != 1 {
		t.Errorf("%d current team links after allocating at once, want 1", got)
	}
}

// Two workers transferring one person from the same page at once (both
// saw the same current allocation): exactly one transfer is saved, the
// other is told of the conflict, and the person has one current
// allocation, the winner's, with one team link and one worker link, on
// both engines. A form that saw an allocation already replaced, or none
// when there is one, changes nothing.
func TestTransferRace(t *testing.T) {
	f := setUp(t)
	n := newContact("Yusuf", "Ahmed", "1944-03-09", "", f.NorthTeam.ID, valid.Today())
	id, err := contacts.Record(f.ctx, f.DB, testworld.Subject(f.Sam), n)
	must(t, err)
	sam, mo := f.Open(t, f.Sam, id), f.Open(t, f.Mo, id)
	for round := range 5 {
		cur, err := contacts.Current(f.ctx, f.DB.Read(), sam)
		must(t, err)
		// Both stay in North, so both keep sight of him whoever wins; each
		// differs from the current one (the same again changes nothing).
		var choices []*contacts.Allocation
		for _, who := range []string{f.Sam.ID, f.Mo.ID} {
			for _, p := range contacts.Priorities {
				if len(choices) < 2 && (who != cur.AccountID || p != cur.Priority) {
					choices = append(choices, &contacts.Allocation{TeamID: f.NorthTeam.ID, AccountID: who, Priority: p,
						Reason: "Round " + string(p), Seen: cur.ID})
				}
			}
		}
		transfer := func(i int, op *access.Opened) func() error {
			return func() error { return contacts.Allocate(f.ctx, f.DB, op, choices[i]) }
		}
		winner := storetest.Race(t, "transferring an allocation", round, transfer(0, sam), transfer(1, mo))
		now, err := contacts.Current(f.ctx, f.DB.Read(), sam)
		must(t, err)
		if now.AccountID != choices[winner].AccountID || now.Priority != choices[winner].Priority {
			t.Fatalf("round %d: current %s %s, want the winner's %s %s", round, now.AccountID, now.Priority,
				choices[winner].AccountID, choices[winner].Priority)
		}
		for kind, want := range map[string]int{"allocated_team": 1, "allocated_worker": 1} {
			if got := count(t, f.DB, `SELECT COUNT(*) FROM person_links WHERE person_id = $1 AND kind = $2 AND ended_at IS NULL`, id, kind); got != want {
				t.Fatalf("round %d: %d current %s links, want %d", round, got, kind, want)
			}
		}
		if got := count(t, f.DB, `SELECT COUNT(*) FROM allocations WHERE person_id = $1 AND ended_at IS NULL`, id); got != 1 {
			t.Fatalf("round %d: %d current allocations, want 1", round, got)
		}
	}

	// Stale forms, one after the other: nothing changes.
	cur, err := contacts.Current(f.ctx, f.DB.Read(), sam)
	must(t, err)
	for _, seen := range []string{contacts.NoAllocation, n.Allocation.ID} {
		err := contacts.Allocate(f.ctx, f.DB, sam, &contacts.Allocation{TeamID: f.South.ID, Priority: contacts.PriorityRoutine,
			Reason: "South is nearer", Seen: seen})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("a form that saw %q: %v, want a conflict", seen, err)
		}
	}
	if now, err := contacts.Current(f.ctx, f.DB.Read(), sam); err != nil || now.ID != cur.ID {
		t.Errorf("after stale forms the current allocation is %+v (%v), want %s unchanged", now, err, cur.ID)
	}
}
