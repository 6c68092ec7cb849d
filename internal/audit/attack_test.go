package audit_test

// The attacks of the issue "Integrity under attack": someone who can write
// to the database (and drops the triggers that forbid it) rewrites the
// trail, with or without the chain key, after a checkpoint was taken.
// Each must make Check fail and name what was done; an intact trail must
// pass.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/audit/audittest"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

// trail is a test database with a chain key, a signing key and a
// checkpoint directory.
type trail struct {
	t      *testing.T
	db     *store.DB
	key    []byte
	keyID  string
	signer ed25519.PrivateKey
	dir    string
}

func newTrail(t *testing.T) *trail {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	useKeys(t, audit.NewChainKeys(key))
	_, signer, _ := ed25519.GenerateKey(rand.Reader)
	return &trail{t: t, db: storetest.Open(t), key: key, keyID: audit.NewChainKeys(key).ID(), signer: signer, dir: t.TempDir()}
}

// useKeys sets the package's chain keys for one test.
func useKeys(t *testing.T, k *audit.ChainKeys) {
	before := audit.CurrentChainKeys()
	audit.SetChainKeys(k)
	t.Cleanup(func() { audit.SetChainKeys(before) })
}

// write appends n rows; the rows whose sequence numbers are in denied are
// refused attempts.
func (tr *trail) write(n int, denied ...int64) {
	tr.t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		var head int64
		if err := tr.db.Read().QueryRowContext(ctx, `SELECT seq FROM audit_head`).Scan(&head); err != nil {
			tr.t.Fatal(err)
		}
		r := audit.Record{Action: "person.read", PersonID: "p1", Target: "person/p1", Details: map[string]int64{"n": head + 1}}
		for _, d := range denied {
			if d == head+1 {
				r.Outcome = audit.Denied
			}
		}
		if err := audit.WriteAlone(ctx, tr.db, audit.Actor{Label: "Sam Okafor <sam@riverside.test>", IP: "192.0.2.7"}, r); err != nil {
			tr.t.Fatal(err)
		}
	}
}

func (tr *trail) checkpoint() *audit.Checkpoint {
	tr.t.Helper()
	cp, rep, err := audit.TakeCheckpoint(context.Background(), tr.db.Read(), audit.DirSink{Dir: tr.dir}, tr.signer)
	if err != nil {
		tr.t.Fatalf("checkpoint: %v %+v", err, rep)
	}
	return cp
}

func (tr *trail) check() *audit.Report {
	tr.t.Helper()
	files, err := audit.DirSink{Dir: tr.dir}.Checkpoints(context.Background())
	if err != nil {
		tr.t.Fatal(err)
	}
	rep, err := audit.Check(context.Background(), tr.db.Read(), audit.Options{
		Checkpoints: files, PublicKeys: []ed25519.PublicKey{tr.signer.Public().(ed25519.PublicKey)}})
	if err != nil {
		tr.t.Fatal(err)
	}
	return rep
}

func (tr *trail) rows() []audit.Event              { return audittest.Rows(tr.t, tr.db) }
func (tr *trail) attack(fn func(tx *sql.Tx) error) { audittest.Attack(tr.t, tr.db, fn) }
func (tr *trail) rewrite(rows []audit.Event)       { audittest.Rewrite(tr.t, tr.db, rows) }

var (
	plainSHA256 = audittest.PlainSHA256
	keyedHMAC   = audittest.HMAC
	rechain     = audittest.Rechain
)

// only asserts that the report holds exactly these problems, in any order,
// given as kind@seq[-last][:checkpoint-kind-detail].
func only(t *testing.T, rep *audit.Report, want ...string) {
	t.Helper()
	var got []string
	for _, p := range rep.Problems {
		s := fmt.Sprintf("%s@%d", p.Kind, p.Seq)
		if p.Last > p.Seq {
			s += fmt.Sprintf("-%d", p.Last)
		}
		got = append(got, s)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		var lines []string
		for _, p := range rep.Problems {
			lines = append(lines, "  "+p.Error())
		}
		t.Fatalf("problems = %v; want %v\n%s", got, want, strings.Join(lines, "\n"))
	}
}

