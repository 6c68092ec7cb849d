package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A secret file that cannot be read used to fall back silently: a
// mistyped WHATMATTERS_DB_FILE started a fresh, empty database. Now the
// command refuses to start and says which variable is wrong; nothing is
// created.
func TestUnreadableSecretFileRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "no-such-file"), "cannot be read"},
		{empty, "empty file"},
	} {
		t.Setenv("WHATMATTERS_DB_FILE", c.path)
		data := t.TempDir()
		code, _, stderr := (&cli{t: t, dbFlags: []string{"--data-dir", data}}).run("", "migrate")
		if code != 2 || !strings.Contains(stderr, "WHATMATTERS_DB_FILE") || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want 2 naming WHATMATTERS_DB_FILE and %q", c.path, code, stderr, c.want)
		}
		if entries, _ := os.ReadDir(data); len(entries) != 0 {
			t.Errorf("%s: a refused start left %d files in the data directory", c.path, len(entries))
		}
	}
}
