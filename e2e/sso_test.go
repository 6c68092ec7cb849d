//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"whatmatters/internal/sso/ssotest"
)

// Single sign-on in a real browser: a second server, set up with a test
// identity provider on loopback. The admin adds a rule; a social worker
// signs in with their organisation's account, lands on their home page,
// and signs out with the offer to sign out at the provider too.
func TestSingleSignOnInTheBrowser(t *testing.T) {
	idp := ssotest.New("whatmatters", "e2e-secret-not-real")
	defer idp.Close()
	idp.Set(func(i *ssotest.IdP) {
		i.User = ssotest.User{Subject: "riverside-0042", Email: "pat.evans@riverside.gov.uk", EmailVerified: true, Name: "Pat Evans"}
	})
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	srv := exec.Command(binPath, "serve", "--demo", "--addr", addr, "--data-dir", filepath.Join(dir, "data"),
		"--oidc-issuer", idp.URL, "--oidc-client-id", "whatmatters", "--oidc-name", "Riverside Council account",
		"--public-url", "http://"+addr)
	srv.Env = append(os.Environ(), "WHATMATTERS_OIDC_CLIENT_SECRET=e2e-secret-not-real")
	log, _ := os.Create(filepath.Join(dir, "server.log"))
	srv.Stdout, srv.Stderr = log, log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	old := baseURL
	baseURL = "http://" + addr
	defer func() { baseURL = old }()
	if err := waitHealthy(baseURL+"/healthz", 60*time.Second); err != nil {
		b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		t.Fatalf("second server: %v\n%s", err, b)
	}

	admin := browser(t)
	signIn(t, admin, "admin@riverside.example")
	atWidth(t, admin, "/admin/sign-in-rules", "sso-rules", 1280)
	if got := h1(t, admin); got != "Single sign-on rules" {
		t.Fatalf("rules page h1 %q", got)
	}
	axeScan(t, admin)
	do(t, admin,
		chromedp.Click(chromedp.CSS(`#claim`)), // email domain, the first choice
		chromedp.SendKeys(chromedp.CSS(`#value`), "riverside.gov.uk"),
		chromedp.Click(chromedp.CSS(`#role`)), // social worker, the first choice
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#team');
			s.value = [...s.options].find(o => o.textContent.includes('North')).value; })()`),
		chromedp.Submit(chromedp.CSS(`#value`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/remove"]`)),
	)
	rule := eval[string](t, admin, `document.querySelector('main table tbody').innerText`)
	if !strings.Contains(rule, "riverside.gov.uk") || !strings.Contains(rule, "social worker, North") {
		t.Errorf("the rule reads %q", rule)
	}
	atWidth(t, admin, "/admin/sign-in-rules", "sso-rules", 375)

	pat := browser(t)
	atWidth(t, pat, "/sign-in", "sso-sign-in", 375)
	axeScan(t, pat)
	do(t, pat, chromedp.Click(chromedp.CSS(`a[href^="/sign-in/sso"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/sign-out"]`)))
	if body := eval[string](t, pat, `document.body.innerText`); !strings.Contains(body, "Pat Evans") {
		t.Errorf("after single sign-on the page does not name Pat:\n%s", body)
	}
	do(t, pat, chromedp.Submit(chromedp.CSS(`form[action="/sign-out"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := h1(t, pat); got != "You have signed out of whatmatters" {
		t.Fatalf("after signing out: %q at %s", got, location(t, pat))
	}
	axeScan(t, pat)
	atWidth(t, pat, "/sign-out/sso", "sso-signed-out", 375)
	atWidth(t, pat, "/sign-out/sso", "sso-signed-out", 1280)
}
