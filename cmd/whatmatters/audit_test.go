package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/audit/audittest"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

// seeded makes a CLI whose trail has rows from `users create` (which also
// makes the chain key in the data directory) plus n more, the row whose
// position is denied (1-based, among the n) being a refused attempt.
func seeded(t *testing.T, n int, denied int) *cli {
	t.Helper()
	c := newCLI(t)
	code, _, errs := c.run("", "users", "create", "--email", "a@council.test", "--name", "A", "--role", "admin",
		"--organisation", "Council", "--organisation-kind", "council")
	if code != 0 {
		t.Fatalf("users create: %d %s", code, errs)
	}
	if !strings.Contains(errs, "created a new audit chain key in "+filepath.Join(c.dataDir, "audit-chain.key")) {
		t.Errorf("users create did not say it made the chain key: %q", errs)
	}
	c.write(n, denied)
	return c
}

// write appends rows as the program would, with the data directory's key.
func (c *cli) write(n int, denied int) {
	c.t.Helper()
	keys, err := audit.LoadChainKeys(filepath.Join(c.dataDir, "audit-chain.key"))
	if err != nil {
		c.t.Fatal(err)
	}
	audit.SetChainKeys(keys)
	db := c.open()
	defer db.Close()
	for i := 1; i <= n; i++ {
		r := audit.Record{Action: "person.read", PersonID: "p1", Target: "person/p1"}
		if i == denied {
			r.Outcome = audit.Denied
		}
		if err := audit.WriteAlone(context.Background(), db, audit.Actor{Label: "Sam <sam@council.test>"}, r); err != nil {
			c.t.Fatal(err)
		}
	}
}

func (c *cli) open() *store.DB {
	c.t.Helper()
	db, err := store.Open(context.Background(), c.dsn, "")
	if err != nil {
		c.t.Fatal(err)
	}
	return db
}

// attack rewrites the trail through SQL, triggers dropped.
func (c *cli) attack(fn func(db *store.DB, rows []audit.Event)) {
	c.t.Helper()
	db := c.open()
	defer db.Close()
	fn(db, audittest.Rows(c.t, db))
}

func (c *cli) verify(args ...string) (int, string) {
	c.t.Helper()
	code, out, errs := c.run("", append([]string{"audit", "verify"}, args...)...)
	return code, out + errs
}

func (c *cli) checkpoint() {
	c.t.Helper()
	code, out, errs := c.run("", "audit", "checkpoint")
	if code != 0 || !strings.Contains(out, "checkpoint written") {
		c.t.Fatalf("audit checkpoint: %d %q %q", code, out, errs)
	}
}

