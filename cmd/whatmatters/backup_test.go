package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/demo"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

// tableCounts counts the rows of every table in a SQLite database.
func tableCounts(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Read().QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	counts := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM "`+n+`"`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		counts[n] = c
	}
	return counts
}

// checkTrail runs the audit check over the whole trail and fails the test
// on any problem; it returns the rows checked.
func checkTrail(t *testing.T, db *store.DB, which string) int64 {
	t.Helper()
	rep, err := audit.Check(context.Background(), db.Read(), audit.Options{})
	if err != nil {
		t.Fatalf("%s: audit check: %v", which, err)
	}
	if !rep.OK() {
		t.Fatalf("%s: audit trail problems: %v", which, rep.Problems)
	}
	return rep.Rows
}

// Seed, back up while the database is open, restore the copy to a new
// place, and find every table with the same rows and the audit trail
// whole before and after.
func TestBackupRestoresEveryRowAndTheAuditTrail(t *testing.T) {
	if storetest.Engine() == "postgres" {
		t.Skip("PostgreSQL is backed up with pg_dump, not by whatmatters backup (TestBackupRefusesPostgres)")
	}
	c := newCLI(t)
	ctx := context.Background()
	d := dbFlags{dataDir: c.dataDir, note: func(string) {}}
	db, err := d.open(ctx) // migrates, and makes the chain key as serve would
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	before := tableCounts(t, db)
	rowsBefore := checkTrail(t, db, "before")
	if before["people"] < 40 || before["audit_events"] == 0 || rowsBefore != before["audit_events"] {
		t.Fatalf("seeded %d people, %d audit rows (%d checked)", before["people"], before["audit_events"], rowsBefore)
	}

	backup := filepath.Join(t.TempDir(), "backup.db")
	code, out, errs := c.run("", "backup", "--to", backup)
	if code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %d %q %q", code, out, errs)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}

	// Restoring is putting the file in place as a new data directory's
	// database (with the server stopped).
	restored := filepath.Join(t.TempDir(), "restored")
	if err := os.Mkdir(restored, 0o700); err != nil {
		t.Fatal(err)
	}
	copyFile(t, backup, filepath.Join(restored, "whatmatters.db"))
	rdb, err := store.Open(ctx, "", restored)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	after := tableCounts(t, rdb)
	if len(after) != len(before) {
		t.Errorf("%d tables restored, want %d", len(after), len(before))
	}
	for table, n := range before {
		if after[table] != n {
			t.Errorf("table %s: %d rows restored, want %d", table, after[table], n)
		}
	}
	if rows := checkTrail(t, rdb, "restored"); rows != rowsBefore {
		t.Errorf("restored trail has %d rows, want %d", rows, rowsBefore)
	}
	checkTrail(t, db, "the original, after the backup")
}

// A backup never overwrites a file, and says so.
func TestBackupRefusesToOverwrite(t *testing.T) {
	if storetest.Engine() == "postgres" {
		t.Skip("SQLite only")
	}
	c := newCLI(t)
	if code, _, errs := c.run("", "migrate"); code != 0 {
		t.Fatal(errs)
	}
	existing := filepath.Join(t.TempDir(), "precious.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := c.run("", "backup", "--to", existing)
	if code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("backup over a file: %d %q", code, errs)
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("the existing file was changed: %q", b)
	}
	if code, _, errs := c.run("", "backup"); code != 2 || !strings.Contains(errs, "--to") {
		t.Errorf("no --to: %d %q", code, errs)
	}
	empty := t.TempDir()
	if code, _, errs := run2(t, "backup", "--to", filepath.Join(empty, "b.db"), "--data-dir", filepath.Join(empty, "nothing")); code != 1 || !strings.Contains(errs, "no database") {
		t.Errorf("backup of a missing database: %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(empty, "nothing")); err == nil {
		t.Errorf("backup of a missing database made one")
	}
}

func TestBackupRefusesPostgres(t *testing.T) {
	code, _, errs := run2(t, "backup", "--to", filepath.Join(t.TempDir(), "b.db"), "--db", "postgres://nobody@127.0.0.1:1/none")
	if code != 2 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("backup of PostgreSQL: %d %q", code, errs)
	}
}

func run2(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
