//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Sam holds a listen-and-connect conversation with Doreen: he searches the
// community directory from the form (what he typed is kept), picks the
// stroke club, and what matters to her, in her words, appears among her
// outcomes; it ends resolved, the choice already made. On his home page
// the demo's crisis (Cyril's) shows its overdue action. Every page passes
// axe and fits a phone.
func TestListenAndConnectInTheBrowser(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "sam@riverside.example")
	doreen := findPerson(t, ctx, "Doreen")
	atWidth(t, ctx, doreen+"/conversations/new", "conversation-new", 1280)
	axeScan(t, ctx)
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#took_part`), "Doreen and her daughter Ann, at home"),
		chromedp.SendKeys(chromedp.CSS(`#what_matters`), "Getting back to my Thursday club, since the stroke I have not been out"),
		chromedp.SendKeys(chromedp.CSS(`#find`), "stroke"))
	// The form already has the hint before the search: mark this page so
	// the wait is for the hint on the page the search answers with.
	eval[bool](t, ctx, `(document.body.dataset.before = 'search', true)`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`button[name=do]`)),
		chromedp.WaitVisible(chromedp.CSS(`body:not([data-before]) #directory_entry-hint`)))
	hint := eval[string](t, ctx, `document.querySelector('#directory_entry-hint').innerText`)
	if !strings.Contains(hint, "found for “stroke”") {
		t.Fatalf("the directory search from the form says %q", hint)
	}
	if kept := eval[string](t, ctx, `document.querySelector('#what_matters').value`); !strings.Contains(kept, "Thursday club") {
		t.Fatalf("the search lost what was typed: %q", kept)
	}
	if !eval[bool](t, ctx, `document.querySelector('input[name=ended][value=resolved]').checked`) {
		t.Error("resolved is not the choice already made")
	}
	picked := eval[string](t, ctx, `(() => { const s = document.querySelector('#directory_entry');
		const o = [...s.options].find(o => o.text.startsWith('Riverside Stroke Club')); if (!o) return '';
		s.value = o.value; return o.text })()`)
	if picked == "" {
		t.Fatal("the stroke club is not among the directory's choices")
	}
	axeScan(t, ctx)
	do(t, ctx, chromedp.Click(chromedp.CSS(`main form button.govuk-button:not([name])`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-notification-banner--success`)))
	page := eval[string](t, ctx, `document.querySelector('main').innerText`)
	for _, want := range []string{"Resolved: what they needed is in place", "Riverside Stroke Club", "Added to their outcomes"} {
		if !strings.Contains(page, want) {
			t.Errorf("the conversation's page does not say %q:\n%s", want, page)
		}
	}
	axeScan(t, ctx)
	here := location(t, ctx)
	atWidth(t, ctx, here, "conversation", 1280)
	atWidth(t, ctx, here, "conversation", 375)

	do(t, ctx, chromedp.Navigate(baseURL+doreen), chromedp.WaitVisible(chromedp.CSS(`#outcomes`)))
	outcomes := eval[string](t, ctx, `document.querySelector('main').innerText`)
	if !strings.Contains(outcomes, "“Getting back to my Thursday club, since the stroke I have not been out”") {
		t.Error("what matters to Doreen is not among her outcomes")
	}
	atWidth(t, ctx, doreen+"#conversations", "record-conversations", 375)

	// The home page: the crisis's overdue action stands out.
	atWidth(t, ctx, "/", "home-crisis", 1280)
	home := eval[string](t, ctx, `document.querySelector('main').innerText`)
	if !strings.Contains(home, "1 emergency plan action is overdue.") || !strings.Contains(home, "Get the boiler mended before the frost") {
		t.Fatalf("Sam's home page does not show the overdue action:\n%s", home)
	}
	axeScan(t, ctx)
	plan := eval[string](t, ctx, `document.querySelector('main a[href*="/conversations/"]').getAttribute('href')`)
	atWidth(t, ctx, plan, "crisis", 1280)
	atWidth(t, ctx, plan, "crisis", 375)
	if body := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(body, "Overdue") || !strings.Contains(body, "Emergency plan") {
		t.Errorf("the crisis page:\n%s", body)
	}
	axeScan(t, ctx)

	atWidth(t, ctx, "/directory", "directory", 1280)
	atWidth(t, ctx, "/directory?q=club", "directory", 375)
	axeScan(t, ctx)
	atWidth(t, ctx, "/directory/new", "directory-new", 375)
	axeScan(t, ctx)
}
