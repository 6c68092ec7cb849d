package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"whatmatters/internal/store/storetest"
)

// cli runs the command in-process, as main would, against the test's
// database.
type cli struct {
	t       *testing.T
	dbFlags []string
	dataDir string // where the SQLite file, and by default the audit keys, live
	dsn     string // the database, for tests that open it themselves
}

func newCLI(t *testing.T) *cli {
	dir := t.TempDir()
	if storetest.Engine() == "postgres" {
		dsn := storetest.DSN(t)
		return &cli{t: t, dbFlags: []string{"--db", dsn, "--data-dir", dir}, dataDir: dir, dsn: dsn}
	}
	return &cli{t: t, dbFlags: []string{"--data-dir", dir}, dataDir: dir, dsn: "sqlite:" + filepath.Join(dir, "whatmatters.db")}
}

func (c *cli) run(stdinText string, args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	stdin = strings.NewReader(stdinText)
	full := append([]string{}, args...)
	full = append(full, c.dbFlags...)
	code := run(full, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageAndUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"no-such-thing"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Errorf("unknown command: %d %q", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"help"}, &out, &errb); code != 0 {
		t.Errorf("help: %d", code)
	}
	for _, name := range []string{"serve", "migrate", "users", "audit", "version"} {
		if !strings.Contains(out.String(), "  "+name) {
			t.Errorf("help does not list %s", name)
		}
	}
}

func TestMigrateAndVersion(t *testing.T) {
	c := newCLI(t)
	code, out, errs := c.run("", "migrate")
	if code != 0 || !regexp.MustCompile(`schema version (\d+) of (\d+)`).MatchString(out) {
		t.Fatalf("migrate: %d %q %q", code, out, errs)
	}
	m := regexp.MustCompile(`schema version (\d+) of (\d+)`).FindStringSubmatch(out)
	if m[1] != m[2] {
		t.Errorf("after migrate: %s", out)
	}
	var o, e bytes.Buffer
	if run([]string{"version"}, &o, &e) != 0 || !strings.HasPrefix(o.String(), "whatmatters ") {
		t.Errorf("version: %q", o.String())
	}
}

func TestUsersCreateTokenAndBadInput(t *testing.T) {
	c := newCLI(t)
	code, _, errs := c.run("", "users", "create", "--email", "sam@riverside.test", "--name", "Sam Okafor",
		"--role", "practitioner", "--organisation", "Riverside Council")
	if code == 0 || !strings.Contains(errs, "--organisation") || !strings.Contains(errs, "--organisation-kind") {
		t.Errorf("unknown organisation: %d %q", code, errs)
	}
	code, _, errs = c.run("short\n", "users", "create", "--email", "sam@riverside.test", "--name", "Sam Okafor",
		"--role", "practitioner", "--organisation", "Riverside Council", "--organisation-kind", "council", "--password-stdin")
	if code != 2 || !strings.Contains(errs, "--password") || !strings.Contains(errs, "12 characters") {
		t.Errorf("short password: %d %q", code, errs)
	}
	code, out, errs := c.run("a long enough password\n", "users", "create", "--email", "sam@riverside.test", "--name", "Sam Okafor",
		"--role", "practitioner", "--organisation", "Riverside Council", "--organisation-kind", "council",
		"--team", "North Community Team", "--password-stdin")
	if code != 0 || !strings.Contains(out, "created account") {
		t.Fatalf("create: %d %q %q", code, out, errs)
	}
	code, _, errs = c.run("", "users", "create", "--email", "SAM@riverside.test", "--name", "Sam Again",
		"--role", "practitioner", "--organisation", "Riverside Council")
	if code != 2 || !strings.Contains(errs, "--email") || !strings.Contains(errs, "already exists") {
		t.Errorf("duplicate email: %d %q", code, errs)
	}
	code, out, _ = c.run("", "users", "token", "--email", "sam@riverside.test")
	if code != 0 || !regexp.MustCompile(`^wm_\S{20,}\n$`).MatchString(out) {
		t.Errorf("token: %d %q", code, out)
	}
	code, _, errs = c.run("", "users", "token", "--email", "nobody@riverside.test")
	if code != 2 || !strings.Contains(errs, "--email") {
		t.Errorf("token for nobody: %d %q", code, errs)
	}
	code, out, _ = c.run("another long password\n", "users", "set-password", "--email", "sam@riverside.test", "--password-stdin")
	if code != 0 || !strings.Contains(out, "password changed") {
		t.Errorf("set-password: %d %q", code, out)
	}
	code, out, _ = c.run("", "users", "reset-two-factor", "--email", "sam@riverside.test")
	if code != 0 || !strings.Contains(out, "has no two-factor sign-in to reset") {
		t.Errorf("reset-two-factor without it on: %d %q", code, out)
	}
	code, _, errs = c.run("", "users", "reset-two-factor", "--email", "nobody@riverside.test")
	if code != 2 || !strings.Contains(errs, "--email") {
		t.Errorf("reset-two-factor for nobody: %d %q", code, errs)
	}
}

