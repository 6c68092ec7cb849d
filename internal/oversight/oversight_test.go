package oversight_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/oversight"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// clock pins store.Now so the trail's times are known: the flags look at
// hours of the day, and the trail's times only move forward, as in life.
type clock struct{ t time.Time }

func (c *clock) set(t time.Time) { c.t = t.UTC() }
func (c *clock) now() time.Time  { return c.t }

func pin(t *testing.T, at time.Time) *clock {
	c := &clock{t: at.UTC()}
	old := store.Now
	store.Now = c.now
	t.Cleanup(func() { store.Now = old })
	return c
}

var london = valid.London

func TestOfficerSeesWhoLookedNotWhatIsInTheRecord(t *testing.T) {
	pin(t, time.Date(2026, 11, 2, 9, 0, 0, 0, london))
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	dee := testworld.Subject(w.Dee)

	// Riverside holds Helen (allocated to Sam); Gwen is Hillside's and Hugh
	// lives at Oakfield House.
	for _, c := range []struct {
		p    *people.Person
		sees bool
	}{{w.Helen, true}, {w.Gwen, false}, {w.Hugh, false}} {
		ok, err := access.CanSee(ctx, db.Read(), dee, c.p.ID)
		if err != nil || ok != c.sees {
			t.Errorf("the officer sees %s: %v (err %v), want %v", c.p.GivenName, ok, err, c.sees)
		}
	}
	op := w.Open(t, w.Dee, w.Helen.ID)
	if err := op.Reads(access.PartStory); err == nil {
		t.Error("the officer's grant reads Helen's story; it must read only her name and access log")
	}
	if err := op.Reads(access.PartAccessLog); err != nil {
		t.Errorf("the officer cannot read Helen's access log: %v", err)
	}
	if _, err := people.GetAboutMe(ctx, db.Read(), op); err == nil {
		t.Error("the officer read Helen's About me")
	}
}

func TestSearchFindsOnlyTheOrganisationsRows(t *testing.T) {
	c := pin(t, time.Date(2026, 11, 2, 9, 0, 0, 0, london))
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	dee := testworld.Subject(w.Dee)

	c.set(c.t.Add(time.Minute))
	w.Open(t, w.Sam, w.Helen.ID) // Riverside's account, Riverside's person
	w.Open(t, w.Alys, w.Gwen.ID) // neither
	w.Open(t, w.Jo, w.Hugh.ID)   // neither
	// Two refusals: Alys has no link to Helen, nor Sam to Gwen.
	for _, try := range []struct {
		a *account.Account
		p *people.Person
	}{{w.Alys, w.Helen}, {w.Sam, w.Gwen}} {
		if _, err := access.Open(ctx, db, testworld.Subject(try.a), try.p.ID, "test"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s opening %s: %v, want not found", try.a.DisplayName, try.p.GivenName, err)
		}
	}
	rows, more, err := oversight.Search(ctx, db, dee, oversight.Filter{Kind: oversight.KindReads}, 0, 100)
	if err != nil || more {
		t.Fatalf("search: %v (more %v)", err, more)
	}
	type seen struct{ who, person, outcome string }
	got := map[seen]int{}
	for _, r := range rows {
		got[seen{r.Name, r.PersonName, r.Outcome}]++
	}
	want := map[seen]int{
		{"Sam Okafor", "Helen Marsh", audit.OK}: 1,
		// Sam's refused attempt on Gwen is Riverside's account's row; Gwen
		// is not Riverside's, so her name stays hidden.
		{"Sam Okafor", "", audit.Denied}: 1,
		// Alys's refused attempt on Helen is about Riverside's person.
		{"Alys Pryce", "Helen Marsh", audit.Denied}: 1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the officer's search found\n%v\nwant\n%v", got, want)
	}

	// Narrowed to refusals about Helen.
	rows, _, err = oversight.Search(ctx, db, dee, oversight.Filter{PersonID: w.Helen.ID, Outcome: audit.Denied}, 0, 100)
	if err != nil || len(rows) != 1 || rows[0].Name != "Alys Pryce" {
		t.Fatalf("refusals about Helen: %+v, %v; want Alys's one", rows, err)
	}
	// The search itself is in Helen's log, against the officer.
	log, _, err := audit.ForPersonPage(ctx, db.Read(), w.Helen.ID, &w.Dee.ID, audit.Page{Limit: 10})
	if err != nil || len(log) != 1 || log[0].Action != "audit.search" {
		t.Fatalf("the officer's search in Helen's log: %+v, %v", log, err)
	}

	// Paging: one row a page, newest first, no row twice.
	var seqs []int64
	var before int64
	for range 10 {
		page, more, err := oversight.Search(ctx, db, dee, oversight.Filter{Kind: oversight.KindReads}, before, 1)
		if err != nil || len(page) != 1 {
			t.Fatalf("page after %d: %v, %v", before, page, err)
		}
		seqs = append(seqs, page[0].Seq)
		before = page[0].Seq
		if !more {
			break
		}
	}
	if len(seqs) != 3 || seqs[0] <= seqs[1] || seqs[1] <= seqs[2] {
		t.Errorf("paged one at a time: %v, want three rows, newest first", seqs)
	}

	// Bad filters are refused by field, and nobody else may search.
	_, _, err = oversight.Search(ctx, db, dee, oversight.Filter{Outcome: "maybe", Kind: "everything"}, 0, 10)
	if ps, ok := valid.From(err); !ok || len(ps) != 2 {
		t.Errorf("bad outcome and kind: %v, want two field problems", err)
	}
	_, _, err = oversight.Search(ctx, db, dee, oversight.Filter{From: valid.NewDate(2026, 11, 3), To: valid.NewDate(2026, 11, 1)}, 0, 10)
	if ps, ok := valid.From(err); !ok || ps[0].Field != "to" {
		t.Errorf("to before from: %v, want a problem with to", err)
	}
	for _, a := range []*account.Account{w.Sam, w.Planner} {
		if _, _, err := oversight.Search(ctx, db, testworld.Subject(a), oversight.Filter{}, 0, 10); !errors.Is(err, access.ErrNotAllowed) {
			t.Errorf("%s searched the trail: %v", a.Role, err)
		}
	}
}

