package people_test

import (
	"context"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/people"
)

func TestAddresses(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	bad := &people.Address{PersonID: f.person.ID, Kind: "castle", Postcode: "NOT A POSTCODE", FromDate: "2026-02-30"}
	fields := fieldsOf(people.AddAddress(ctx, f.db, f.worker, bad))
	for _, want := range []string{"kind", "lines", "postcode", "from_date"} {
		if !fields[want] {
			t.Errorf("no problem reported for %s: %v", want, fields)
		}
	}
	good := &people.Address{PersonID: f.person.ID, Kind: "home", Lines: "2 River View\nRiverside", Postcode: "cf101aa", FromDate: "2019-04-01"}
	if err := people.AddAddress(ctx, f.db, f.worker, good); err != nil {
		t.Fatal(err)
	}
	if good.Postcode != "CF10 1AA" {
		t.Errorf("postcode kept as %q, want CF10 1AA", good.Postcode)
	}
	if err := people.AddAddress(ctx, f.db, f.stranger, &people.Address{PersonID: f.person.ID, Kind: "home", Lines: "x"}); err == nil {
		t.Error("a stranger added an address")
	}
	list, err := people.Addresses(ctx, f.db.Read(), f.person.ID)
	if err != nil || len(list) != 1 || list[0].Lines != "2 River View\nRiverside" {
		t.Errorf("addresses: %v %v", list, err)
	}
}

func TestSearchByDateOfBirthAsTyped(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	p, err := people.Get(ctx, f.db, f.worker, f.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.DateOfBirth = "1941-03-27"
	if err := people.Update(ctx, f.db, f.worker, p); err != nil {
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
	st := &people.Strength{PersonID: f.person.ID, Strength: "Determined", Meaning: "Keeps going", NamedBy: "Carys", LastConfirmedOn: "2026-01-01"}
	if err := people.AddStrength(ctx, f.db, f.worker, st); err != nil {
		t.Fatal(err)
	}
	ra := &people.RiskAgreement{PersonID: f.person.ID, WantsTo: "Walk alone", Risk: "A fall", Likelihood: "low", Impact: "medium",
		PersonsView: "I'll manage", AgreedBy: "Rhodri", ReviewOn: "2027-01-01"}
	if err := people.AddRiskAgreement(ctx, f.db, f.worker, ra); err != nil {
		t.Fatal(err)
	}
	o := &people.Outcome{PersonID: f.person.ID, Statement: "I want to walk outdoors again", Kind: "change", ExpressedBy: "person",
		StrengthIDs: []string{st.ID}, RiskIDs: []string{ra.ID}}
	if err := people.AddOutcome(ctx, f.db, f.worker, o); err != nil {
		t.Fatal(err)
	}
	list, _ := people.Outcomes(ctx, f.db.Read(), f.person.ID)
	if len(list) != 1 || len(list[0].StrengthIDs) != 1 || list[0].StrengthIDs[0] != st.ID || len(list[0].RiskIDs) != 1 {
		t.Fatalf("links not kept: %+v", list)
	}
	// Another person's strength is refused, and the outcome keeps its links.
	other := &people.Person{GivenName: "Someone", FamilyName: "Else"}
	if err := people.Create(ctx, f.db, audit.System, other); err != nil {
		t.Fatal(err)
	}
	list[0].StrengthIDs = []string{"not-a-strength"}
	if !fieldsOf(people.UpdateOutcome(ctx, f.db, f.worker, &list[0]))["strength_ids"] {
		t.Error("a strength from elsewhere was accepted")
	}
	again, _ := people.Outcomes(ctx, f.db.Read(), f.person.ID)
	if len(again[0].StrengthIDs) != 1 || again[0].Version != 1 {
		t.Errorf("a refused update changed the outcome: %+v", again[0])
	}
}
