//go:build e2e

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The admin's journey: their start page and organisation, inviting a
// worker, the worker setting a password with the link and signing in, and
// the admin disabling them, which ends the worker's open session at the
// next page. Every page fits a phone and passes axe.
func TestAdminInvitesAndDisables(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "admin@riverside.example")
	do(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := h1(t, ctx); got != "Administration" {
		t.Fatalf("the admin's home: %q", got)
	}
	atWidth(t, ctx, "/admin", "admin-start", 1280)
	atWidth(t, ctx, "/admin", "admin-start", 375)
	axeScan(t, ctx)
	org := eval[string](t, ctx, `document.querySelector('main a[href^="/admin/organisations/"]').getAttribute('href')`)
	atWidth(t, ctx, org, "admin-organisation", 1280)
	atWidth(t, ctx, org, "admin-organisation", 375)
	axeScan(t, ctx)
	atWidth(t, ctx, "/admin/partners/new", "admin-partner", 375)
	axeScan(t, ctx)

	atWidth(t, ctx, "/admin/accounts/invite", "admin-invite", 375)
	axeScan(t, ctx)
	do(t, ctx, chromedp.EmulateViewport(1280, 900),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Nia Jones"),
		chromedp.SendKeys(chromedp.CSS(`#email`), "nia.e2e@riverside.example"),
		chromedp.Submit(chromedp.CSS(`#name`)),
		chromedp.WaitVisible(chromedp.CSS(`#invite-link`)))
	if got := h1(t, ctx); !strings.Contains(got, "Invitation ready") {
		t.Fatalf("after inviting: %q", got)
	}
	axeScan(t, ctx)
	shot(t, ctx, "admin-invited-1280")
	do(t, ctx, chromedp.EmulateViewport(375, 900))
	if over := eval[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("the invitation page at 375 px is %d px too wide", over)
	}
	shot(t, ctx, "admin-invited-375")
	link := eval[string](t, ctx, `document.querySelector('#invite-link').textContent`)
	path := regexp.MustCompile(`/invite/[0-9A-Z]{20}$`).FindString(link)
	if path == "" {
		t.Fatalf("the invitation link %q", link)
	}

	nia := browser(t)
	atWidth(t, nia, path, "invite-accept", 375)
	axeScan(t, nia)
	do(t, nia, chromedp.SendKeys(chromedp.CSS(`#password`), "demo-password-only"),
		chromedp.SendKeys(chromedp.CSS(`#confirm`), "demo-password-only"),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`.govuk-panel`)))
	if got := h1(t, nia); got != "Your password is set" {
		t.Fatalf("after setting the password: %q", got)
	}
	axeScan(t, nia)
	do(t, nia, chromedp.Navigate(baseURL+path), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := h1(t, nia); got != "This invitation has already been used" {
		t.Errorf("the link a second time: %q", got)
	}
	atWidth(t, nia, path, "invite-used", 375)
	axeScan(t, nia)
	signIn(t, nia, "nia.e2e@riverside.example")
	do(t, nia, chromedp.Navigate(baseURL+"/"), chromedp.WaitVisible(chromedp.CSS(`form[action="/sign-out"]`)))

	do(t, ctx, chromedp.Navigate(baseURL+"/admin/accounts"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	atWidth(t, ctx, "/admin/accounts", "admin-accounts", 1280)
	atWidth(t, ctx, "/admin/accounts", "admin-accounts", 375)
	axeScan(t, ctx)
	acct := eval[string](t, ctx, `[...document.querySelectorAll('main a[href^="/admin/accounts/"]')].find(a => a.textContent === 'Nia Jones').getAttribute('href')`)
	atWidth(t, ctx, acct, "admin-member", 1280)
	atWidth(t, ctx, acct, "admin-member", 375)
	axeScan(t, ctx)
	do(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/disable"] button`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-notification-banner`)))
	if body := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(body, "Its sessions have ended") {
		t.Errorf("after disabling: %s", body)
	}
	axeScan(t, ctx)
	do(t, nia, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)))
	if where := location(t, nia); !strings.HasPrefix(where, "/sign-in") {
		t.Errorf("Nia's page after she was disabled: %s, want the sign-in page", where)
	}
}
