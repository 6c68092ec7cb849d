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
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/valid"
)

// recordFixture: a council worker allocated to one person, and a care home
// worker who is not.
type recordFixture struct {
	db       *store.DB
	worker   account.Subject
	stranger account.Subject
	person   *people.Person
}

func newRecordFixture(t *testing.T) recordFixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	council := &account.Organisation{Name: "Council", Kind: account.OrgCouncil}
	home := &account.Organisation{Name: "Home", Kind: account.OrgCareHome}
	for _, o := range []*account.Organisation{council, home} {
		if err := account.CreateOrganisation(ctx, db, audit.System, o); err != nil {
			t.Fatal(err)
		}
	}
	team := &account.Team{OrganisationID: council.ID, Name: "North"}
	if err := account.CreateTeam(ctx, db, audit.System, team); err != nil {
		t.Fatal(err)
	}
	worker := &account.Account{OrganisationID: council.ID, TeamID: team.ID, Email: "w@example.org", DisplayName: "W", Role: account.RolePractitioner}
	stranger := &account.Account{OrganisationID: home.ID, Email: "s@example.org", DisplayName: "S", Role: account.RoleCareHomeStaff}
	for _, a := range []*account.Account{worker, stranger} {
		if err := account.CreateAccount(ctx, db, audit.System, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	p := &people.Person{GivenName: "Rhodri", FamilyName: "Jones"}
	if err := people.Create(ctx, db, audit.System, p); err != nil {
		t.Fatal(err)
	}
	if err := access.AddLink(ctx, db, audit.System, &access.Link{PersonID: p.ID, Kind: access.LinkAllocatedWorker, AccountID: worker.ID}); err != nil {
		t.Fatal(err)
	}
	return recordFixture{db: db, person: p,
		worker:   account.NewSubject(worker, "127.0.0.1", "r1"),
		stranger: account.NewSubject(stranger, "127.0.0.1", "r2")}
}

func fieldsOf(err error) map[string]bool {
	var ps valid.Problems
	out := map[string]bool{}
	if errors.As(err, &ps) {
		for _, p := range ps {
			out[p.Field] = true
		}
	}
	return out
}

// open opens the person's record as s, through the gate, failing the test
// if s may not see them.
func open(t testing.TB, db *store.DB, s account.Subject, personID string) *access.Opened {
	t.Helper()
	op, err := access.Open(context.Background(), db, s, personID, "test")
	if err != nil {
		t.Fatalf("%s opening %s: %v", s.Account.Email, personID, err)
	}
	return op
}

// outOfReach checks that s cannot open the person's record: refused as
// not found, exactly as for someone who does not exist.
func outOfReach(t testing.TB, db *store.DB, s account.Subject, personID string) {
	t.Helper()
	if op, err := access.Open(context.Background(), db, s, personID, "test"); !errors.Is(err, store.ErrNotFound) || op != nil {
		t.Fatalf("%s opening %s = %v, %v; want not found", s.Account.Email, personID, op, err)
	}
}

// count is how many rows a table has.
func count(t testing.TB, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// another is a second person the worker is allocated, for checking that
// one person's opened record reaches nothing of another's.
func (f recordFixture) another(t testing.TB, given string) *people.Person {
	t.Helper()
	ctx := context.Background()
	p := &people.Person{GivenName: given, FamilyName: "Other"}
	if err := people.Create(ctx, f.db, audit.System, p); err != nil {
		t.Fatal(err)
	}
	if err := access.AddLink(ctx, f.db, audit.System, &access.Link{PersonID: p.ID, Kind: access.LinkAllocatedWorker, AccountID: f.worker.Account.ID}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAboutMeVersionsAndConflict(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	a := &people.AboutMe{WhatMatters: "Walking to the river every day", GoodDay: "Sun and a walk"}
	if err := people.SaveAboutMe(ctx, f.db, op, a); err != nil {
		t.Fatal(err)
	}
	if a.Version != 1 || a.PersonID != f.person.ID {
		t.Fatalf("first version = %d for %q; want 1 for %s", a.Version, a.PersonID, f.person.ID)
	}
	mine := &people.AboutMe{Version: 1, WhatMatters: "Walking to the river, and my dog"}
	theirs := &people.AboutMe{Version: 1, WhatMatters: "Seeing my grandson"}
	if err := people.SaveAboutMe(ctx, f.db, op, mine); err != nil {
		t.Fatal(err)
	}
	if err := people.SaveAboutMe(ctx, f.db, op, theirs); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale save = %v; want a conflict", err)
	}
	cur, err := people.GetAboutMe(ctx, f.db.Read(), op)
	if err != nil || cur.Version != 2 || cur.WhatMatters != "Walking to the river, and my dog" {
		t.Fatalf("current = %+v, %v; want version 2 with the first saver's words", cur, err)
	}
	hist, _ := people.AboutMeHistory(ctx, f.db.Read(), op)
	if len(hist) != 2 || hist[1].WhatMatters != "Walking to the river every day" {
		t.Fatalf("history = %+v; want both versions, newest first", hist)
	}
	evs, _ := audit.ForAction(ctx, f.db.Read(), "about_me.update", 10)
	if len(evs) != 2 {
		t.Fatalf("%d about_me.update audit rows; want 2 (none for the refused save)", len(evs))
	}
}

func TestAboutMeRefusesStrangersAndEmptyPages(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	// The stranger cannot open the record, so has nothing to write with;
	// the refusal is audited.
	outOfReach(t, f.db, f.stranger, f.person.ID)
	evs, _ := audit.ForPerson(ctx, f.db.Read(), f.person.ID, 50)
	if len(evs) == 0 || evs[0].Action != "person.read" || evs[0].Outcome != audit.Denied || evs[0].AccountID != f.stranger.Account.ID {
		t.Fatalf("latest audit row for the person = %+v; want the stranger's refused read", evs)
	}
	op := open(t, f.db, f.worker, f.person.ID)
	err := people.SaveAboutMe(ctx, f.db, op, &people.AboutMe{InWordsOf: "His daughter"})
	if !fieldsOf(err)["what_matters"] {
		t.Fatalf("empty About me = %v; want a what_matters problem", err)
	}
	if cur, _ := people.GetAboutMe(ctx, f.db.Read(), op); cur.Version != 0 {
		t.Fatalf("something was written: %+v", cur)
	}
	if n := count(t, f.db, "about_me_versions"); n != 0 {
		t.Fatalf("%d About me versions written; want none", n)
	}
}

func TestOutcomeWithSetback(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	bad := &people.Outcome{Statement: "Rhodri should walk", Kind: people.OutcomeChange, ExpressedBy: "worker", ExpressedByName: "W"}
	if got := fieldsOf(people.AddOutcome(ctx, f.db, op, bad)); !got["on_behalf_reason"] {
		t.Fatalf("worker-written outcome without a reason: problems %v; want on_behalf_reason", got)
	}
	o := &people.Outcome{Statement: "I want to walk outdoors again", Kind: people.OutcomeChange, ExpressedBy: "person"}
	if err := people.AddOutcome(ctx, f.db, op, o); err != nil {
		t.Fatal(err)
	}
	steps := []people.Progress{
		{OutcomeID: o.ID, OnDate: valid.MustDate("2026-09-01"), Movement: "closer", Note: "Walked to the gate", Contributors: "Rhodri, physiotherapist"},
		{OutcomeID: o.ID, OnDate: valid.MustDate("2026-10-01"), Movement: "further_away", Note: "A fall; lost confidence"},
		{OutcomeID: o.ID, OnDate: valid.MustDate("2026-09-15"), Movement: "closer", Note: "Walked to the shop"},
	}
	for i := range steps {
		if err := people.AddProgress(ctx, f.db, op, &steps[i]); err != nil {
			t.Fatal(err)
		}
	}
	// The stranger cannot open the record to add progress.
	outOfReach(t, f.db, f.stranger, f.person.ID)
	// Through another person's record, this person's outcome is not found.
	other := open(t, f.db, f.worker, f.another(t, "Owen").ID)
	if err := people.AddProgress(ctx, f.db, other, &people.Progress{OutcomeID: o.ID, OnDate: valid.MustDate("2026-10-02"), Movement: "closer"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("progress through another person's record = %v; want not found", err)
	}
	if n := count(t, f.db, "outcome_progress"); n != 3 {
		t.Fatalf("%d progress rows; want the 3 steps only", n)
	}
	list, err := people.Outcomes(ctx, f.db.Read(), op)
	if err != nil || len(list) != 1 {
		t.Fatalf("outcomes = %v, %v", list, err)
	}
	var dates []string
	for _, p := range list[0].Progress {
		dates = append(dates, p.OnDate.String()+" "+string(p.Movement))
	}
	want := []string{"2026-09-01 closer", "2026-09-15 closer", "2026-10-01 further_away"}
	if len(dates) != 3 || dates[0] != want[0] || dates[1] != want[1] || dates[2] != want[2] {
		t.Fatalf("progress = %v; want %v", dates, want)
	}
	if theirs, _ := people.Outcomes(ctx, f.db.Read(), other); len(theirs) != 0 {
		t.Fatalf("the other person has outcomes: %+v", theirs)
	}
	stale := list[0]
	stale.Status = "achieved"
	fresh := list[0]
	fresh.Status = "maintained"
	if err := people.UpdateOutcome(ctx, f.db, other, &fresh); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update through another person's record = %v; want not found", err)
	}
	if err := people.UpdateOutcome(ctx, f.db, op, &fresh); err != nil {
		t.Fatal(err)
	}
	if err := people.UpdateOutcome(ctx, f.db, op, &stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale outcome update = %v; want conflict", err)
	}
}

func TestStrengthNeedsAFreshLookAfterAYear(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	if got := fieldsOf(people.AddStrength(ctx, f.db, op, &people.Strength{Strength: "Can drive"})); !got["meaning"] || !got["named_by"] || !got["last_confirmed_on"] {
		t.Fatalf("strength without meaning, namer or date: problems %v", got)
	}
	// The person is the opened one, whatever the strength says.
	other := f.another(t, "Owen")
	st := &people.Strength{PersonID: other.ID, Strength: "Can drive", Meaning: "Visits her sister on Sundays",
		NamedBy: "Betty", LastConfirmedOn: valid.MustDate("2024-11-01")}
	if err := people.AddStrength(ctx, f.db, op, st); err != nil {
		t.Fatal(err)
	}
	if st.PersonID != f.person.ID {
		t.Fatalf("strength saved for %s; want the opened person %s", st.PersonID, f.person.ID)
	}
	if theirs, _ := people.Strengths(ctx, f.db.Read(), open(t, f.db, f.worker, other.ID)); len(theirs) != 0 {
		t.Fatalf("the strength went to the person it named: %+v", theirs)
	}
	list, err := people.Strengths(ctx, f.db.Read(), op)
	if err != nil || len(list) != 1 || list[0].PersonID != f.person.ID {
		t.Fatalf("strengths = %v, %v", list, err)
	}
	day := valid.MustDate
	if list[0].NeedsFreshLook(day("2025-10-31")) {
		t.Error("confirmed 364 days ago, but marked for a fresh look")
	}
	if !list[0].NeedsFreshLook(day("2026-11-23")) {
		t.Error("confirmed two years ago, but not marked for a fresh look")
	}
}

func TestOverdueRiskReviewsFollowTheAccessRule(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	ra := &people.RiskAgreement{WantsTo: "Keep Cassie the cat", Risk: "Tripping over her at night",
		Likelihood: "medium", Impact: "medium", Mitigation: "Night light; neighbour checks in", PersonsView: "She is my family",
		AgreedBy: "David, his son, the social worker", ReviewOn: valid.MustDate("2026-10-01")}
	if err := people.AddRiskAgreement(ctx, f.db, open(t, f.db, f.worker, f.person.ID), ra); err != nil {
		t.Fatal(err)
	}
	today := valid.MustDate("2026-11-23")
	mine, err := people.OverdueReviews(ctx, f.db, f.worker, today)
	if err != nil || len(mine) != 1 || mine[0].PersonName != "Rhodri Jones" {
		t.Fatalf("worker's overdue reviews = %+v, %v; want David's one", mine, err)
	}
	theirs, err := people.OverdueReviews(ctx, f.db, f.stranger, today)
	if err != nil || len(theirs) != 0 {
		t.Fatalf("stranger's overdue reviews = %+v, %v; want none", theirs, err)
	}
	early := valid.MustDate("2026-09-30")
	if got, _ := people.OverdueReviews(ctx, f.db, f.worker, early); len(got) != 0 {
		t.Fatalf("before the review date: %d overdue; want 0", len(got))
	}
}
