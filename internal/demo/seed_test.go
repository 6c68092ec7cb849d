package demo_test

import (
	"context"
	"sort"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/demo"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
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
	a, err := access.AccountByEmail(context.Background(), db.Read(), email)
	if err != nil {
		t.Fatal(err)
	}
	list, err := people.List(context.Background(), db, access.NewSubject(a, "127.0.0.1", "t"), "")
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
	tables := []string{"organisations", "teams", "accounts", "people", "person_links", "outcomes", "story_entries", "about_me_versions"}
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
		if _, err := access.SignIn(context.Background(), db, l.Email, demo.Password, "127.0.0.1", "t"); err != nil {
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

func TestStoriesAreRich(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	var helen string
	err := db.Read().QueryRowContext(ctx, `SELECT id FROM people WHERE given_name = 'Helen' AND family_name = 'Marsh'`).Scan(&helen)
	if err != nil {
		t.Fatal(err)
	}
	outcomes, err := people.Outcomes(ctx, db.Read(), helen)
	if err != nil || len(outcomes) != 1 || len(outcomes[0].Progress) != 3 || len(outcomes[0].StrengthIDs) != 1 || len(outcomes[0].RiskIDs) != 1 {
		t.Fatalf("Helen's outcomes: %v %v", outcomes, err)
	}
	about, _ := people.GetAboutMe(ctx, db.Read(), helen)
	if about.Version != 1 || about.WhatMatters == "" {
		t.Errorf("Helen's About me: %+v", about)
	}
}
