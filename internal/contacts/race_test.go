package contacts_test

import (
	"errors"
	"sync"
	"testing"

	"whatmatters/internal/contacts"
	"whatmatters/internal/store"
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
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, op := range []struct {
		o   contacts.Outcome
		who int
	}{{contacts.OutcomeSignposted, 0}, {contacts.OutcomeNoFurtherAction, 1}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opened := sam
			if op.who == 1 {
				opened = mo
			}
			errs[i] = contacts.Close(f.ctx, f.DB, opened, n.Contact.ID, 1, op.o, "")
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrConflict):
			conflicts++
		default:
			t.Fatal(err)
		}
	}
	if ok != 1 || conflicts != 1 {
		t.Fatalf("closing at once: %d saved, %d conflicts; want 1 and 1", ok, conflicts)
	}

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
