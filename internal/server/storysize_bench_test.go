package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/server"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// BenchmarkRecordPageByStorySize asks whether a page's cost depends on how
// long the person's story is. Two people, both Sam's, with the same
// outcomes; one has 50 story entries, the other 20,000 (one in ten linked
// to an outcome, one in a hundred with a file). Each iteration fetches the
// page for both, timed apart, through the whole server (session, access
// rule, read audit, queries, template). The metrics are each person's time
// per page and large/small, the ratio: near 1 when the page's cost does not
// grow with the story.
func BenchmarkRecordPageByStorySize(b *testing.B) {
	const small, large = 50, 20_000
	db := storetest.Open(b)
	w := testworld.New(b, db)
	smallID := storyOfSize(b, w, "Small", small)
	largeID := storyOfSize(b, w, "Large", large)
	srv := httptest.NewServer(server.New(db, server.Options{}))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(srv.URL+"/sign-in", url.Values{"email": {w.Sam.Email}, "password": {testworld.Password}})
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("sign in: %v %v", err, resp)
	}
	resp.Body.Close()
	for _, page := range []struct{ name, path string }{{"record", ""}, {"story", "/story"}} {
		b.Run(page.name, func(b *testing.B) {
			fetch := func(personID string) time.Duration {
				start := time.Now()
				resp, err := c.Get(srv.URL + "/people/" + personID + page.path)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("%s page: %v %v", page.name, err, resp)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return time.Since(start)
			}
			fetch(smallID) // warm both before timing
			fetch(largeID)
			var ts, tl time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ts += fetch(smallID)
				tl += fetch(largeID)
			}
			b.ReportMetric(float64(ts.Nanoseconds())/float64(b.N), fmt.Sprintf("ns/%d-entries", small))
			b.ReportMetric(float64(tl.Nanoseconds())/float64(b.N), fmt.Sprintf("ns/%d-entries", large))
			b.ReportMetric(float64(tl)/float64(ts), "large/small")
		})
	}
}

// storyOfSize makes a person of Sam's with three outcomes and n story
// entries, written straight into the tables in batches (saving 20,000
// entries one by one through AddEntry would take minutes and measure
// nothing the benchmark is about).
func storyOfSize(b *testing.B, w *testworld.World, family string, n int) string {
	b.Helper()
	ctx := context.Background()
	p := &people.Person{GivenName: "Story", FamilyName: family}
	if err := people.Create(ctx, w.DB, audit.System, p); err != nil {
		b.Fatal(err)
	}
	if err := access.AddLink(ctx, w.DB, audit.System, &access.Link{PersonID: p.ID, Kind: access.LinkAllocatedWorker, AccountID: w.Sam.ID}); err != nil {
		b.Fatal(err)
	}
	op := w.Open(b, w.Sam, p.ID)
	var outcomes []string
	for i := 0; i < 3; i++ {
		o := &people.Outcome{Statement: fmt.Sprintf("I want to do thing %d again", i), Kind: "change", ExpressedBy: "person"}
		if err := people.AddOutcome(ctx, w.DB, op, o); err != nil {
			b.Fatal(err)
		}
		outcomes = append(outcomes, o.ID)
	}
	png := []byte("\x89PNG\r\n\x1a\n" + "bench")
	newest := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	const batch = 5000
	for start := 0; start < n; start += batch {
		err := w.DB.Tx(ctx, func(tx *sql.Tx) error {
			for i := start; i < start+batch && i < n; i++ {
				id, when := valid.NewID(), newest.Add(-time.Duration(i)*time.Hour)
				_, err := tx.ExecContext(ctx, `INSERT INTO story_entries (id, person_id, kind, occurred_at, body,
					created_by, created_by_label, created_at) VALUES ($1, $2, 'visit', $3, $4, $5, $6, $7)`,
					id, p.ID, when, "We walked down to the river together and watched the water for a while.",
					w.Sam.ID, w.Sam.Label(), when)
				if err == nil && w.DB.Dialect == store.SQLite {
					_, err = tx.ExecContext(ctx, `INSERT INTO story_search (entry_id, person_id, body) VALUES ($1, $2, 'river')`, id, p.ID)
				}
				if err == nil && i%10 == 0 {
					_, err = tx.ExecContext(ctx, `INSERT INTO story_entry_outcomes (entry_id, outcome_id) VALUES ($1, $2)`, id, outcomes[i%3])
				}
				if err == nil && i%100 == 0 {
					_, err = tx.ExecContext(ctx, `INSERT INTO attachments (id, entry_id, person_id, filename, content_type, size,
						sha256, data, created_by, created_at) VALUES ($1, $2, $3, 'river.png', 'image/png', $4, 'x', $5, $6, $7)`,
						valid.NewID(), id, p.ID, len(png), png, w.Sam.ID, when)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if w.DB.Dialect == store.Postgres {
		if err := w.DB.Tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, `ANALYZE`); return err }); err != nil {
			b.Fatal(err)
		}
	}
	return p.ID
}
