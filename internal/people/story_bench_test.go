package people_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// Benchmarks for the story (issue 3). scripts/bench.sh runs them on both
// engines and prints each write as a ratio to the raw insert measured in
// the same run.

var benchBody = "We walked down to the river together and watched the water for a while; she talked about her late husband and the allotment."

// BenchmarkStoryEntryWrite is a story entry as a worker saves it on a
// record already opened: validation, the access rule and grant checked
// again, the entry, its search index row and its audit row, in one durable
// transaction.
func BenchmarkStoryEntryWrite(b *testing.B) {
	w := testworld.New(b, storetest.Open(b))
	ctx, op := context.Background(), w.Open(b, w.Sam, w.Helen.ID)
	when := time.Now().Add(-time.Hour)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := &people.Entry{Kind: "conversation", OccurredAt: when, Body: benchBody}
		if err := people.AddEntry(ctx, w.DB, op, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStoryEntryRawInsert is the baseline: the same entry and index
// row inserted directly, in one transaction, with the same durability.
func BenchmarkStoryEntryRawInsert(b *testing.B) {
	w := testworld.New(b, storetest.Open(b))
	ctx := context.Background()
	when := time.Now().Add(-time.Hour).UTC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := w.DB.Tx(ctx, func(tx *sql.Tx) error {
			return rawEntry(ctx, tx, w.DB.Dialect, valid.NewID(), w.Helen.ID, when, benchBody)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func rawEntry(ctx context.Context, tx *sql.Tx, dialect store.Dialect, id, personID string, when time.Time, body string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO story_entries (id, person_id, kind, occurred_at, body, created_by_label, created_at)
		VALUES ($1, $2, 'conversation', $3, $4, 'bench', $5)`, id, personID, when, body, when)
	if err == nil && dialect == store.SQLite {
		_, err = tx.ExecContext(ctx, `INSERT INTO story_search (entry_id, person_id, body) VALUES ($1, $2, $3)`, id, personID, body)
	}
	return err
}

// BenchmarkStorySearch searches a large story (a million entries by
// default; WHATMATTERS_BENCH_STORY_ROWS to change it) for "heron", which
// two entries in a thousand mention, as a worker who may see a tenth of
// the people. Building the data takes a while; only the search is timed.
func BenchmarkStorySearch(b *testing.B) {
	rows := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("WHATMATTERS_BENCH_STORY_ROWS")); err == nil && v > 0 {
		rows = v
	}
	w := testworld.New(b, storetest.Open(b))
	ctx, sam := context.Background(), testworld.Subject(w.Sam)
	const nPeople = 1000
	ids := make([]string, nPeople)
	for i := range ids {
		p := &people.Person{GivenName: "Person", FamilyName: fmt.Sprintf("Number %d", i)}
		if err := people.Create(ctx, w.DB, audit.System, p); err != nil {
			b.Fatal(err)
		}
		ids[i] = p.ID
		if i%10 == 0 { // Sam's team has a tenth of them
			if err := access.AddLink(ctx, w.DB, audit.System, &access.Link{PersonID: p.ID, Kind: access.LinkAllocatedTeam, TeamID: w.NorthTeam.ID}); err != nil {
				b.Fatal(err)
			}
		}
	}
	when := time.Now().Add(-time.Hour).UTC()
	const batch = 20_000
	for start := 0; start < rows; start += batch {
		err := w.DB.Tx(ctx, func(tx *sql.Tx) error {
			for i := start; i < start+batch && i < rows; i++ {
				body := benchBody
				// Two entries in a thousand mention the heron: one for a
				// person Sam's team supports, one for a person it does not.
				if i%500 == 10 || i%500 == 7 {
					body = "She saw the heron by the weir again today and was delighted."
				}
				if err := rawEntry(ctx, tx, w.DB.Dialect, valid.NewID(), ids[i%nPeople], when, body); err != nil {
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
		if err := w.DB.Tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, `ANALYZE story_entries`); return err }); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := people.Search(ctx, w.DB, sam, "heron")
		if err != nil {
			b.Fatal(err)
		}
		if len(res.In(people.FoundStory)) == 0 {
			b.Fatal("no hits")
		}
	}
}
