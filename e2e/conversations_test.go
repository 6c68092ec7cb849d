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
	// The form already has the hint before the search.
	onNextPage(t, ctx, chromedp.Click(chromedp.CSS(`button[name=do]`)), `#directory_entry-hint`)
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

// The community directory's pages and the conversation's form, as Sam
// meets them at a desk and on a phone: the list, an entry, changing it,
// adding one (and what adding nothing says), each saying what it is for
// and passing axe.
func TestDirectoryAndConversationFormPages(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "sam@riverside.example")
	for _, width := range []int64{1280, 375} {
		atWidth(t, ctx, "/directory", "directory-list", width)
		mainSays(t, ctx, "the directory", "Community directory", "Riverside Stroke Club", "Tuesday Lunch Club",
			"Add a group, organisation or service")
		axeScan(t, ctx)
	}
	club := eval[string](t, ctx, `(([...document.querySelectorAll('main a[href^="/directory/"]')].find(a => a.innerText === 'Riverside Stroke Club'))||{pathname:''}).pathname`)
	if club == "" {
		t.Fatal("the directory does not link to the stroke club")
	}
	for _, width := range []int64{1280, 375} {
		atWidth(t, ctx, club, "directory-entry", width)
		mainSays(t, ctx, "the stroke club's entry", "Riverside Stroke Club", "Thursdays 2pm to 4pm", "029 2018 0001",
			"People connected to it", "Change this entry")
		axeScan(t, ctx)
		atWidth(t, ctx, club+"/edit", "directory-edit", width)
		mainSays(t, ctx, "the entry's form", "Change a directory entry", "What they offer", "Last checked")
		if name := eval[string](t, ctx, `document.querySelector('#name').value`); name != "Riverside Stroke Club" {
			t.Errorf("the entry's form holds the name %q", name)
		}
		axeScan(t, ctx)
		atWidth(t, ctx, "/directory/new", "directory-new", width)
		mainSays(t, ctx, "the form to add an entry", "Add to the community directory", "The name people know it by")
		axeScan(t, ctx)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	mainSays(t, ctx, "an empty entry", "There is a problem", "Enter the name of the group, organisation or service",
		"Say what they offer, in plain words")
	axeScan(t, ctx)
	screenshot(t, ctx, "directory-new-error", 375)

	doreen := findPerson(t, ctx, "Doreen")
	atWidth(t, ctx, doreen+"/conversations/new", "conversation-new", 375)
	mainSays(t, ctx, "the conversation's form", "Listen and connect", "Who took part", "How did the conversation end?")
	axeScan(t, ctx)
}
