// Package packaging holds the systemd unit and the container build file.
// What these tests can check here, and what they cannot:
//   - the unit is checked by systemd-analyze verify (when it is installed),
//     which names unknown keys and bad values, and for the hardening the
//     operations guide promises; it is not started (no systemd runs here);
//   - the Containerfile's build command is the Makefile's, and running it
//     in a copy of just what the Containerfile copies gives the same bytes
//     as the Makefile's build; the image itself is not built (no container
//     daemon here), so its apt package names and base images are not
//     exercised.
package packaging

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// directives lists a unit's Key=Value lines (not comments).
func directives(unit string) map[string][]string {
	out := map[string][]string{}
	for _, l := range strings.Split(unit, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "[") {
			continue
		}
		k, v, _ := strings.Cut(l, "=")
		out[k] = append(out[k], v)
	}
	return out
}

func TestUnitIsHardened(t *testing.T) {
	d := directives(read(t, "whatmatters.service"))
	for k, want := range map[string]string{
		"DynamicUser": "yes", "StateDirectory": "whatmatters", "ProtectSystem": "strict", "ProtectHome": "yes",
		"PrivateTmp": "yes", "PrivateDevices": "yes", "NoNewPrivileges": "yes", "CapabilityBoundingSet": "",
		"AmbientCapabilities": "", "RestrictSUIDSGID": "yes", "MemoryDenyWriteExecute": "yes",
		"SystemCallArchitectures": "native", "UMask": "0077",
	} {
		if v, ok := d[k]; !ok || v[len(v)-1] != want {
			t.Errorf("%s=%q, want %q", k, v, want)
		}
	}
	if got := d["ExecStart"]; len(got) != 1 || !strings.HasSuffix(got[0], "whatmatters serve") {
		t.Errorf("ExecStart %q", got)
	}
}

// systemd-analyze verify prints problems (unknown keys, bad values) and
// may still exit 0, so any output is a failure. The binary's path is
// pointed at one that exists here.
func TestUnitVerifies(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("WHATMATTERS_REQUIRE_SYSTEMD") != "" {
			t.Fatal("systemd-analyze is not installed")
		}
		t.Skip("systemd-analyze is not installed")
	}
	unit := strings.ReplaceAll(read(t, "whatmatters.service"), "/usr/local/bin/whatmatters", "/bin/true")
	path := filepath.Join(t.TempDir(), "whatmatters.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// buildCommand is the Containerfile's go build line, with the output path
// and the version argument made comparable.
var (
	containerBuild = regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=1 go build .*)$`)
	outputFlag     = regexp.MustCompile(`-o \S+`)
)

func TestContainerBuildsTheMakefilesBinary(t *testing.T) {
	m := containerBuild.FindStringSubmatch(read(t, "Containerfile"))
	if m == nil {
		t.Fatal("no `RUN CGO_ENABLED=1 go build` line in the Containerfile")
	}
	container := strings.ReplaceAll(m[1], "${VERSION}", "packaging-test")
	mk, err := exec.Command("make", "-s", "-n", "-C", "..", "build", "VERSION=packaging-test", "GO=go").Output()
	if err != nil {
		t.Fatalf("make -n build: %v", err)
	}
	makefile := strings.TrimSpace(string(mk))
	if a, b := outputFlag.ReplaceAllString(container, "-o OUT"), outputFlag.ReplaceAllString(makefile, "-o OUT"); a != b {
		t.Fatalf("the Containerfile builds with\n  %s\nthe Makefile with\n  %s", a, b)
	}
	if testing.Short() {
		t.Skip("-short: not building the binary twice")
	}
	// The Containerfile copies go.mod, go.sum, cmd and internal into /src:
	// do the same here, run its command there and the Makefile's in the
	// checkout, and compare the binaries.
	src := t.TempDir()
	for _, p := range []string{"go.mod", "go.sum", "cmd", "internal"} {
		if out, err := exec.Command("cp", "-r", filepath.Join("..", p), src).CombinedOutput(); err != nil {
			t.Fatalf("copy %s: %v %s", p, err, out)
		}
	}
	outDir := t.TempDir()
	fromContainer := filepath.Join(outDir, "container")
	fromMake := filepath.Join(outDir, "make")
	sh(t, src, outputFlag.ReplaceAllString(container, "-o "+fromContainer))
	sh(t, "..", outputFlag.ReplaceAllString(makefile, "-o "+fromMake))
	a, b := sha256.Sum256([]byte(read(t, fromContainer))), sha256.Sum256([]byte(read(t, fromMake)))
	if a != b {
		t.Errorf("the Containerfile's build and the Makefile's give different binaries: %x and %x", a, b)
	}
	if out, err := exec.Command(fromContainer, "version").Output(); err != nil || strings.TrimSpace(string(out)) != "whatmatters packaging-test" {
		t.Errorf("the built binary says %q (%v)", out, err)
	}
}

func sh(t *testing.T, dir, command string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
}