// Editing an audit row with the sqlite3 shell (after dropping the trigger
// that forbids it, as someone covering their tracks would) must make
// audit verify fail and name the row.
func TestAuditVerifyCatchesSQLite3Edit(t *testing.T) {
	if storetest.Engine() != "sqlite" {
		t.Skip("the sqlite3 shell edits SQLite files; the PostgreSQL tamper test is in internal/audit")
	}
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("WHATMATTERS_REQUIRE_SQLITE3") != "" {
			t.Fatal("sqlite3 is not installed (apt-get install sqlite3)")
		}
		t.Skip("sqlite3 is not installed")
	}
	c := newCLI(t)
	c.run("", "users", "create", "--email", "a@council.test", "--name", "A", "--role", "admin",
		"--organisation", "Council", "--organisation-kind", "council")
	c.run("", "users", "token", "--email", "a@council.test")
	code, out, _ := c.run("", "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify before tampering: %d %q", code, out)
	}
	dbPath := filepath.Join(c.dataDir, "whatmatters.db")
	cmd := exec.Command(sqlite3, dbPath, "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'someone else' WHERE seq = 2;")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v %s", err, b)
	}
	code, out, _ = c.run("", "audit", "verify")
	if code != 1 || !strings.Contains(out, "row 2") {
		t.Errorf("verify after tampering: %d %q", code, out)
	}
}

// Demo mode's passwords are public, so it will not listen beyond this
// machine unless told to; the refusal names the flag.
func TestDemoRefusesPublicAddress(t *testing.T) {
	c := newCLI(t)
	code, _, errs := c.run("", "serve", "--demo", "--addr", "0.0.0.0:0")
	if code != 2 || !strings.Contains(errs, "--demo-public") {
		t.Errorf("serve --demo on 0.0.0.0: %d %q", code, errs)
	}
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true,
		"0.0.0.0:8080": false, ":8080": false, "192.0.2.1:8080": false} {
		if loopback(addr) != want {
			t.Errorf("loopback(%q) = %v", addr, !want)
		}
	}
}

// The two-factor policy is a flag of serve; a value that is neither
// policy is refused by name before anything starts.
func TestServeTwoFactorFlag(t *testing.T) {
	c := newCLI(t)
	code, _, errs := c.run("", "serve", "--two-factor", "sometimes")
	if code != 2 || !strings.Contains(errs, `--two-factor "sometimes"`) || !strings.Contains(errs, "everyone") {
		t.Errorf("serve --two-factor sometimes: %d %q", code, errs)
	}
}

// Single sign-on is all set up or not at all: an issuer without its
// client, secret or public address is refused before anything starts.
func TestServeRefusesHalfSetUpSignIn(t *testing.T) {
	c := newCLI(t)
	t.Setenv("WHATMATTERS_OIDC_CLIENT_SECRET", "")
	code, _, errs := c.run("", "serve", "--oidc-issuer", "https://login.example.org", "--oidc-client-id", "wm")
	if code != 2 || !strings.Contains(errs, "half set up") || !strings.Contains(errs, "client secret") {
		t.Errorf("issuer without secret: %d %q", code, errs)
	}
	t.Setenv("WHATMATTERS_OIDC_CLIENT_SECRET", "s")
	code, _, errs = c.run("", "serve", "--oidc-issuer", "http://login.example.org", "--oidc-client-id", "wm", "--public-url", "https://care.example.org")
	if code != 2 || !strings.Contains(errs, "https://") {
		t.Errorf("plain http issuer: %d %q", code, errs)
	}
}
