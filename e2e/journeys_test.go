//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// A practitioner signs in, reaches the home page, opens a person's record
// and its access log, the edit form, the token page and break glass, sees
// the home page in Welsh, and signs out. Every page is scanned by axe.
func TestPractitionerJourney(t *testing.T) {
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(baseURL+"/sign-in"), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)))
	axeScan(t, ctx)
	signIn(t, ctx, "sam@riverside.example")
	if got := location(t, ctx); got != "/" {
		t.Fatalf("after sign-in at %s; want /", got)
	}
	axeScan(t, ctx)
	people := eval[[]string](t, ctx, `[...document.querySelectorAll('main a[href^="/people/"]')].map(a => a.getAttribute('href'))`)
	if len(people) == 0 {
		t.Fatal("Sam's home page lists nobody")
	}
	for _, path := range []string{people[0], people[0] + "/access-log", people[0] + "/edit", "/account/tokens", "/break-glass"} {
		do(t, ctx, chromedp.Navigate(baseURL+path), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		if strings.Contains(h1(t, ctx), "not found") {
			t.Fatalf("%s: page not found", path)
		}
		axeScan(t, ctx)
	}
	// Search for Helen (allocated to Sam in the demo).
	do(t, ctx, chromedp.Navigate(baseURL+"/?q=Helen"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if n := eval[int](t, ctx, `document.querySelectorAll('main a[href^="/people/"]').length`); n == 0 {
		t.Fatal("searching for Helen found nobody")
	}
	axeScan(t, ctx)
	// Welsh.
	do(t, ctx, chromedp.Navigate(baseURL+"/language/cy?next=/"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "cy" {
		t.Fatalf("html lang = %q after choosing Cymraeg", lang)
	}
	axeScan(t, ctx)
	do(t, ctx, chromedp.Navigate(baseURL+"/language/en?next=/"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	// Sign out.
	do(t, ctx, chromedp.Submit(chromedp.CSS(`form[action="/sign-out"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)))
	do(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)))
	if got := location(t, ctx); !strings.HasPrefix(got, "/sign-in") {
		t.Fatalf("after sign-out, / went to %s; want the sign-in page", got)
	}
}

// Someone who uses only a keyboard: the skip link comes first and moves
// focus to the main content; the sign-in form can be filled and sent; the
// sign-out button can be reached and pressed.
func TestKeyboardOnly(t *testing.T) {
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(baseURL+"/sign-in"), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)))
	do(t, ctx, chromedp.KeyEvent(kb.Tab))
	if cls := eval[string](t, ctx, `document.activeElement.className`); !strings.Contains(cls, "govuk-skip-link") {
		t.Fatalf("first Tab focused %q; want the skip link", cls)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter))
	if got := eval[string](t, ctx, `location.hash`); got != "#main-content" {
		t.Fatalf("skip link went to %q; want #main-content", got)
	}
	tabTo(t, ctx, `document.activeElement.name === 'email'`)
	do(t, ctx, chromedp.KeyEvent("sam@riverside.example"))
	tabTo(t, ctx, `document.activeElement.name === 'password'`)
	do(t, ctx, chromedp.KeyEvent("demo-password-only"), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/sign-out"]`)))
	if got := location(t, ctx); got != "/" {
		t.Fatalf("keyboard sign-in ended at %s; want /", got)
	}
	tabTo(t, ctx, `document.activeElement.closest('form[action="/sign-out"]') !== null`)
	do(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)))
}

// tabTo presses Tab until cond holds, failing after 40 presses.
func tabTo(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	for i := 0; i < 40; i++ {
		if eval[bool](t, ctx, cond) {
			return
		}
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	t.Fatalf("could not reach %s with Tab", cond)
}

// The access rule as people meet it: Jo at Oakfield sees only residents,
// gets "Page not found" for Helen, and finds nothing when searching for
// her; the manager's break-glass review page passes axe.
func TestAccessRuleInTheBrowser(t *testing.T) {
	sam := browser(t)
	signIn(t, sam, "sam@riverside.example")
	do(t, sam, chromedp.Navigate(baseURL+"/?q=Helen"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	helen := eval[string](t, sam, `(document.querySelector('main a[href^="/people/"]')||{getAttribute:()=>''}).getAttribute('href')`)
	if helen == "" {
		t.Fatal("Sam cannot find Helen")
	}
	jo := browser(t)
	signIn(t, jo, "jo@oakfield.example")
	do(t, jo, chromedp.Navigate(baseURL+helen), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := h1(t, jo); !strings.Contains(strings.ToLower(got), "not found") {
		t.Fatalf("Jo opening Helen's record saw %q; want Page not found", got)
	}
	axeScan(t, jo)
	do(t, jo, chromedp.Navigate(baseURL+"/?q=Helen"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if n := eval[int](t, jo, `document.querySelectorAll('main a[href^="/people/"]').length`); n != 0 {
		t.Fatalf("Jo's search for Helen found %d people; want none", n)
	}
	manager := browser(t)
	signIn(t, manager, "manager@riverside.example")
	axeScan(t, manager)
	do(t, manager, chromedp.Navigate(baseURL+"/break-glass/review"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	axeScan(t, manager)
}
