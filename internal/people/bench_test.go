package people_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/people"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// Benchmarks for the foundation (issue 2). Each product path has a raw
// baseline on the same rows, the same handle and the same durability,
// measured in the same run; scripts/bench.sh prints the ratios.

// BenchmarkWritePath updates a person as a worker saves the form on a
// record already opened: the access rule and grant checked again, the
// version check, the update and its audit row (with the before and after)
// in one durable transaction.
func BenchmarkWritePath(b *testing.B) {
	w := testworld.New(b, storetest.Open(b))
	ctx := context.Background()
	op := w.Open(b, w.Sam, w.Helen.ID)
	p, err := people.Load(ctx, w.DB.Read(), op)
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"Nell", "Lena"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.PreferredName = names[i%2]
		if err := people.Update(ctx, w.DB, op, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawInsert is the write baseline: a row of the same size
// inserted into the people table in its own durable transaction.
func BenchmarkRawInsert(b *testing.B) {
	w := testworld.New(b, storetest.Open(b))
	ctx := context.Background()
	now := time.Now().UTC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := w.DB.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO people (id, given_name, family_name, preferred_name, date_of_birth, version, created_at, updated_at)
				VALUES ($1, 'Helen', 'Marsh', 'Nell', '1938-05-04', 1, $2, $2)`, valid.NewID(), now)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadPath opens a person's record as the record page does: the
// access rule and grant, the read audit row (durable), the person and
// About me.
func BenchmarkReadPath(b *testing.B) {
	w := testworld.New(b, storetest.Open(b))
	ctx, sam := context.Background(), testworld.Subject(w.Sam)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op, err := access.Open(ctx, w.DB, sam, w.Helen.ID, "bench")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := people.Load(ctx, w.DB.Read(), op); err != nil {
			b.Fatal(err)
		}
		if _, err := people.GetAboutMe(ctx, w.DB.Read(), op); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawRead is the read baseline: the same person row by its
// primary key.
func BenchmarkRawRead(b *testing.B) {
	w := testworld.New(b, storetest.Open(b))
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var given string
		if err := w.DB.Read().QueryRowContext(ctx, `SELECT given_name FROM people WHERE id = $1`, w.Helen.ID).Scan(&given); err != nil {
			b.Fatal(err)
		}
	}
}
