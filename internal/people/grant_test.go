package people_test

import (
	"context"
	"errors"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
)

// snapshot is what a refused change must leave as it was: the person's
// details, About me, the story, its files, strengths, and the audit rows
// of changes.
type snapshot struct {
	person             people.Person
	aboutMe, entries   int
	files, strengths   int
	updates, aboutMeEv int
}

func take(t *testing.T, f recordFixture) snapshot {
	t.Helper()
	ctx := context.Background()
	var p people.Person
	err := f.db.Read().QueryRowContext(ctx, `SELECT given_name, family_name, preferred_name, version FROM people WHERE id = $1`, f.person.ID).
		Scan(&p.GivenName, &p.FamilyName, &p.PreferredName, &p.Version)
	if err != nil {
		t.Fatal(err)
	}
	upd, _ := audit.ForAction(ctx, f.db.Read(), "person.update", 100)
	about, _ := audit.ForAction(ctx, f.db.Read(), "about_me.update", 100)
	return snapshot{person: p, aboutMe: count(t, f.db, "about_me_versions"), entries: count(t, f.db, "story_entries"),
		files: count(t, f.db, "attachments"), strengths: count(t, f.db, "strengths"), updates: len(upd), aboutMeEv: len(about)}
}

// Which parts of a record an account may change follows its grant, and a
// refusal writes nothing.
func TestGrantsLimitWhatEachAccountChanges(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()

	// The stranger works at a care home; once the person lives there, the
	// home's staff see them.
	if err := access.AddLink(ctx, f.db, audit.System, &access.Link{PersonID: f.person.ID, Kind: access.LinkCareHome,
		OrganisationID: f.stranger.Account.OrganisationID}); err != nil {
		t.Fatal(err)
	}
	home := open(t, f.db, f.stranger, f.person.ID)
	if g := home.Grant(); g != access.RoleGrant(account.RoleCareHomeStaff) || g.MayChange(access.PartIdentity) || !g.MayRead(access.PartIdentity) {
		t.Fatalf("care home grant = %v", g)
	}
	before := take(t, f)
	p, err := people.Load(ctx, f.db.Read(), home)
	if err != nil {
		t.Fatalf("care home reading the person's details: %v", err)
	}
	p.PreferredName, p.NHSNumber = "Rhod", "9434765919"
	if err := people.Update(ctx, f.db, home, p); !errors.Is(err, access.ErrNotAllowed) {
		t.Fatalf("care home changing identity = %v; want not allowed", err)
	}
	if after := take(t, f); after != before {
		t.Fatalf("a refused identity change wrote something: %+v, was %+v", after, before)
	}
	e := &people.Entry{Kind: "note", OccurredAt: at("2026-11-01T10:00:00Z"), Body: "Rhodri joined in the quiz this afternoon."}
	if err := people.AddEntry(ctx, f.db, home, e, people.NewFile{Name: "quiz.png", Data: pngBytes(t)}); err != nil {
		t.Fatalf("care home adding to the story: %v", err)
	}
	if got := take(t, f); got.entries != before.entries+1 || got.files != before.files+1 {
		t.Fatalf("care home's entry: %+v, was %+v", got, before)
	}

	// The person's own account reads the whole record and may write About
	// me, nothing else.
	own := &account.Account{OrganisationID: f.worker.Account.OrganisationID, Email: "rhodri@example.org", DisplayName: "Rhodri Jones",
		Role: account.RolePerson, PersonID: f.person.ID}
	if err := account.CreateAccount(ctx, f.db, audit.System, own, ""); err != nil {
		t.Fatal(err)
	}
	self := account.NewSubject(own, "127.0.0.1", "r3")
	mine := open(t, f.db, self, f.person.ID)
	if g := mine.Grant(); g.Read != access.PartsAll || g.Change != access.PartAboutMe {
		t.Fatalf("the person's own grant = %v", g)
	}
	if _, err := people.Timeline(ctx, f.db.Read(), mine, people.TimelineFilter{}); err != nil {
		t.Fatalf("the person reading their story: %v", err)
	}
	a := &people.AboutMe{WhatMatters: "Getting back to the rugby club"}
	if err := people.SaveAboutMe(ctx, f.db, mine, a); err != nil {
		t.Fatalf("the person writing About me: %v", err)
	}
	if a.Version != 1 || a.WrittenByLabel == "" {
		t.Fatalf("About me = %+v; want version 1, written by the person", a)
	}
	before = take(t, f)
	e = &people.Entry{Kind: "note", OccurredAt: at("2026-11-02T10:00:00Z"), Body: "I went to the club."}
	if err := people.AddEntry(ctx, f.db, mine, e, people.NewFile{Name: "me.png", Data: pngBytes(t)}); !errors.Is(err, access.ErrNotAllowed) {
		t.Fatalf("the person adding to the story = %v; want not allowed", err)
	}
	p, err = people.Load(ctx, f.db.Read(), mine)
	if err != nil {
		t.Fatalf("the person reading their details: %v", err)
	}
	p.PreferredName = "Rhod"
	if err := people.Update(ctx, f.db, mine, p); !errors.Is(err, access.ErrNotAllowed) {
		t.Fatalf("the person changing identity = %v; want not allowed", err)
	}
	st := &people.Strength{Strength: "Determined", Meaning: "Keeps going", NamedBy: "Rhodri", LastConfirmedOn: valid.MustDate("2026-01-01")}
	if err := people.AddStrength(ctx, f.db, mine, st); !errors.Is(err, access.ErrNotAllowed) {
		t.Fatalf("the person adding a strength = %v; want not allowed", err)
	}
	if after := take(t, f); after != before {
		t.Fatalf("refused changes wrote something: %+v, was %+v", after, before)
	}
	// Their account opens no one else's record.
	outOfReach(t, f.db, self, f.another(t, "Owen").ID)
}