// The attacks of the issue, through the command line, on either engine:
// each makes audit verify exit 1 and name what was done.
func TestAuditVerifyNamesAttacks(t *testing.T) {
	guessed := []byte("a guess at the key")
	for _, c := range []struct {
		name   string
		attack func(t *testing.T, db *store.DB, rows []audit.Event)
		want   func(rows []audit.Event) []string
	}{
		{"intact", nil, func(rows []audit.Event) []string {
			return []string{"audit trail intact", "2 checkpoints", "2 agree"}
		}},
		{"last rows cut off and the head moved back", func(t *testing.T, db *store.DB, rows []audit.Event) {
			keep := rows[len(rows)-4]
			audittest.Attack(t, db, func(tx *sql.Tx) error {
				if _, err := tx.Exec(`DELETE FROM audit_events WHERE seq > $1`, keep.Seq); err != nil {
					return err
				}
				_, err := tx.Exec(`UPDATE audit_head SET seq = $1, hash = $2`, keep.Seq, keep.Hash)
				return err
			})
		}, func(rows []audit.Event) []string {
			n := int64(len(rows))
			return []string{fmt.Sprintf("BROKEN at row %d", n-2), fmt.Sprintf("ends at row %d", n-3),
				fmt.Sprintf("recorded %d rows", n), "gone from the end"}
		}},
		{"denied made ok, later rows rehashed with plain SHA-256", func(t *testing.T, db *store.DB, rows []audit.Event) {
			audittest.Rewrite(t, db, audittest.Rechain(allowed(t, rows), deniedSeq(rows), nil, audittest.PlainSHA256))
		}, func(rows []audit.Event) []string {
			return []string{fmt.Sprintf("BROKEN at row %d", deniedSeq(rows)), "do not match the HMAC", "differs from this checkpoint"}
		}},
		{"denied made ok, later rows rehashed with a guessed key", func(t *testing.T, db *store.DB, rows []audit.Event) {
			audittest.Rewrite(t, db, audittest.Rechain(allowed(t, rows), deniedSeq(rows), nil, audittest.HMAC(guessed)))
		}, func(rows []audit.Event) []string {
			return []string{fmt.Sprintf("BROKEN at row %d", deniedSeq(rows)), "do not match the HMAC", "differs from this checkpoint"}
		}},
		{"a row deleted and the rest renumbered", func(t *testing.T, db *store.DB, rows []audit.Event) {
			k := deniedSeq(rows)
			rest := append(append([]audit.Event(nil), rows[:k-1]...), rows[k:]...)
			audittest.Rewrite(t, db, audittest.Rechain(rest, k, nil, audittest.HMAC(guessed)))
		}, func(rows []audit.Event) []string {
			return []string{fmt.Sprintf("BROKEN at row %d", deniedSeq(rows)), "do not match the HMAC", "gone from the end"}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := seeded(t, 6, 3)
			cl.checkpoint()
			cl.write(2, 0)
			cl.checkpoint()
			if code, out := cl.verify(); code != 0 {
				t.Fatalf("verify before the attack: %d %s", code, out)
			}
			var rows []audit.Event
			cl.attack(func(db *store.DB, r []audit.Event) {
				rows = r
				if c.attack != nil {
					c.attack(t, db, r)
				}
			})
			code, out := cl.verify()
			wantCode := 1
			if c.attack == nil {
				wantCode = 0
			}
			if code != wantCode {
				t.Errorf("verify exit status %d; want %d", code, wantCode)
			}
			for _, w := range c.want(rows) {
				if !strings.Contains(out, w) {
					t.Errorf("verify output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func deniedSeq(rows []audit.Event) int64 {
	for _, e := range rows {
		if e.Outcome == audit.Denied {
			return e.Seq
		}
	}
	return -1
}

// allowed turns the refusal into a success.
func allowed(t *testing.T, rows []audit.Event) []audit.Event {
	out := append([]audit.Event(nil), rows...)
	i := deniedSeq(rows) - 1
	if i < 0 {
		t.Fatal("no denied row")
	}
	out[i].Outcome = audit.OK
	return out
}

func TestAuditVerifyNamesForeignCheckpoints(t *testing.T) {
	c := seeded(t, 3, 0)
	c.checkpoint()
	other := filepath.Join(t.TempDir(), "other.key")
	var out, errb bytes.Buffer
	if code := run([]string{"audit", "keygen", "--signing-key", other}, &out, &errb); code != 0 {
		t.Fatalf("keygen: %d %s", code, errb.String())
	}
	c.write(1, 0)
	if code, o, e := c.run("", "audit", "checkpoint", "--audit-signing-key-file", other); code != 0 {
		t.Fatalf("checkpoint signed by another key: %d %s %s", code, o, e)
	}
	code, o := c.verify()
	if code != 1 || !strings.Contains(o, "not signed by this installation's signing key") {
		t.Errorf("verify with a foreign checkpoint: %d\n%s", code, o)
	}
	// Checked against the other key (as someone who was handed the wrong
	// public key would), it is ours that are named.
	code, o = c.verify("--public-key", other+".pub")
	if code != 1 || strings.Count(o, "not signed by this installation") != 1 || !strings.Contains(o, "1 agree") {
		t.Errorf("verify with the other public key: %d\n%s", code, o)
	}
	// An explicit directory that holds no checkpoints is not a pass.
	code, o = c.verify("--checkpoints", t.TempDir())
	if code != 1 || !strings.Contains(o, "holds no checkpoints") {
		t.Errorf("verify with an empty checkpoint directory: %d\n%s", code, o)
	}
	code, o = c.verify("--checkpoints", filepath.Join(t.TempDir(), "absent"))
	if code != 1 || !strings.Contains(o, "--checkpoints") {
		t.Errorf("verify with a missing checkpoint directory: %d\n%s", code, o)
	}
}

// A key file that is named but cannot be used stops the program; it never
// carries on with another key or none.
func TestAuditKeyFilesRefused(t *testing.T) {
	c := seeded(t, 2, 0)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.key")
	os.WriteFile(empty, nil, 0o600)
	missing := filepath.Join(dir, "missing.key")
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--audit-key-file", missing},
		{"serve", "--addr", "127.0.0.1:0", "--audit-key-file", empty},
		{"serve", "--addr", "127.0.0.1:0", "--audit-signing-key-file", missing},
		{"users", "token", "--email", "a@council.test", "--audit-key-file", empty},
		{"audit", "verify", "--audit-key-file", missing},
		{"audit", "checkpoint", "--audit-signing-key-file", empty},
	} {
		code, _, errs := c.run("", args...)
		if code != 1 || !strings.Contains(errs, "refusing to go on without it") {
			t.Errorf("%v: %d %q", args, code, errs)
		}
	}
	t.Setenv("WHATMATTERS_AUDIT_KEY_FILE", missing)
	if code, _, errs := c.run("", "users", "token", "--email", "a@council.test"); code == 0 || !strings.Contains(errs, "WHATMATTERS_AUDIT_KEY_FILE") {
		t.Errorf("env names a missing key file: %d %q", code, errs)
	}
	t.Setenv("WHATMATTERS_AUDIT_KEY_FILE", "")

	// A fresh key on a trail chained with another is refused...
	fresh := filepath.Join(dir, "fresh.key")
	var out, errb bytes.Buffer
	if code := run([]string{"audit", "keygen", "--chain-key", fresh}, &out, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	if code, _, errs := c.run("", "users", "token", "--email", "a@council.test", "--audit-key-file", fresh); code != 1 || !strings.Contains(errs, "wrong key file") {
		t.Errorf("another key: %d %q", code, errs)
	}
	// ...and so is carrying on when the key in the data directory is gone:
	// no new key is made for a trail that has one.
	keyPath := filepath.Join(c.dataDir, "audit-chain.key")
	os.Rename(keyPath, keyPath+".away")
	if code, _, errs := c.run("", "users", "token", "--email", "a@council.test"); code != 1 || !strings.Contains(errs, "--audit-key-file") {
		t.Errorf("key gone: %d %q", code, errs)
	}
	if _, err := os.Stat(keyPath); err == nil {
		t.Error("a new chain key was made for a trail chained with another")
	}
}

func TestAuditKeygen(t *testing.T) {
	dir := t.TempDir()
	key, signing := filepath.Join(dir, "chain.key"), filepath.Join(dir, "signing.key")
	keygen := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(append([]string{"audit", "keygen"}, args...), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := keygen("--chain-key", key, "--signing-key", signing); code != 0 {
		t.Fatalf("keygen: %d %s", code, out)
	}
	for _, p := range []string{key, signing} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v; want mode 0600", p, fi.Mode(), err)
		}
	}
	first, err := audit.LoadChainKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	if code, out := keygen("--chain-key", key); code != 2 || !strings.Contains(out, "never overwrites") {
		t.Errorf("keygen over a chain key: %d %s", code, out)
	}
	if code, out := keygen("--signing-key", signing); code != 2 || !strings.Contains(out, "never overwrites") {
		t.Errorf("keygen over a signing key: %d %s", code, out)
	}
	if code, out := keygen("--chain-key", key, "--rotate"); code != 0 {
		t.Fatalf("rotate: %d %s", code, out)
	}
	rotated, err := audit.LoadChainKeys(key)
	if err != nil || len(rotated.IDs()) != 2 || rotated.IDs()[1] != first.ID() || rotated.ID() == first.ID() {
		t.Fatalf("after rotation: %v %v (first was %s)", rotated.IDs(), err, first.ID())
	}
	var out, errb bytes.Buffer
	if code := run([]string{"audit", "public-key", "--audit-signing-key-file", signing}, &out, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	pub, _ := os.ReadFile(signing + ".pub")
	if out.String() != string(pub) || !strings.HasPrefix(out.String(), "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("public-key printed %q; %s.pub holds %q", out.String(), signing, pub)
	}
}

// serve writes a checkpoint when it starts and another when it stops, if
// rows were added meanwhile; the trail then verifies against both.
func TestServeCheckpointsAtStartAndStop(t *testing.T) {
	c := seeded(t, 2, 0)
	cpDir := filepath.Join(t.TempDir(), "checkpoints")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := serveConfig{addr: "127.0.0.1:0", checkpoints: checkpointFlags{dir: cpDir, every: time.Hour}}
	cfg.db.dataDir = c.dataDir // the SQLite file and the default keys
	if storetest.Engine() == "postgres" {
		cfg.db.dsn = c.dsn
	}
	ready := &signalWriter{ready: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	select {
	case <-ready.ready:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	waitFor(t, func() bool { n, _ := os.ReadDir(cpDir); return len(n) == 1 })
	c.write(2, 0)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(cpDir)
	if len(entries) != 2 {
		t.Fatalf("checkpoints after start and stop: %d; want 2", len(entries))
	}
	code, out := c.verify("--checkpoints", cpDir)
	if code != 0 || !strings.Contains(out, "2 agree") {
		t.Errorf("verify: %d\n%s", code, out)
	}
}

type signalWriter struct {
	once  sync.Once
	ready chan struct{}
}

func (w *signalWriter) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("serving on")) {
		w.once.Do(func() { close(w.ready) })
	}
	return len(b), nil
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("gave up waiting")
}
