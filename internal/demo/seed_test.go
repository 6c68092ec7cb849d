package demo_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/demo"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/valid"
)

func seeded(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	if err := demo.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// names lists the people an account sees, by "Given Family".
func names(t *testing.T, db *store.DB, email string) map[string]bool {
	t.Helper()
	a, err := account.AccountByEmail(context.Background(), db.Read(), email)
	if err != nil {
		t.Fatal(err)
	}
	list, err := people.List(context.Background(), db, account.NewSubject(a, "127.0.0.1", "t"), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, p := range list {
		out[p.GivenName+" "+p.FamilyName] = true
	}
	return out
}

// expected lists the residents whose table entry has any of the links:
// the answer comes from the demo's table, not from the access rule.
func expected(links ...string) map[string]bool {
	out := map[string]bool{}
	for _, r := range demo.Residents {
		for _, l := range links {
			if r.Has(l) {
				out[r.Given+" "+r.Family] = true
			}
		}
	}
	return out
}

func same(t *testing.T, who string, got, want map[string]bool) {
	t.Helper()
	var missing, extra []string
	for n := range want {
		if !got[n] {
			missing = append(missing, n)
		}
	}
	for n := range got {
		if !want[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Errorf("%s: missing %v, should not see %v", who, missing, extra)
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	db := seeded(t)
	count := func(table string) int {
		var n int
		if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// audit_events too: a seed that finds everything there reads no record,
	// so a restart puts nothing in anyone's access log.
	tables := []string{"organisations", "teams", "accounts", "people", "person_links", "outcomes", "story_entries", "about_me_versions", "audit_events"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = count(tb)
	}
	if before["people"] != len(demo.Residents) || len(demo.Residents) < 45 {
		t.Errorf("%d people seeded from %d residents", before["people"], len(demo.Residents))
	}
	if err := demo.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if n := count(tb); n != before[tb] {
			t.Errorf("%s: %d rows after a second seed, %d before", tb, n, before[tb])
		}
	}
}

func TestDemoAccountsSeeWhomTheyShould(t *testing.T) {
	db := seeded(t)
	for _, l := range demo.Logins {
		if _, err := account.SignIn(context.Background(), db, l.Email, demo.Password, "127.0.0.1", "t"); err != nil {
			t.Errorf("sign in as %s: %v", l.Email, err)
		}
	}
	sam := names(t, db, "sam@riverside.example")
	priya := names(t, db, "priya@riverside.example")
	same(t, "Sam", sam, expected("sam", "north"))
	same(t, "Priya", priya, expected("priya", "hospital"))
	same(t, "Jo", names(t, db, "jo@oakfield.example"), expected("oakfield"))
	same(t, "the nurse", names(t, db, "nurse@riversidehealth.example"), expected("nurses"))
	same(t, "the manager", names(t, db, "manager@riverside.example"), expected("sam", "north", "priya", "hospital"))
	for n := range sam {
		if priya[n] {
			t.Errorf("Sam and Priya both see %s", n)
		}
	}
	if !sam["Helen Marsh"] || !sam["Rhodri Price"] || names(t, db, "jo@oakfield.example")["Helen Marsh"] {
		t.Errorf("Sam must see Helen and Rhodri; Jo must not see Helen")
	}
	if len(names(t, db, "planner@riverside.example")) != 0 || len(names(t, db, "admin@riverside.example")) != 0 {
		t.Errorf("the planner and the admin see individual people")
	}
}

func TestNHSNumbersAreValidTestNumbers(t *testing.T) {
	seen := map[string]bool{}
	for i := range demo.Residents {
		n := demo.NHSNumber(i)
		if _, err := people.ParseNHSNumber(n); err != nil || n[:3] != "999" || seen[n] {
			t.Errorf("NHS number %d: %s (%v)", i, n, err)
		}
		seen[n] = true
	}
}

// personID finds a seeded person by name, straight from the table.
func personID(t *testing.T, db *store.DB, given, family string) string {
	t.Helper()
	var id string
	err := db.Read().QueryRowContext(context.Background(), `SELECT id FROM people WHERE given_name = $1 AND family_name = $2`, given, family).Scan(&id)
	if err != nil {
		t.Fatalf("%s %s: %v", given, family, err)
	}
	return id
}

func subject(t *testing.T, db *store.DB, email string) account.Subject {
	t.Helper()
	a, err := account.AccountByEmail(context.Background(), db.Read(), email)
	if err != nil {
		t.Fatal(err)
	}
	return account.NewSubject(a, "127.0.0.1", "t")
}

// open opens a seeded person's record as the demo account with this email.
func open(t *testing.T, db *store.DB, email, personID string) *access.Opened {
	t.Helper()
	op, err := access.Open(context.Background(), db, subject(t, db, email), personID, "test")
	if err != nil {
		t.Fatalf("%s opening %s: %v", email, personID, err)
	}
	return op
}

// reader is a demo account that sees the resident, from the table's links;
// "" for a resident linked to no one.
func reader(r demo.Resident) string {
	for _, l := range []struct{ link, email string }{
		{"sam", "sam@riverside.example"}, {"north", "sam@riverside.example"},
		{"priya", "priya@riverside.example"}, {"hospital", "priya@riverside.example"},
		{"oakfield", "jo@oakfield.example"}, {"nurses", "nurse@riversidehealth.example"},
	} {
		if r.Has(l.link) {
			return l.email
		}
	}
	return ""
}

// countFor is how many rows of a table are about the person.
func countFor(t *testing.T, db *store.DB, table, personID string) int {
	t.Helper()
	var n int
	if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table+` WHERE person_id = $1`, personID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCanSee(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	for _, c := range []struct {
		email, given, family string
		want                 bool
	}{
		{"sam@riverside.example", "Helen", "Marsh", true},
		{"jo@oakfield.example", "Helen", "Marsh", false},
		{"jo@oakfield.example", "Hugh", "Ellis", true},
		{"priya@riverside.example", "Geoffrey", "Young", true},
		{"priya@riverside.example", "Margaret", "Exton", true},
		{"sam@riverside.example", "Geoffrey", "Young", false},
		{"priya@riverside.example", "Helen", "Marsh", false},
		{"nurse@riversidehealth.example", "Helen", "Marsh", true},
		{"nurse@riversidehealth.example", "Hugh", "Ellis", false},
		{"manager@riverside.example", "Zachary", "Hale", false},
	} {
		got, err := access.CanSee(ctx, db.Read(), subject(t, db, c.email), personID(t, db, c.given, c.family))
		if err != nil || got != c.want {
			t.Errorf("%s sees %s %s: %v (%v), want %v", c.email, c.given, c.family, got, err, c.want)
		}
	}
}

// The shape of Riverside, from the table: the figures the brief asks for.
func TestRiversideHasTheRightShape(t *testing.T) {
	if n := len(expected("oakfield")); n < 6 || n > 10 || !expected("oakfield")["Hugh Ellis"] {
		t.Errorf("%d Oakfield residents, Hugh among them: %v", n, expected("oakfield")["Hugh Ellis"])
	}
	nurses := expected("nurses")
	if n := len(nurses); n < 8 || n > 14 {
		t.Errorf("%d people known to the district nurses", n)
	}
	council := expected("sam", "north", "priya", "hospital")
	both, onlyNurses := 0, 0
	for n := range nurses {
		if council[n] {
			both++
		} else {
			onlyNurses++
		}
	}
	if both == 0 || onlyNurses == 0 {
		t.Errorf("of the district nurses' people, %d are the council's too and %d are not", both, onlyNurses)
	}
	young := 0
	for _, r := range demo.Residents {
		if r.DOB > "1961-01-01" {
			young++
		}
	}
	if young == 0 || young > len(demo.Residents)/5 {
		t.Errorf("%d younger adults among %d", young, len(demo.Residents))
	}
}

// story is what the test expects of one of the people from the source
// stories.
type story struct {
	given, family      string
	outcomes, setbacks int // at least
	strengths, risks   int // at least
	relationships      int // at least
	kinds              []people.OutcomeKind
}

var stories = []story{
	{"Helen", "Marsh", 1, 1, 1, 1, 2, []people.OutcomeKind{people.OutcomeMaintain}},
	{"Rhodri", "Price", 1, 1, 1, 0, 1, []people.OutcomeKind{people.OutcomeChange}},
	{"Hugh", "Ellis", 1, 1, 1, 0, 1, []people.OutcomeKind{people.OutcomeProcess}},
	{"David", "Britton", 2, 1, 1, 1, 1, []people.OutcomeKind{people.OutcomeChange, people.OutcomeMaintain}},
	{"Francis", "Doyle", 1, 0, 1, 0, 1, []people.OutcomeKind{people.OutcomeProcess}},
	{"Geoffrey", "Young", 2, 1, 1, 0, 1, []people.OutcomeKind{people.OutcomeProcess, people.OutcomeMaintain}},
	{"Margaret", "Exton", 1, 1, 2, 1, 2, []people.OutcomeKind{people.OutcomeChange}},
}

func TestStoriesAreRich(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	r := db.Read()
	for _, st := range stories {
		// The manager sees everyone the council works with, the people of
		// the stories among them.
		op := open(t, db, "manager@riverside.example", personID(t, db, st.given, st.family))
		who := st.given + " " + st.family
		outcomes, err := people.Outcomes(ctx, r, op)
		if err != nil {
			t.Fatal(err)
		}
		setbacks, kinds := 0, map[people.OutcomeKind]bool{}
		for _, o := range outcomes {
			kinds[o.Kind] = true
			for _, p := range o.Progress {
				if p.Movement == "further_away" {
					setbacks++
				}
			}
		}
		if len(outcomes) < st.outcomes || setbacks < st.setbacks {
			t.Errorf("%s: %d outcomes with %d setbacks", who, len(outcomes), setbacks)
		}
		for _, k := range st.kinds {
			if !kinds[k] {
				t.Errorf("%s: no %s outcome", who, k)
			}
		}
		strengths, err1 := people.Strengths(ctx, r, op)
		risks, err2 := people.RiskAgreements(ctx, r, op)
		rels, err3 := people.Relationships(ctx, r, op)
		entries, err4 := people.Timeline(ctx, r, op, people.TimelineFilter{})
		about, err5 := people.GetAboutMe(ctx, r, op)
		profile, err6 := people.GetProfile(ctx, r, op)
		if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
			t.Fatal(err)
		}
		if len(strengths) < st.strengths || len(risks) < st.risks || len(rels) < st.relationships {
			t.Errorf("%s: %d strengths, %d risks, %d relationships", who, len(strengths), len(risks), len(rels))
		}
		if len(entries) < 1 || about.Version != 1 || about.WhatMatters == "" || profile.GPPracticeName != demo.Surgery {
			t.Errorf("%s: %d story entries, About me %+v, GP %q", who, len(entries), about, profile.GPPracticeName)
		}
		for _, e := range entries {
			if len(e.OutcomeIDs) == 0 {
				t.Errorf("%s: story entry %q is linked to no outcome", who, e.Body)
			}
		}
	}
	hugh, _ := people.GetProfile(ctx, r, open(t, db, "jo@oakfield.example", personID(t, db, "Hugh", "Ellis")))
	rhodri, _ := people.GetProfile(ctx, r, open(t, db, "sam@riverside.example", personID(t, db, "Rhodri", "Price")))
	if !strings.Contains(hugh.CommunicationHelps, "Radio 3") || !rhodri.PrefersWelsh {
		t.Errorf("Hugh's profile says %q; Rhodri prefers Welsh: %v", hugh.CommunicationHelps, rhodri.PrefersWelsh)
	}
}

// Everyone a worker is linked to has at least the start of a record: What
// matters to them, and one story entry.
func TestEveryoneLinkedHasAboutMe(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	for _, res := range demo.Residents {
		id := personID(t, db, res.Given, res.Family)
		email := reader(res)
		if email == "" {
			// Linked to no one: nobody could have written, and nothing was.
			for _, l := range demo.Logins {
				if _, err := access.Open(ctx, db, subject(t, db, l.Email), id, "test"); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s opening %s %s, linked to no one: %v", l.Email, res.Given, res.Family, err)
				}
			}
			if n, m := countFor(t, db, "about_me_versions", id), countFor(t, db, "story_entries", id); n+m != 0 {
				t.Errorf("%s %s, linked to no one: %d About me versions, %d story entries", res.Given, res.Family, n, m)
			}
			continue
		}
		op := open(t, db, email, id)
		about, err := people.GetAboutMe(ctx, db.Read(), op)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := people.Timeline(ctx, db.Read(), op, people.TimelineFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if about.Version != 1 || len(entries) == 0 {
			t.Errorf("%s %s (links %v): About me version %d, %d story entries", res.Given, res.Family, res.Links, about.Version, len(entries))
		}
	}
}

// The seed's dates follow store.Now, so with the clock pinned the seed is
// the same every time.
func TestSeedDatesFollowTheClock(t *testing.T) {
	was := store.Now
	store.Now = func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	defer func() { store.Now = was }()
	db := seeded(t)
	outcomes, err := people.Outcomes(context.Background(), db.Read(), open(t, db, "sam@riverside.example", personID(t, db, "Helen", "Marsh")))
	if err != nil || len(outcomes) != 1 || len(outcomes[0].Progress) != 3 {
		t.Fatalf("Helen's outcomes: %v %v", outcomes, err)
	}
	var dates []string
	for _, p := range outcomes[0].Progress {
		dates = append(dates, p.OnDate.String())
	}
	sort.Strings(dates)
	// 120, 60 and 20 days before 1 March 2026.
	if want := []string{"2025-11-01", "2025-12-31", "2026-02-09"}; strings.Join(dates, " ") != strings.Join(want, " ") {
		t.Errorf("Helen's progress dates %v, want %v", dates, want)
	}
}

// A person already there with an empty record (a seed stopped part way, or
// an older seed's bare records) gets the record filled in, once, and is
// not made twice.
func TestSeedFillsInAnEmptyRecord(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	helen := &people.Person{GivenName: "Helen", FamilyName: "Marsh", DateOfBirth: valid.MustDate("1951-06-12"), NHSNumber: demo.NHSNumber(0)}
	if err := people.Create(ctx, db, audit.System, helen); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	if id := personID(t, db, "Helen", "Marsh"); id != helen.ID {
		t.Errorf("Helen is %s now, %s before", id, helen.ID)
	}
	op := open(t, db, "sam@riverside.example", helen.ID)
	history, err := people.AboutMeHistory(ctx, db.Read(), op)
	outcomes, err2 := people.Outcomes(ctx, db.Read(), op)
	if err != nil || err2 != nil || len(history) != 1 || len(outcomes) != 1 {
		t.Errorf("Helen's About me has %d versions and she has %d outcomes (%v %v)", len(history), len(outcomes), err, err2)
	}
}

// The seed writes each record as a worker would: opening it through the
// gate as that worker, so every write passed the rule and the grant, and
// the access log shows who opened it and why.
func TestSeedWritesThroughTheGate(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	for _, c := range []struct {
		given, family string
		writers       []string // every account that wrote in the record
	}{
		{"Helen", "Marsh", []string{"sam@riverside.example", "nurse@riversidehealth.example"}},
		{"Hugh", "Ellis", []string{"jo@oakfield.example"}},
		{"Geoffrey", "Young", []string{"priya@riverside.example"}},
		{"Mary", "Kelly", []string{"nurse@riversidehealth.example"}},
	} {
		id := personID(t, db, c.given, c.family)
		evs, err := audit.ForPerson(ctx, db.Read(), id, 1000)
		if err != nil {
			t.Fatal(err)
		}
		opened, wrote := map[string]int{}, map[string]bool{}
		for _, ev := range evs {
			switch {
			case ev.Action == "person.read":
				if ev.Outcome == audit.Denied || ev.Target != "demo seed" {
					t.Errorf("%s: the seed's read is %+v; want allowed, for the demo seed", c.given, ev)
				}
				opened[ev.AccountID]++
			case ev.AccountID != "":
				wrote[ev.AccountID] = true
			}
		}
		want := map[string]bool{}
		for _, email := range c.writers {
			a := subject(t, db, email).Account
			want[a.ID] = true
			if opened[a.ID] != 1 || !wrote[a.ID] {
				t.Errorf("%s %s: %s opened the record %d times and wrote in it: %v; want once, and wrote",
					c.given, c.family, email, opened[a.ID], wrote[a.ID])
			}
		}
		for acct := range wrote {
			if !want[acct] {
				t.Errorf("%s %s: account %s wrote without being one of the writers", c.given, c.family, acct)
			}
		}
	}
}
