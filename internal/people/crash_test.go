package people_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

// A writer process is killed with SIGKILL while it writes. Every write it
// had acknowledged (its transaction committed, and only then reported)
// must still be there, with its audit row, and the audit chain intact.
//
// This proves what a commit promises against a crash of the program; a
// power cut is a different failure, which synchronous=FULL (SQLite) and
// PostgreSQL's fsync on commit are there for, and which a test in a
// process cannot produce.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	dsn := storetest.DSN(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()

	child := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$", "-test.count=1")
	child.Env = append(os.Environ(), "WM_CRASH_WRITER_DSN="+dsn)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	lines := bufio.NewScanner(out)
	const killAfter = 150
	killed := false
	for lines.Scan() {
		id, ok := strings.CutPrefix(lines.Text(), "ack ")
		if !ok {
			continue
		}
		acked[id] = true
		if len(acked) == killAfter && !killed {
			// Mid-stream: the writer is in the middle of its next write.
			if err := child.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = child.Wait()
	if !killed || err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the writer was not killed mid-stream (%d writes acknowledged): %v", len(acked), err)
	}

	db, err = store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	missing := 0
	for id := range acked {
		var n int
		if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			missing++
		}
		evs, err := audit.ForPerson(ctx, db.Read(), id, 5)
		if err != nil || len(evs) == 0 {
			t.Errorf("person %s has no audit row (%v)", id, err)
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes are gone after SIGKILL", missing, len(acked))
	}
	if n, err := audit.Verify(ctx, db.Read()); err != nil {
		t.Fatalf("audit chain after the crash: %v (%d rows)", err, n)
	}
	t.Logf("%s: %d acknowledged writes, all present after SIGKILL; audit chain intact", storetest.Engine(), len(acked))
}

// TestCrashWriter is the writer, run only as the child of the test above:
// it creates people (each with its audit row, in one transaction) as fast
// as it can and reports each one after its commit returns.
func TestCrashWriter(t *testing.T) {
	dsn := os.Getenv("WM_CRASH_WRITER_DSN")
	if dsn == "" {
		t.Skip("run by TestCrashKeepsAcknowledgedWrites")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute) // never outlive a parent that died
	for i := 0; time.Now().Before(deadline); i++ {
		p := &people.Person{GivenName: "Crash", FamilyName: fmt.Sprintf("Test %d", i)}
		if err := people.Create(ctx, db, audit.System, p); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "ack %s\n", p.ID)
	}
}