// Emergency access alone reads the record and changes nothing.
func TestEmergencyAccessIsReadOnly(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	outOfReach(t, f.db, f.stranger, f.person.ID)
	if _, err := access.StartBreakGlass(ctx, f.db, f.stranger, f.person.ID, "Found unwell in the street; need his medicines"); err != nil {
		t.Fatal(err)
	}
	op := open(t, f.db, f.stranger, f.person.ID)
	if g := op.Grant(); g != access.EmergencyGrant || !g.ReadOnly() {
		t.Fatalf("emergency grant = %v", g)
	}
	if _, err := people.GetProfile(ctx, f.db.Read(), op); err != nil {
		t.Fatalf("reading the profile in an emergency: %v", err)
	}
	before := take(t, f)
	e := &people.Entry{Kind: "note", OccurredAt: at("2026-11-01T10:00:00Z"), Body: "Seen in A&E."}
	if err := people.AddEntry(ctx, f.db, op, e); !errors.Is(err, access.ErrNotAllowed) {
		t.Fatalf("adding to the story in an emergency = %v; want not allowed", err)
	}
	if err := people.SaveAboutMe(ctx, f.db, op, &people.AboutMe{WhatMatters: "x"}); !errors.Is(err, access.ErrNotAllowed) {
		t.Fatalf("writing About me in an emergency = %v; want not allowed", err)
	}
	if after := take(t, f); after != before {
		t.Fatalf("refused changes wrote something: %+v, was %+v", after, before)
	}
}

