package people_test

import (
	"context"
	"errors"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

func TestProfileSharesThePersonsVersion(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	gp := &account.Organisation{Name: "Elm Street Surgery", Kind: account.OrgGPPractice}
	if err := account.CreateOrganisation(ctx, f.db, audit.System, gp); err != nil {
		t.Fatal(err)
	}
	p, err := people.GetProfile(ctx, f.db.Read(), op)
	if err != nil {
		t.Fatal(err)
	}
	p.Communication = "Speaks slowly; needs time to answer"
	p.CommunicationHelps = "Radio 3 in the background relaxes him"
	p.PrefersWelsh = true
	p.GPPracticeID = gp.ID
	if err := people.UpdateProfile(ctx, f.db, op, p); err != nil {
		t.Fatal(err)
	}
	got, _ := people.GetProfile(ctx, f.db.Read(), op)
	if got.CommunicationHelps != "Radio 3 in the background relaxes him" || !got.PrefersWelsh || got.GPPracticeName != "Elm Street Surgery" {
		t.Fatalf("profile = %+v", got)
	}
	// Editing the name from the version before the profile change conflicts.
	stale := *f.person
	stale.PreferredName = "Rhod"
	if err := people.Update(ctx, f.db, op, &stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale name edit = %v; want conflict", err)
	}
	// A care home is not a GP practice.
	home := &account.Organisation{Name: "Oakfield", Kind: account.OrgCareHome}
	_ = account.CreateOrganisation(ctx, f.db, audit.System, home)
	got.GPPracticeID = home.ID
	if fs := fieldsOf(people.UpdateProfile(ctx, f.db, op, got)); !fs["gp_practice_id"] {
		t.Fatalf("care home accepted as GP practice: %v", fs)
	}
}

func TestRelationshipStoredBothWays(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	mum := &people.Person{GivenName: "Mair", FamilyName: "Jones"}
	if err := people.Create(ctx, f.db, audit.System, mum); err != nil {
		t.Fatal(err)
	}
	// The worker cannot see Mair yet, so cannot open her record to add to it.
	outOfReach(t, f.db, f.worker, mum.ID)
	if err := access.AddLink(ctx, f.db, audit.System, &access.Link{PersonID: mum.ID, Kind: access.LinkAllocatedWorker, AccountID: f.worker.Account.ID}); err != nil {
		t.Fatal(err)
	}
	hersOp, hisOp := open(t, f.db, f.worker, mum.ID), open(t, f.db, f.worker, f.person.ID)
	// Someone the worker cannot see is refused as the other side.
	hidden := &people.Person{GivenName: "Hidden", FamilyName: "Person"}
	if err := people.Create(ctx, f.db, audit.System, hidden); err != nil {
		t.Fatal(err)
	}
	if fs := fieldsOf(people.AddRelationship(ctx, f.db, hersOp, &people.Relationship{RelatedPersonID: hidden.ID, Relationship: "friend"}, "friend")); !fs["related_person_id"] {
		t.Fatalf("relationship to someone out of reach: problems %v; want related_person_id", fs)
	}
	if n := count(t, f.db, "person_relationships"); n != 0 {
		t.Fatalf("%d relationships written for a refused one", n)
	}
	// The refusal names a hidden person, so it is audited against them.
	var denied int
	if err := f.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'relationship.add'
		AND outcome = 'denied' AND person_id = $1`, hidden.ID).Scan(&denied); err != nil || denied != 1 {
		t.Fatalf("refused link to a hidden person audited %d times (%v); want once, against them", denied, err)
	}
	r := &people.Relationship{RelatedPersonID: f.person.ID, Relationship: "son", IsMainCarer: true}
	if err := people.AddRelationship(ctx, f.db, hersOp, r, "mother"); err != nil {
		t.Fatal(err)
	}
	hers, _ := people.Relationships(ctx, f.db.Read(), hersOp)
	his, _ := people.Relationships(ctx, f.db.Read(), hisOp)
	if len(hers) != 1 || hers[0].Relationship != "son" || hers[0].Name != "Rhodri Jones" || !hers[0].IsCarer {
		t.Fatalf("Mair's relationships = %+v", hers)
	}
	if len(his) != 1 || his[0].Relationship != "mother" || his[0].Name != "Mair Jones" || his[0].InverseID != hers[0].ID || hers[0].InverseID != his[0].ID {
		t.Fatalf("Rhodri's relationships = %+v; want the inverse, linked both ways", his)
	}
	if fs := fieldsOf(people.AddRelationship(ctx, f.db, hersOp, &people.Relationship{}, "")); !fs["name"] || !fs["relationship"] {
		t.Fatalf("empty relationship problems = %v", fs)
	}
}

// The relationships API showed another organisation the hidden person's
// name and id. A reader who sees only one side of a relationship learns
// that it exists, not who the other person is.
func TestRelationshipToAHiddenPersonKeepsThemHidden(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	mum := f.another(t, "Mair")
	r := &people.Relationship{RelatedPersonID: mum.ID, Relationship: "mother", Contact: "01234 567890"}
	if err := people.AddRelationship(ctx, f.db, open(t, f.db, f.worker, f.person.ID), r, "son"); err != nil {
		t.Fatal(err)
	}
	// The care home sees Rhodri (he lives there) but not his mother.
	if err := access.AddLink(ctx, f.db, audit.System, &access.Link{PersonID: f.person.ID, Kind: access.LinkCareHome,
		OrganisationID: f.stranger.Account.OrganisationID}); err != nil {
		t.Fatal(err)
	}
	list, err := people.Relationships(ctx, f.db.Read(), open(t, f.db, f.stranger, f.person.ID))
	if err != nil || len(list) != 1 {
		t.Fatalf("the care home's view = %+v, %v", list, err)
	}
	if x := list[0]; !x.Hidden || x.Name != "" || x.RelatedPersonID != "" || x.InverseID != "" || x.Contact != "" || x.Relationship != "mother" {
		t.Errorf("the care home is shown %+v; want a hidden mother, no name, id or contact", x)
	}
	mine, _ := people.Relationships(ctx, f.db.Read(), open(t, f.db, f.worker, f.person.ID))
	if len(mine) != 1 || mine[0].Hidden || mine[0].Name != mum.Name() {
		t.Errorf("the worker who sees both is shown %+v", mine)
	}
}
