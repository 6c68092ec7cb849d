package store_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/valid"
)

// The crash test (issue 2): a writer process is killed with SIGKILL in the
// middle of a stream of writes, and every write it had acknowledged is still
// there afterwards, with the audit chain intact, on whichever engine the
// suite runs on.
//
// The writer is this test binary run again as a child, in
// TestCrashWriterHelper. It writes through the real write path,
// people.Create, which commits the person and the audit row in one
// transaction, and prints an acknowledgement only after the commit has
// returned. The parent kills it after crashAcks acknowledgements, while it
// is in the middle of its next transaction.
//
// What this proves is the contract between the program and the database:
// a write acknowledged after Commit survives the sudden death of the
// process, nothing half-written is left behind, and the store opens cleanly
// again (SQLite replays or discards its WAL). It does not prove survival of
// a power cut: SIGKILL leaves the operating system's page cache alone, so
// the test would still pass with SQLite's synchronous=OFF, and on
// PostgreSQL (where scripts/with-postgres.sh runs the server with fsync off)
// only the client is killed. Durability against power loss rests on
// synchronous(FULL) in store.sqliteDSN and on PostgreSQL's own settings.
//
// To see it fail, acknowledge inside the transaction, before the commit:
// the write in flight at the kill is then acknowledged but lost.

const (
	crashEnvWriter = "WM_CRASH_WRITER"
	crashEnvDSN    = "WM_CRASH_DSN"
	crashAcks      = 200           // acknowledged writes before the kill
	crashAckPrefix = "crash-ack: " // marks acknowledgements among the child's output
)

func TestCrashAcknowledgedWritesSurvive(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	// On SQLite the file does not exist yet; on PostgreSQL the database is
	// already migrated and this changes nothing.
	db, err := store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		t.Fatal(err)
	}
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriterHelper$", "-test.count=1", "-test.v=false")
	cmd.Env = append(os.Environ(), crashEnvWriter+"=1", crashEnvDSN+"="+dsn)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed { // a failure below: leave no writer behind
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	// A watchdog, so that a writer that stops writing fails the test instead
	// of hanging it.
	watchdog := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	defer watchdog.Stop()

	var acked []string
	lines := bufio.NewScanner(out)
	for len(acked) < crashAcks && lines.Scan() {
		if id, ok := strings.CutPrefix(lines.Text(), crashAckPrefix); ok {
			acked = append(acked, id)
		}
	}
	if len(acked) < crashAcks {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		killed = true
		t.Fatalf("the writer stopped after %d acknowledged writes (scan: %v); its stderr:\n%s", len(acked), lines.Err(), stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed = true
	// Acknowledgements already in the pipe were made before the kill and
	// count as much as the others.
	for lines.Scan() {
		if id, ok := strings.CutPrefix(lines.Text(), crashAckPrefix); ok {
			acked = append(acked, id)
		}
	}
	if err := lines.Err(); err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("read the writer's output: %v", err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("writer ended with %v; want it killed by SIGKILL", err)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("writer ended with %v; want it killed by SIGKILL; its stderr:\n%s", err, stderr.String())
	}

	db, err = store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	defer db.Close()
	stored := map[string]bool{}
	rows, err := db.Read().QueryContext(ctx, `SELECT id FROM people`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		stored[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	audited := map[string]bool{}
	events, err := audit.ForAction(ctx, db.Read(), "person.create", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		audited[e.PersonID] = true
	}
	var lost, unaudited []string
	for _, id := range acked {
		if !stored[id] {
			lost = append(lost, id)
		}
		if !audited[id] {
			unaudited = append(unaudited, id)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d acknowledged writes are missing after the kill, e.g. %s", len(lost), len(acked), lost[0])
	}
	if len(unaudited) > 0 {
		t.Errorf("%d acknowledged writes have no audit row after the kill, e.g. %s", len(unaudited), unaudited[0])
	}
	// One write may have committed without its acknowledgement being
	// printed; no more, since the writer writes one at a time.
	if extra := len(stored) - len(acked); extra < 0 || extra > 1 {
		t.Errorf("%d people stored for %d acknowledged writes; want the same, or one more", len(stored), len(acked))
	}
	if len(audited) != len(stored) {
		t.Errorf("%d people stored but %d person.create audit rows: a person and its audit row were split", len(stored), len(audited))
	}
	n, err := audit.Verify(ctx, db.Read())
	if err != nil {
		t.Errorf("audit trail after the kill: %v", err)
	}
	t.Logf("%s: %d acknowledged writes, %d people stored, %d audit rows verified after SIGKILL",
		storetest.Engine(), len(acked), len(stored), n)
}

// TestCrashWriterHelper is the writer for TestCrashAcknowledgedWritesSurvive,
// run in a child process; on its own it does nothing.
func TestCrashWriterHelper(t *testing.T) {
	if os.Getenv(crashEnvWriter) != "1" {
		t.Skip("the crash test's writer; runs only as its child process")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv(crashEnvDSN), "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	// Stop by itself if the parent never kills it.
	deadline := time.Now().Add(2 * time.Minute)
	for i := 0; time.Now().Before(deadline); i++ {
		p := &people.Person{GivenName: "Crash", FamilyName: fmt.Sprintf("Writer %d", i), DateOfBirth: valid.MustDate("1940-01-01")}
		if err := people.Create(ctx, db, audit.System, p); err != nil {
			fmt.Fprintln(os.Stderr, "write:", err)
			os.Exit(4)
		}
		// Committed: acknowledge. os.Stdout is unbuffered, so the line is in
		// the pipe when Write returns.
		if _, err := fmt.Fprintln(os.Stdout, crashAckPrefix+p.ID); err != nil {
			os.Exit(5)
		}
	}
	os.Exit(6)
}
