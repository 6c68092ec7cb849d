//go:build e2e

// Package e2e drives the real whatmatters binary, serving the demo, with a
// headless Chromium: signing in and out, keyboard-only use, the access rule
// as a person meets it, and an axe-core accessibility scan of every page
// reached. Run with `make test-e2e` (needs Debian's chromium).
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

var baseURL string

// binPath is the binary built for this run, for tests that start a
// second server with other settings.
var binPath string

func TestMain(m *testing.M) {
	code := runWithServer(m)
	// The pages axe-core scanned, so the run shows what "every page" was.
	fmt.Printf("axe-core scanned %d pages (WCAG 2.2 A and AA; serious and critical fail):\n", len(scanned))
	for _, p := range scanned {
		fmt.Println("  ", p)
	}
	os.Exit(code)
}

// runWithServer builds the binary, starts `whatmatters serve --demo` on a
// free loopback port with a fresh data directory, runs the tests and stops
// the server.
func runWithServer(m *testing.M) int {
	chromium := os.Getenv("WHATMATTERS_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("WHATMATTERS_REQUIRE_CHROMIUM") != "" {
			fmt.Fprintf(os.Stderr, "e2e: Chromium not found at %s: install Debian's chromium package\n", chromium)
			return 1
		}
		fmt.Fprintln(os.Stderr, "e2e: Chromium not installed; skipping browser tests")
		return 0
	}
	dir, err := os.MkdirTemp("", "whatmatters-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "whatmatters")
	binPath = bin
	build := exec.Command("go", "build", "-o", bin, "./cmd/whatmatters")
	build.Dir = ".."
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build:", err)
		return 1
	}
	addr, err := freeAddr()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := exec.Command(bin, "serve", "--demo", "--addr", addr, "--data-dir", filepath.Join(dir, "data"))
	log, _ := os.Create(filepath.Join(dir, "server.log"))
	srv.Stdout, srv.Stderr = log, log
	if err := srv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start server:", err)
		return 1
	}
	defer func() {
		_ = srv.Process.Kill()
		_ = srv.Wait()
	}()
	baseURL = "http://" + addr
	if err := waitHealthy(baseURL+"/healthz", 60*time.Second); err != nil {
		b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		fmt.Fprintf(os.Stderr, "e2e: server did not become healthy: %v\n%s\n", err, b)
		return 1
	}
	code := m.Run()
	if code != 0 {
		b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		fmt.Fprintf(os.Stderr, "--- server log ---\n%s\n", tail(string(b), 4000))
	}
	return code
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitHealthy(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			last = fmt.Errorf("status %d", resp.StatusCode)
		} else {
			last = err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return last
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// browser starts a fresh headless Chromium (its own profile, so its own
// cookies) for one test.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()),
		chromedp.NoSandbox,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	// axe-core is injected through the DevTools protocol; the page's own
	// CSP (no inline script) is bypassed for the test harness only.
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func chromiumPath() string {
	if p := os.Getenv("WHATMATTERS_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browser step failed at %s: %v", loc, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %q: %v", js, err)
	}
	return v
}

func location(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `location.pathname + location.search`)
}

func h1(t *testing.T, ctx context.Context) string {
	return strings.TrimSpace(eval[string](t, ctx, `(document.querySelector('h1')||{}).textContent||''`))
}

var axeSource = func() string {
	b, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		panic("e2e: testdata/axe.min.js is missing: " + err.Error())
	}
	return string(b)
}()

type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// scanned records every page the axe scan has looked at, for the summary.
var scanned []string

// axeScan runs axe-core's WCAG 2.x A and AA rules on the current page and
// fails the test on any serious or critical violation.
func axeScan(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {runOnly: {type: 'tag',
		values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}).then(r => r.violations
		.filter(v => v.impact === 'serious' || v.impact === 'critical')
		.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var vs []violation
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	where := location(t, ctx)
	scanned = append(scanned, where)
	for _, v := range vs {
		t.Errorf("axe %s on %s: %s (%s) at %v", v.Impact, where, v.ID, v.Help, v.Nodes)
	}
}

func signIn(t *testing.T, ctx context.Context, email string) {
	t.Helper()
	signInPassword(t, ctx, email)
	secondStep(t, ctx, email)
}

// signInPassword types the email address and password and waits for what
// follows: signed in, or asked for a code, or asked to set one up.
func signInPassword(t *testing.T, ctx context.Context, email string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(baseURL+"/sign-in"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "demo-password-only"),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/sign-out"], #key, form[action="/sign-in/code"]`)),
	)
}

// secondStep finishes signing in as an account that must use two-factor
// sign-in (admins): it sets it up the first time, reading the key off the
// page as a person would type it into their app, and types the app's
// code after that.
func secondStep(t *testing.T, ctx context.Context, email string) {
	t.Helper()
	switch {
	case eval[bool](t, ctx, `!!document.querySelector('#key')`):
		phone.set(email, eval[string](t, ctx, `document.querySelector('#key').textContent`))
		do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#code`), phone.code(t, email)), chromedp.Submit(chromedp.CSS(`#code`)),
			chromedp.WaitVisible(chromedp.CSS(`#recovery-codes`)))
		do(t, ctx, chromedp.Click(chromedp.CSS(`main a.govuk-button`)), chromedp.WaitVisible(chromedp.CSS(`form[action="/sign-out"]`)))
	case eval[bool](t, ctx, `!!document.querySelector('form[action="/sign-in/code"]')`):
		do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#code`), phone.code(t, email)), chromedp.Submit(chromedp.CSS(`#code`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/sign-out"]`)))
	}
}

// onNextPage runs a step that leaves the page (a click, a submit) and
// waits for sel on the page that follows: the page being left is marked
// first, so an element it also has cannot end the wait early.
func onNextPage(t *testing.T, ctx context.Context, leave chromedp.Action[chromedp.Void], sel string) {
	t.Helper()
	eval[bool](t, ctx, `(document.body.dataset.before = 'leaving', true)`)
	do(t, ctx, leave, chromedp.WaitVisible(chromedp.CSS(`body:not([data-before]) `+sel)))
}