func TestDatesAreLondonDays(t *testing.T) {
	c := pin(t, time.Date(2026, 6, 1, 9, 0, 0, 0, london))
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	// 00:30 on 3 June in London is 23:30 on 2 June in UTC (summer time).
	c.set(time.Date(2026, 6, 3, 0, 30, 0, 0, london))
	w.Open(t, w.Sam, w.Helen.ID)
	c.set(time.Date(2026, 6, 4, 9, 0, 0, 0, london))
	f := oversight.Filter{Kind: oversight.KindReads, From: valid.NewDate(2026, 6, 3), To: valid.NewDate(2026, 6, 3)}
	rows, _, err := oversight.Search(ctx, db, testworld.Subject(w.Dee), f, 0, 10)
	if err != nil || len(rows) != 1 {
		t.Fatalf("reads on 3 June: %d rows, %v; want the one at 00:30", len(rows), err)
	}
	f.From, f.To = valid.NewDate(2026, 6, 2), valid.NewDate(2026, 6, 2)
	if rows, _, err = oversight.Search(ctx, db, testworld.Subject(w.Dee), f, 0, 10); err != nil || len(rows) != 0 {
		t.Fatalf("reads on 2 June: %d rows, %v; want none", len(rows), err)
	}
}

func TestFlags(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, london) // a Monday
	c := pin(t, start)
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()

	// Kim joins Sam's team and opens one record in the week; Sam opens 21.
	kim := &account.Account{OrganisationID: w.Sam.OrganisationID, TeamID: w.NorthTeam.ID, Email: "kim@riverside.test",
		DisplayName: "Kim Hale", Role: account.RolePractitioner}
	if err := account.CreateAccount(ctx, db, audit.System, kim, testworld.Password); err != nil {
		t.Fatal(err)
	}
	var many []string
	for i := range 20 {
		p := &people.Person{GivenName: fmt.Sprintf("Person%d", i), FamilyName: "Test", DateOfBirth: valid.MustDate("1950-01-01")}
		if err := people.Create(ctx, db, audit.System, p); err != nil {
			t.Fatal(err)
		}
		if err := access.AddLink(ctx, db, audit.System, &access.Link{PersonID: p.ID, Kind: access.LinkAllocatedTeam, TeamID: w.NorthTeam.ID}); err != nil {
			t.Fatal(err)
		}
		many = append(many, p.ID)
	}
	c.set(start.Add(24 * time.Hour)) // Tuesday 09:00
	for _, id := range append(many, w.Helen.ID) {
		w.Open(t, w.Sam, id)
	}
	w.Open(t, kim, many[0])
	// Kim opens the same record twice at night: 23:10 Tuesday and 05:50 Wednesday;
	// once at 07:00 Wednesday, which is working hours.
	for _, at := range []time.Time{start.Add(24*time.Hour + 14*time.Hour + 10*time.Minute),
		start.Add(48*time.Hour - 3*time.Hour - 10*time.Minute), start.Add(48*time.Hour - 2*time.Hour)} {
		c.set(at)
		w.Open(t, kim, many[0])
	}
	// Alys (Hillside) uses emergency access to Helen; Jo to Gwen.
	c.set(start.Add(50 * time.Hour))
	if _, err := access.StartBreakGlass(ctx, db, testworld.Subject(w.Alys), w.Helen.ID, "Found collapsed at the day centre; need her medication list"); err != nil {
		t.Fatal(err)
	}
	if _, err := access.StartBreakGlass(ctx, db, testworld.Subject(w.Jo), w.Gwen.ID, "Gwen came for respite overnight unexpectedly"); err != nil {
		t.Fatal(err)
	}

	now := start.Add(6 * 24 * time.Hour)
	c.set(now)
	u, err := oversight.Flags(ctx, db.Read(), testworld.Subject(w.Dee), now)
	if err != nil {
		t.Fatal(err)
	}
	// Sam: 21 different records; the team's counts are Sam 21, Kim 1: the
	// lower middle is 1, and 21 > 3 × 1.
	if len(u.Many) != 1 || u.Many[0].Name != "Sam Okafor" || u.Many[0].Records != 21 || u.Many[0].Usual != 1 {
		t.Errorf("many records: %+v, want Sam with 21 against a usual 1", u.Many)
	}
	if len(u.OutOfHours) != 1 || u.OutOfHours[0].Name != "Kim Hale" || u.OutOfHours[0].Times != 2 {
		t.Errorf("out of hours: %+v, want Kim twice", u.OutOfHours)
	}
	if len(u.Unreviewed) != 1 || u.Unreviewed[0].Name != "Alys Pryce" || u.Unreviewed[0].PersonName != "Helen Marsh" ||
		u.Unreviewed[0].Reason != "Found collapsed at the day centre; need her medication list" {
		t.Errorf("unreviewed emergency access: %+v, want Alys's to Helen only", u.Unreviewed)
	}
	if _, err := oversight.Flags(ctx, db.Read(), testworld.Subject(w.Sam), now); !errors.Is(err, access.ErrNotAllowed) {
		t.Errorf("a practitioner saw the flags: %v", err)
	}
}
