//go:build e2e

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// On a phone the menu was always open, pushing the page down. At phone
// width it is closed behind a Menu button, opens when pressed, and every
// link is then visible; at desktop width the links show without a button.
func TestMenuOnAPhone(t *testing.T) {
	ctx := browser(t)
	do(t, ctx, chromedp.EmulateViewport(375, 740), chromedp.Navigate(baseURL+"/sign-in"), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)))
	signIn(t, ctx, "sam@riverside.example")
	visible := `(() => { const l = document.querySelector('#navigation'); return !!l && l.offsetHeight > 0 && getComputedStyle(l).display !== 'none' })()`
	button := `(() => { const b = document.querySelector('.govuk-js-header-toggle'); return !!b && !b.hidden && b.offsetHeight > 0 })()`
	if !eval[bool](t, ctx, button) {
		t.Fatal("no Menu button at phone width")
	}
	if eval[bool](t, ctx, visible) {
		t.Error("the menu is open on a phone before anyone asked for it")
	}
	shot(t, ctx, "menu-phone-closed")
	do(t, ctx, chromedp.Click(chromedp.CSS(`.govuk-js-header-toggle`)))
	if !eval[bool](t, ctx, visible) {
		t.Error("pressing Menu does not open the menu")
	}
	if eval[string](t, ctx, `document.querySelector('.govuk-js-header-toggle').getAttribute('aria-expanded')`) != "true" {
		t.Error("the Menu button does not say it is expanded")
	}
	shot(t, ctx, "menu-phone-open")
	axeScan(t, ctx)
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(baseURL+"/"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if !eval[bool](t, ctx, visible) {
		t.Error("the menu is hidden at desktop width")
	}
	if eval[bool](t, ctx, button) {
		t.Error("a Menu button shows at desktop width")
	}
}

// shot saves a screenshot for people to look at when WHATMATTERS_SCREENSHOTS
// names a directory (as atWidth does); it asserts nothing.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("WHATMATTERS_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
