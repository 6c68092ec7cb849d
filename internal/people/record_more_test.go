package people_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

func TestAddresses(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	bad := &people.Address{Kind: "castle", Postcode: "NOT A POSTCODE", FromDate: valid.MustDate("2026-03-01"), ToDate: valid.MustDate("2026-02-01")}
	fields := fieldsOf(people.AddAddress(ctx, f.db, op, bad))
	for _, want := range []string{"kind", "lines", "postcode", "to_date"} {
		if !fields[want] {
			t.Errorf("no problem reported for %s: %v", want, fields)
		}
	}
	good := &people.Address{Kind: "home", Lines: "2 River View\nRiverside", Postcode: "cf101aa", FromDate: valid.MustDate("2019-04-01")}
	if err := people.AddAddress(ctx, f.db, op, good); err != nil {
		t.Fatal(err)
	}
	if good.Postcode != "CF10 1AA" || good.PersonID != f.person.ID {
		t.Errorf("address kept as %+v, want postcode CF10 1AA for %s", good, f.person.ID)
	}
	// A stranger cannot open the record to add an address.
	outOfReach(t, f.db, f.stranger, f.person.ID)
	list, err := people.Addresses(ctx, f.db.Read(), op)
	// The date given comes back; the one not given (stored as "") is no date.
	if err != nil || len(list) != 1 || list[0].Lines != "2 River View\nRiverside" || list[0].FromDate != valid.MustDate("2019-04-01") || !list[0].ToDate.IsZero() {
		t.Errorf("addresses: %v %v", list, err)
	}
	if n := count(t, f.db, "person_addresses"); n != 1 {
		t.Errorf("%d addresses stored; want 1", n)
	}
}

func TestSearchByDateOfBirthAsTyped(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	p, err := people.Load(ctx, f.db.Read(), op)
	if err != nil {
		t.Fatal(err)
	}
	p.DateOfBirth = valid.MustDate("1941-03-27")
	if err := people.Update(ctx, f.db, op, p); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"27/03/1941", "27/3/1941", "1941-03-27", "27 3 1941", "27 March 1941", "27 mar 1941"} {
		list, err := people.List(ctx, f.db, f.worker, q)
		if err != nil || len(list) != 1 {
			t.Errorf("search %q: %d found (%v)", q, len(list), err)
		}
		if list, _ := people.List(ctx, f.db, f.stranger, q); len(list) != 0 {
			t.Errorf("search %q as a stranger found someone", q)
		}
	}
	if list, _ := people.List(ctx, f.db, f.worker, "28/03/1941"); len(list) != 0 {
		t.Errorf("another date found someone")
	}
}

func TestOutcomeLinksToStrengthsAndRisks(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	st := &people.Strength{Strength: "Determined", Meaning: "Keeps going", NamedBy: "Carys", LastConfirmedOn: valid.MustDate("2026-01-01")}
	if err := people.AddStrength(ctx, f.db, op, st); err != nil {
		t.Fatal(err)
	}
	ra := &people.RiskAgreement{WantsTo: "Walk alone", Risk: "A fall", Likelihood: "low", Impact: "medium",
		PersonsView: "I'll manage", AgreedBy: "Rhodri", ReviewOn: valid.MustDate("2027-01-01")}
	if err := people.AddRiskAgreement(ctx, f.db, op, ra); err != nil {
		t.Fatal(err)
	}
	o := &people.Outcome{Statement: "I want to walk outdoors again", Kind: "change", ExpressedBy: "person",
		StrengthIDs: []string{st.ID}, RiskIDs: []string{ra.ID}}
	if err := people.AddOutcome(ctx, f.db, op, o); err != nil {
		t.Fatal(err)
	}
	list, _ := people.Outcomes(ctx, f.db.Read(), op)
	if len(list) != 1 || len(list[0].StrengthIDs) != 1 || list[0].StrengthIDs[0] != st.ID || len(list[0].RiskIDs) != 1 {
		t.Fatalf("links not kept: %+v", list)
	}
	// Another person's strength, or no strength at all, is refused, and
	// the outcome keeps its links.
	other := f.another(t, "Someone")
	theirs := &people.Strength{Strength: "Sings", Meaning: "Choir on Tuesdays", NamedBy: "Someone", LastConfirmedOn: valid.MustDate("2026-01-01")}
	if err := people.AddStrength(ctx, f.db, open(t, f.db, f.worker, other.ID), theirs); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{theirs.ID, "not-a-strength"} {
		changed := list[0]
		changed.StrengthIDs = []string{id}
		if !fieldsOf(people.UpdateOutcome(ctx, f.db, op, &changed))["strength_ids"] {
			t.Errorf("strength %s from elsewhere was accepted", id)
		}
	}
	again, _ := people.Outcomes(ctx, f.db.Read(), op)
	if len(again[0].StrengthIDs) != 1 || again[0].StrengthIDs[0] != st.ID || again[0].Version != 1 {
		t.Errorf("a refused update changed the outcome: %+v", again[0])
	}
}

// A link that ends after the record was opened stops the next change: the
// rule is checked again in the change's own transaction.
func TestChangeRechecksTheRule(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	if err := f.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE person_links SET ended_at = $1 WHERE person_id = $2`, store.Now(), f.person.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	st := &people.Strength{Strength: "Determined", Meaning: "Keeps going", NamedBy: "Carys", LastConfirmedOn: valid.MustDate("2026-01-01")}
	if err := people.AddStrength(ctx, f.db, op, st); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("change after the link ended = %v; want not found", err)
	}
	if n := count(t, f.db, "strengths"); n != 0 {
		t.Fatalf("%d strengths written; want none", n)
	}
	if evs, _ := audit.ForAction(ctx, f.db.Read(), "strength.create", 10); len(evs) != 0 {
		t.Fatalf("a refused change was audited as made: %+v", evs)
	}
	outOfReach(t, f.db, f.worker, f.person.ID)
}
