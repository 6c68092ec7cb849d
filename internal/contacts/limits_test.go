package contacts_test

import (
	"strings"
	"testing"

	"whatmatters/internal/contacts"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// Every typed field is bounded before anything is stored: at its limit it
// is accepted, one character over it is refused by name. The limits are
// written here as numbers, not read from the package, so a limit changed
// by mistake shows.
func TestTypedFieldsAreBounded(t *testing.T) {
	for _, c := range []struct {
		field, code string
		limit       int
		set         func(n *contacts.New, s string)
	}{
		{"asker_name", "contact.asker_name.too_long", 200, func(n *contacts.New, s string) { n.Contact.AskerName = s }},
		{"reason", "contact.reason.too_long", 2000, func(n *contacts.New, s string) { n.Contact.Reason = s }},
		{"note", "contact.note.too_long", 2000, func(n *contacts.New, s string) {
			n.Contact.Outcome, n.Contact.OutcomeNote = contacts.OutcomeInformation, s
		}},
		{"allocation_reason", "allocation.reason.too_long", 2000, func(n *contacts.New, s string) { n.Allocation.Reason = s }},
	} {
		// "ŵ" is one character and two bytes: the limit counts characters.
		for _, length := range []int{c.limit, c.limit + 1} {
			n := newContact("Ann", "Lee", "1950-02-02", "", valid.NewID(), valid.Today())
			c.set(n, strings.Repeat("ŵ", length))
			err := n.Check(valid.Today())
			if got, want := testworld.HasProblem(err, c.field, c.code), length > c.limit; got != want {
				t.Errorf("%s of %d characters: refused %v, want %v (%v)", c.field, length, got, want, err)
			}
		}
	}
}

// Closing a contact bounds its note the same way, before anything is
// written.
func TestClosingNoteIsBounded(t *testing.T) {
	f := setUp(t)
	n := newContact("Ann", "Lee", "1950-02-02", "", f.NorthTeam.ID, valid.Today())
	id, err := contacts.Record(f.ctx, f.DB, testworld.Subject(f.Sam), n)
	must(t, err)
	op := f.Open(t, f.Sam, id)
	err = contacts.Close(f.ctx, f.DB, op, n.Contact.ID, 1, contacts.OutcomeInformation, strings.Repeat("a", 2001))
	if !testworld.HasProblem(err, "note", "contact.note.too_long") {
		t.Fatalf("a 2001-character note: %v", err)
	}
	must(t, contacts.Close(f.ctx, f.DB, op, n.Contact.ID, 1, contacts.OutcomeInformation, strings.Repeat("a", 2000)))
}
