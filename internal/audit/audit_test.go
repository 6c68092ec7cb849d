package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

func writeEvents(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		err := audit.WriteAlone(context.Background(), db, audit.Actor{AccountID: "", Label: "tester", IP: "127.0.0.1"},
			audit.Record{Action: "test.event", PersonID: fmt.Sprintf("p%d", i%2), Details: map[string]int{"i": i}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// tamper runs SQL against the trail with its append-only triggers out of
// the way, as someone with direct access to the database file could.
func tamper(t *testing.T, db *store.DB, stmt string) {
	t.Helper()
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var pre, post []string
		if db.Dialect == store.Postgres {
			pre = []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`, `ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_delete`}
			post = []string{`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`, `ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_delete`}
		} else {
			pre = []string{`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`}
		}
		for _, s := range append(append(pre, stmt), post...) {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChainVerifies(t *testing.T) {
	db := storetest.Open(t)
	writeEvents(t, db, 7)
	n, err := audit.Verify(context.Background(), db.Read())
	if err != nil || n != 7 {
		t.Fatalf("Verify = %d, %v; want 7 rows and no problem", n, err)
	}
}

func TestTamperingIsFound(t *testing.T) {
	cases := []struct {
		name    string
		stmt    string
		wantSeq int64
	}{
		{"altered details", `UPDATE audit_events SET details = '{"i":99}' WHERE seq = 3`, 3},
		{"altered actor", `UPDATE audit_events SET actor = 'someone else' WHERE seq = 5`, 5},
		{"row removed", `DELETE FROM audit_events WHERE seq = 2`, 2},
		{"last row removed", `DELETE FROM audit_events WHERE seq = 6`, 6},
		{"row rehashed alone", `UPDATE audit_events SET action = 'x', hash = 'abc' WHERE seq = 4`, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			writeEvents(t, db, 6)
			tamper(t, db, c.stmt)
			_, err := audit.Verify(context.Background(), db.Read())
			var p *audit.Problem
			if !errors.As(err, &p) {
				t.Fatalf("Verify after %q = %v; want a Problem", c.stmt, err)
			}
			if p.Seq != c.wantSeq {
				t.Fatalf("first bad row = %d (%s); want %d", p.Seq, p.Reason, c.wantSeq)
			}
		})
	}
}

func TestTrailRefusesChanges(t *testing.T) {
	db := storetest.Open(t)
	writeEvents(t, db, 2)
	ctx := context.Background()
	stmts := []string{`UPDATE audit_events SET actor = 'x'`, `DELETE FROM audit_events`}
	if db.Dialect == store.Postgres { // SQLite has no TRUNCATE
		stmts = append(stmts, `TRUNCATE audit_events`)
	}
	for _, stmt := range stmts {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, stmt)
			return err
		})
		if err == nil {
			t.Errorf("%s succeeded; the trail must be append-only", stmt)
		}
	}
	if n, err := audit.Verify(ctx, db.Read()); err != nil || n != 2 {
		t.Fatalf("Verify = %d, %v", n, err)
	}
}

func TestForPersonNewestFirst(t *testing.T) {
	db := storetest.Open(t)
	writeEvents(t, db, 5)
	evs, err := audit.ForPerson(context.Background(), db.Read(), "p0", 10)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, e := range evs {
		seqs = append(seqs, e.Seq)
	}
	if fmt.Sprint(seqs) != "[5 3 1]" {
		t.Fatalf("events for p0 = %v; want [5 3 1]", seqs)
	}
}

func TestRolledBackChangeLeavesNoAuditRow(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := audit.Write(ctx, tx, audit.System, audit.Record{Action: "test.event"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	writeEvents(t, db, 1)
	if n, err := audit.Verify(ctx, db.Read()); err != nil || n != 1 {
		t.Fatalf("Verify = %d, %v; want 1 row", n, err)
	}
}
