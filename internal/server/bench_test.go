package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"whatmatters/internal/people"
	"whatmatters/internal/server"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// BenchmarkRecordPage is the server time of a person's record page for a
// person with 500 story entries and 20 outcomes, each with progress:
// session, access rule, read audit, every query and the template.
func BenchmarkRecordPage(b *testing.B) {
	db := storetest.Open(b)
	w := testworld.New(b, db)
	ctx, sam := context.Background(), w.Open(b, w.Sam, w.Helen.ID)
	for i := 0; i < 20; i++ {
		o := &people.Outcome{PersonID: w.Helen.ID, Statement: fmt.Sprintf("I want to do thing %d again", i), Kind: "change", ExpressedBy: "person"}
		if err := people.AddOutcome(ctx, db, sam, o); err != nil {
			b.Fatal(err)
		}
		for j, m := range []people.Movement{people.MovementCloser, people.MovementFurtherAway, people.MovementCloser} {
			p := &people.Progress{OutcomeID: o.ID, OnDate: valid.NewDate(2026, time.Month(j+1), 1), Movement: m, Note: "A step"}
			if err := people.AddProgress(ctx, db, sam, p); err != nil {
				b.Fatal(err)
			}
		}
	}
	when := time.Now().Add(-24 * time.Hour)
	for i := 0; i < 500; i++ {
		e := &people.Entry{PersonID: w.Helen.ID, Kind: "visit", OccurredAt: when.Add(-time.Duration(i) * time.Hour),
			Body: "We talked about the garden and the heron by the river."}
		if err := people.AddEntry(ctx, db, sam, e); err != nil {
			b.Fatal(err)
		}
	}
	srv := httptest.NewServer(server.New(db, server.Options{}))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(srv.URL+"/sign-in", url.Values{"email": {w.Sam.Email}, "password": {testworld.Password}})
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("sign in: %v %v", err, resp)
	}
	resp.Body.Close()
	page := srv.URL + "/people/" + w.Helen.ID
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := c.Get(page)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("record page: %v %v", err, resp)
		}
		resp.Body.Close()
	}
}