func TestIntactTrailPassesItsCheckpoints(t *testing.T) {
	tr := newTrail(t)
	tr.checkpoint() // of the empty trail
	tr.write(5)
	tr.checkpoint()
	tr.write(3, 7)
	tr.checkpoint()
	tr.write(2)
	rep := tr.check()
	only(t, rep)
	if rep.Rows != 10 || rep.Checkpoints != 3 || rep.Newest.Length != 8 || rep.LegacyRows != 0 {
		t.Fatalf("report = %+v", rep)
	}
	for _, e := range tr.rows() {
		if e.KeyID != audit.CurrentChainKeys().ID() {
			t.Fatalf("row %d has key_id %q", e.Seq, e.KeyID)
		}
	}
	// A second checkpoint of an unchanged trail is not written again.
	before, _ := os.ReadDir(tr.dir)
	tr.write(0)
	tr.checkpoint()
	tr.checkpoint()
	after, _ := os.ReadDir(tr.dir)
	if len(after) != len(before)+1 {
		t.Fatalf("checkpoints: %d before, %d after two of the same trail; want one more", len(before), len(after))
	}
}

// (a) Cut the last rows off and move audit_head back: the chain that is
// left is sound, so only the checkpoint can tell.
func TestCutFromTheEndIsNamed(t *testing.T) {
	tr := newTrail(t)
	tr.write(12, 11)
	tr.checkpoint()
	rows := tr.rows()
	tr.attack(func(tx *sql.Tx) error {
		if _, err := tx.Exec(`DELETE FROM audit_events WHERE seq > 8`); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE audit_head SET seq = 8, hash = $1`, rows[7].Hash)
		return err
	})
	if _, err := audit.Verify(context.Background(), tr.db.Read()); err != nil {
		t.Fatalf("without checkpoints the cut trail still checks out (%v); the test no longer shows what checkpoints add", err)
	}
	rep := tr.check()
	only(t, rep, "truncated@9-12")
	if p := rep.Problems[0]; !strings.Contains(p.Error(), "ends at row 8") || !strings.Contains(p.Error(), "recorded 12 rows") ||
		!strings.HasSuffix(p.Checkpoint, ".checkpoint") {
		t.Fatalf("problem = %v", p.Error())
	}
}

// (b) Change a refusal into a success and recompute every later hash.
func TestDeniedTurnedToOKIsNamed(t *testing.T) {
	guessed := []byte("the attacker's best guess at the chain key")
	guessedID := audit.NewChainKeys(guessed).ID()
	noKey := ""
	cases := []struct {
		name  string
		keyID *string
		hash  func(*trail) func(audit.Event) string
		want  []string
	}{
		{"plain SHA-256, key_id kept", nil, func(*trail) func(audit.Event) string { return plainSHA256 },
			[]string{"altered@4-10", "diverged@4-10"}},
		{"plain SHA-256, marked as an old row", &noKey, func(*trail) func(audit.Event) string { return plainSHA256 },
			[]string{"downgraded@4-10", "diverged@4-10"}},
		{"guessed key, key_id kept", nil, func(*trail) func(audit.Event) string { return keyedHMAC(guessed) },
			[]string{"altered@4-10", "diverged@4-10"}},
		{"guessed key, its own key_id", &guessedID, func(*trail) func(audit.Event) string { return keyedHMAC(guessed) },
			[]string{"unknown-key@4-10", "diverged@4-10"}},
		// Someone with the real key as well as the database rewrites a
		// chain that checks out; the checkpoints still give it away.
		{"the real key", nil, func(tr *trail) func(audit.Event) string { return keyedHMAC(tr.key) },
			[]string{"diverged@4-10"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTrail(t)
			tr.write(3)
			tr.checkpoint()
			tr.write(7, 4)
			tr.checkpoint()
			rows := tr.rows()
			if rows[3].Outcome != audit.Denied {
				t.Fatalf("row 4 = %+v", rows[3])
			}
			rows[3].Outcome = audit.OK
			tr.rewrite(rechain(rows, 4, c.keyID, c.hash(tr)))
			if got := tr.rows()[3].Outcome; got != audit.OK {
				t.Fatalf("the attack did not take: row 4 is %q", got)
			}
			rep := tr.check()
			only(t, rep, c.want...)
			last := rep.Problems[len(rep.Problems)-1]
			if !strings.Contains(last.Reason, "the change lies in rows 4–10") {
				t.Fatalf("the checkpoint problem does not bound the change: %v", last.Error())
			}
		})
	}
}

// (c) Delete a row and renumber the rest, so there is no gap.
func TestDeletedAndRenumberedIsNamed(t *testing.T) {
	guessed := []byte("the attacker's best guess at the chain key")
	for _, c := range []struct {
		name string
		hash func(*trail) func(audit.Event) string
		want []string
	}{
		{"numbers changed, hashes left", nil, []string{"unlinked@5", "altered@5-9", "diverged@4-7", "truncated@10"}},
		{"rehashed with plain SHA-256", func(*trail) func(audit.Event) string { return plainSHA256 },
			[]string{"altered@5-9", "diverged@4-7", "truncated@10"}},
		{"rehashed with a guessed key", func(*trail) func(audit.Event) string { return keyedHMAC(guessed) },
			[]string{"altered@5-9", "diverged@4-7", "truncated@10"}},
		{"rehashed with the real key", func(tr *trail) func(audit.Event) string { return keyedHMAC(tr.key) },
			[]string{"diverged@4-7", "truncated@10"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := newTrail(t)
			tr.write(3)
			tr.checkpoint()
			tr.write(4)
			tr.checkpoint()
			tr.write(3)
			tr.checkpoint()
			rows := tr.rows()
			rows = append(rows[:4], rows[5:]...) // row 5 goes
			if c.hash == nil {
				for i := range rows {
					rows[i].Seq = int64(i + 1)
				}
			} else {
				rows = rechain(rows, 5, nil, c.hash(tr))
			}
			tr.rewrite(rows)
			only(t, tr.check(), c.want...)
		})
	}
}

func TestForeignAndForgedCheckpointsAreNamed(t *testing.T) {
	tr := newTrail(t)
	tr.write(4)
	cp := tr.checkpoint()
	ctx := context.Background()
	// Signed by another key.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	foreign := *cp
	foreign.Time = foreign.Time.Add(time.Second)
	if err := (audit.DirSink{Dir: tr.dir}).Put(ctx, "other-key.checkpoint", foreign.Sign(other)); err != nil {
		t.Fatal(err)
	}
	// Ours, but edited to claim fewer rows (which would hide a cut).
	b, err := os.ReadFile(filepath.Join(tr.dir, cp.FileName()))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "length 4\n", "length 3\n", 1)
	if edited == string(b) {
		t.Fatal("could not edit the checkpoint")
	}
	os.WriteFile(filepath.Join(tr.dir, "edited.checkpoint"), []byte(edited), 0o600)
	// Ours, signed properly, but of another installation's trail.
	elsewhere := *cp
	elsewhere.Installation = "0123456789abcdef0123456789abcdef"
	os.WriteFile(filepath.Join(tr.dir, "elsewhere.checkpoint"), elsewhere.Sign(tr.signer), 0o600)
	os.WriteFile(filepath.Join(tr.dir, "junk.checkpoint"), []byte("not a checkpoint"), 0o600)

	rep := tr.check()
	got := map[string]audit.Kind{}
	for _, p := range rep.Problems {
		got[p.Checkpoint] = p.Kind
	}
	want := map[string]audit.Kind{"other-key.checkpoint": audit.KindUnsigned, "edited.checkpoint": audit.KindUnsigned,
		"elsewhere.checkpoint": audit.KindInstallation, "junk.checkpoint": audit.KindBadCheckpoint}
	if fmt.Sprint(got) != fmt.Sprint(want) || rep.Checkpoints != 1 {
		t.Fatalf("problems by checkpoint = %v (%d good); want %v (1 good)", got, rep.Checkpoints, want)
	}
	for _, p := range rep.Problems {
		if p.Kind == audit.KindUnsigned && !strings.Contains(p.Reason, "not signed by this installation") {
			t.Fatalf("%v", p.Error())
		}
	}
}

// Rows from before keyed chaining keep their plain SHA-256 hashes and
// still check out, but may only come first: one after a keyed row, or at
// or after the row the migration recorded, is named.
func TestOlderUnkeyedRows(t *testing.T) {
	tr := newTrail(t)
	tr.write(5)
	rows := tr.rows()
	noKey := ""
	rows = rechain(rows, 1, &noKey, plainSHA256)          // rows 1-3 as an older version wrote them
	rows = rechain(rows, 4, &tr.keyID, keyedHMAC(tr.key)) // and 4-5 keyed after them
	tr.rewrite(rows)
	tr.attack(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE audit_chain SET keyed_from = 4`)
		return err
	})
	rep := tr.check()
	only(t, rep)
	if rep.LegacyRows != 3 || rep.KeyedFrom != 4 {
		t.Fatalf("report = %+v", rep)
	}
	tr.write(1)
	tr.checkpoint()
	only(t, tr.check())

	// Rewrite rows 2 on as old-style rows. Rows 2 and 3 pass on their
	// own, since anyone can recompute plain SHA-256; the keyed rows and
	// the checkpoint do not.
	rows = tr.rows()
	rows[1].Details = `{"n":99}`
	tr.rewrite(rechain(rows, 2, &noKey, plainSHA256))
	only(t, tr.check(), "downgraded@4-6", "diverged@1-6")
}