// Found in review: a care home worker could mark the NHS number as checked
// (an identity field) through the profile; a relationship could be written
// into a record seen only through emergency access; a refused change of an
// outcome left the caller's copy a version ahead; a role without the right
// to change a part was told what was wrong with its form instead; and a
// corrected entry lost its files.
func TestReviewFindingsOnGrantsAndVersions(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	if err := access.AddLink(ctx, f.db, audit.System, &access.Link{PersonID: f.person.ID, Kind: access.LinkCareHome,
		OrganisationID: f.stranger.Account.OrganisationID}); err != nil {
		t.Fatal(err)
	}
	home := open(t, f.db, f.stranger, f.person.ID)

	pr, err := people.GetProfile(ctx, f.db.Read(), home)
	if err != nil {
		t.Fatal(err)
	}
	pr.NHSNumberVerified = true
	if err := people.UpdateProfile(ctx, f.db, home, pr); !errors.Is(err, access.ErrNotAllowed) {
		t.Errorf("care home marking the NHS number checked = %v; want not allowed", err)
	}
	pr.NHSNumberVerified, pr.Pronouns = false, "he/him"
	if err := people.UpdateProfile(ctx, f.db, home, pr); err != nil {
		t.Errorf("care home changing pronouns: %v", err)
	}

	// Mair is someone the care home sees only through emergency access.
	mair := f.another(t, "Mair")
	if _, err := access.StartBreakGlass(ctx, f.db, f.stranger, mair.ID, "Fell in the garden, need her contacts"); err != nil {
		t.Fatal(err)
	}
	rel := &people.Relationship{Relationship: "neighbour", RelatedPersonID: mair.ID}
	if err := people.AddRelationship(ctx, f.db, home, rel, "neighbour"); err == nil {
		t.Error("a relationship was written into a record seen only through emergency access")
	}
	if n := count(t, f.db, "person_relationships"); n != 0 {
		t.Errorf("%d relationship rows after the refusal", n)
	}

	worker := open(t, f.db, f.worker, f.person.ID)
	o := &people.Outcome{Statement: "I want to go to the quiz", Kind: "change", ExpressedBy: "person"}
	if err := people.AddOutcome(ctx, f.db, worker, o); err != nil {
		t.Fatal(err)
	}
	o.StrengthIDs = []string{"not-a-strength"}
	if err := people.UpdateOutcome(ctx, f.db, worker, o); err == nil {
		t.Fatal("an outcome linked to a made-up strength was saved")
	}
	if o.Version != 1 {
		t.Errorf("after a refused save the outcome says version %d; want still 1", o.Version)
	}
	o.StrengthIDs = nil
	if err := people.UpdateOutcome(ctx, f.db, worker, o); err != nil {
		t.Errorf("the corrected save: %v", err)
	}

	// The person's own account may not add to the story: it hears so, even
	// when what it sent is also incomplete.
	own := &account.Account{OrganisationID: f.worker.Account.OrganisationID, Email: "own@example.org", DisplayName: "Rhodri Jones",
		Role: account.RolePerson, PersonID: f.person.ID}
	if err := account.CreateAccount(ctx, f.db, audit.System, own, ""); err != nil {
		t.Fatal(err)
	}
	mine := open(t, f.db, account.NewSubject(own, "127.0.0.1", "r3"), f.person.ID)
	if err := people.AddEntry(ctx, f.db, mine, &people.Entry{}); !errors.Is(err, access.ErrNotAllowed) {
		t.Errorf("an empty entry from the person's own account = %v; want not allowed", err)
	}

	e := &people.Entry{Kind: "letter", OccurredAt: at("2026-11-01T10:00:00Z"), Body: "Letter from the GP"}
	if err := people.AddEntry(ctx, f.db, worker, e, people.NewFile{Name: "letter.png", Data: pngBytes(t)}); err != nil {
		t.Fatal(err)
	}
	fixed := &people.Entry{Kind: "letter", OccurredAt: e.OccurredAt, Body: "Letter from the GP about his knee"}
	if err := people.CorrectEntry(ctx, f.db, worker, e.ID, fixed, "Said which letter"); err != nil {
		t.Fatal(err)
	}
	files, err := people.Attachments(ctx, f.db.Read(), worker)
	if err != nil || len(files[fixed.ID]) != 1 {
		t.Errorf("the correction's files = %v, %v; want the letter kept with it", files[fixed.ID], err)
	}
}
