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
	gp := &account.Organisation{Name: "Elm Street Surgery", Kind: account.OrgGPPractice}
	if err := account.CreateOrganisation(ctx, f.db, audit.System, gp); err != nil {
		t.Fatal(err)
	}
	p, err := people.GetProfile(ctx, f.db.Read(), f.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.Communication = "Speaks slowly; needs time to answer"
	p.CommunicationHelps = "Radio 3 in the background relaxes him"
	p.PrefersWelsh = true
	p.GPPracticeID = gp.ID
	if err := people.UpdateProfile(ctx, f.db, f.worker, p); err != nil {
		t.Fatal(err)
	}
	got, _ := people.GetProfile(ctx, f.db.Read(), f.person.ID)
	if got.CommunicationHelps != "Radio 3 in the background relaxes him" || !got.PrefersWelsh || got.GPPracticeName != "Elm Street Surgery" {
		t.Fatalf("profile = %+v", got)
	}
	// Editing the name from the version before the profile change conflicts.
	stale := *f.person
	stale.PreferredName = "Rhod"
	if err := people.Update(ctx, f.db, f.worker, &stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale name edit = %v; want conflict", err)
	}
	// A care home is not a GP practice.
	home := &account.Organisation{Name: "Oakfield", Kind: account.OrgCareHome}
	_ = account.CreateOrganisation(ctx, f.db, audit.System, home)
	got.GPPracticeID = home.ID
	if fs := fieldsOf(people.UpdateProfile(ctx, f.db, f.worker, got)); !fs["gp_practice_id"] {
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
	r := &people.Relationship{PersonID: mum.ID, RelatedPersonID: f.person.ID, Relationship: "son", IsMainCarer: true}
	// The worker cannot see Mair yet.
	if err := people.AddRelationship(ctx, f.db, f.worker, r, "mother"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("relationship for a person out of reach = %v; want not found", err)
	}
	if err := access.AddLink(ctx, f.db, audit.System, &access.Link{PersonID: mum.ID, Kind: access.LinkAllocatedWorker, AccountID: f.worker.Account.ID}); err != nil {
		t.Fatal(err)
	}
	if err := people.AddRelationship(ctx, f.db, f.worker, r, "mother"); err != nil {
		t.Fatal(err)
	}
	hers, _ := people.Relationships(ctx, f.db.Read(), mum.ID)
	his, _ := people.Relationships(ctx, f.db.Read(), f.person.ID)
	if len(hers) != 1 || hers[0].Relationship != "son" || hers[0].Name != "Rhodri Jones" || !hers[0].IsCarer {
		t.Fatalf("Mair's relationships = %+v", hers)
	}
	if len(his) != 1 || his[0].Relationship != "mother" || his[0].Name != "Mair Jones" || his[0].InverseID != hers[0].ID || hers[0].InverseID != his[0].ID {
		t.Fatalf("Rhodri's relationships = %+v; want the inverse, linked both ways", his)
	}
	if fs := fieldsOf(people.AddRelationship(ctx, f.db, f.worker, &people.Relationship{PersonID: mum.ID}, "")); !fs["name"] || !fs["relationship"] {
		t.Fatalf("empty relationship problems = %v", fs)
	}
}