func TestChainKeyRotation(t *testing.T) {
	tr := newTrail(t)
	tr.write(3)
	k2 := make([]byte, 32)
	rand.Read(k2)
	useKeys(t, audit.NewChainKeys(k2, tr.key))
	tr.write(3)
	only(t, tr.check())
	useKeys(t, audit.NewChainKeys(k2)) // the retired key was thrown away
	only(t, tr.check(), "unknown-key@1-3")
}

func TestWriteRefusesWithoutChainKey(t *testing.T) {
	tr := newTrail(t)
	useKeys(t, nil)
	err := audit.WriteAlone(context.Background(), tr.db, audit.System, audit.Record{Action: "test.event"})
	if !errors.Is(err, audit.ErrNoChainKey) {
		t.Fatalf("Write without a key = %v; want ErrNoChainKey", err)
	}
	if len(tr.rows()) != 0 {
		t.Fatal("a row was written without the key")
	}
}

func TestStartCheckpoints(t *testing.T) {
	tr := newTrail(t)
	tr.write(3)
	sink := audit.DirSink{Dir: tr.dir}
	stop := audit.StartCheckpoints(context.Background(), tr.db, audit.CheckpointConfig{Sink: sink, Signer: tr.signer})
	waitFiles(t, sink, 1)
	tr.write(2)
	stop()
	stop() // a second stop is harmless
	files, _ := sink.Checkpoints(context.Background())
	if len(files) != 2 {
		t.Fatalf("checkpoints after start and stop = %d; want 2", len(files))
	}
	rep := tr.check()
	only(t, rep)
	if rep.Newest.Length != 5 {
		t.Fatalf("newest checkpoint at %d; want 5", rep.Newest.Length)
	}
	// Every few moments, when rows were added.
	stop = audit.StartCheckpoints(context.Background(), tr.db, audit.CheckpointConfig{Sink: sink, Signer: tr.signer, Every: 20 * time.Millisecond})
	tr.write(1)
	waitFiles(t, sink, 3)
	stop()
	if files, _ = sink.Checkpoints(context.Background()); len(files) != 3 {
		t.Fatalf("checkpoints = %d; want 3 (the restart adds none, the new row one)", len(files))
	}
	// A broken trail is not signed.
	tr.attack(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE audit_events SET outcome = 'denied' WHERE seq = 2`)
		return err
	})
	tr.write(1)
	audit.StartCheckpoints(context.Background(), tr.db, audit.CheckpointConfig{Sink: sink, Signer: tr.signer})()
	if files, _ = sink.Checkpoints(context.Background()); len(files) != 3 {
		t.Fatalf("checkpoints = %d after tampering; want still 3", len(files))
	}
}

func waitFiles(t *testing.T, sink audit.DirSink, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if files, _ := sink.Checkpoints(context.Background()); len(files) >= n {
			return
		}
	}
	t.Fatalf("fewer than %d checkpoints after 10s", n)
}

func TestDirSinkNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	sink := audit.DirSink{Dir: dir}
	ctx := context.Background()
	if err := sink.Put(ctx, "a.checkpoint", []byte("first")); err != nil {
		t.Fatal(err)
	}
	if err := sink.Put(ctx, "a.checkpoint", []byte("second")); err == nil {
		t.Fatal("a second Put under the same name succeeded")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.checkpoint")); string(b) != "first" {
		t.Fatalf("checkpoint now holds %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries; temporary files were left", len(entries))
	}
	if err := sink.Put(ctx, "../escape.checkpoint", nil); err == nil {
		t.Fatal("a name with a path in it was accepted")
	}
}

func TestChainKeyFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	good := strings.Repeat("ab", 32)
	for name, content := range map[string]string{
		"empty": "", "blank": "\n  \n# only a comment\n", "short": "abcd\n", "not hex": strings.Repeat("zz", 32),
	} {
		if _, err := audit.LoadChainKeys(write(name, content)); err == nil {
			t.Errorf("key file %s was accepted", name)
		}
	}
	if _, err := audit.LoadChainKeys(filepath.Join(dir, "absent")); err == nil {
		t.Error("a missing key file was accepted")
	}
	k, err := audit.LoadChainKeys(write("two", "# current\n"+good+"\n\n"+strings.Repeat("cd", 40)+"\n"))
	if err != nil || len(k.IDs()) != 2 || k.ID() != audit.NewChainKeys(bytesOf(good)).ID() {
		t.Fatalf("two keys: %v %v", k, err)
	}
}

func bytesOf(h string) []byte {
	b, _ := hex.DecodeString(h)
	return b
}
