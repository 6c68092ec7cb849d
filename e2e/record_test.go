//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// findPerson searches the home page by name and returns the first
// record's path, failing if there is none.
func findPerson(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	do(t, ctx, chromedp.Navigate(baseURL+"/?q="+name), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	// The search's own results (#people): a worker's home page also lists
	// their own people above them, whoever the search was for.
	path := eval[string](t, ctx, `(document.querySelector('#people a[href^="/people/"]')||{getAttribute:()=>''}).getAttribute('href')`)
	if path == "" {
		t.Fatalf("searching for %s found nobody", name)
	}
	return path
}

// The record as a practitioner works it: a conversation with Rhodri (the
// coach flags "non-compliant" as it is typed), progress with a setback on
// his outcome, then a search for "heron" that finds Helen's story, and
// that finds nothing for Jo at the care home. Every page passes axe.
func TestRecordJourney(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "sam@riverside.example")
	rhodri := findPerson(t, ctx, "Rhodri")
	do(t, ctx, chromedp.Navigate(baseURL+rhodri), chromedp.WaitVisible(chromedp.CSS(`#about-me`)))
	axeScan(t, ctx)

	do(t, ctx, chromedp.Navigate(baseURL+rhodri+"/story/new"), chromedp.WaitVisible(chromedp.CSS(`#body`)))
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#body`), "Rhodri was non-compliant with his exercises this week."),
		chromedp.WaitVisible(chromedp.CSS(`#body-coach li`)))
	if flag := eval[string](t, ctx, `document.querySelector('#body-coach').innerText`); !strings.Contains(flag, "non-compliant") {
		t.Fatalf("the coach said %q; want a flag on non-compliant", flag)
	}
	axeScan(t, ctx)
	// Take the coach's advice, then save.
	do(t, ctx, chromedp.SetValue(chromedp.CSS(`#body`), "Rhodri said the exercises hurt this week, so we agreed to ask the physiotherapist for gentler ones."),
		chromedp.SetValue(chromedp.CSS(`#place`), "At home"),
		chromedp.Submit(chromedp.CSS(`#body`)), chromedp.WaitVisible(chromedp.CSS(`#story`)))
	if !strings.Contains(eval[string](t, ctx, `document.querySelector('main').innerText`), "gentler ones") {
		t.Fatal("the conversation is not in Rhodri's story")
	}

	progress := eval[string](t, ctx, `(document.querySelector('a[href*="/progress"]')||{getAttribute:()=>''}).getAttribute('href')`)
	if progress == "" {
		t.Fatal("Rhodri's record has no outcome to record progress on")
	}
	do(t, ctx, chromedp.Navigate(baseURL+progress), chromedp.WaitVisible(chromedp.CSS(`#movement`)))
	axeScan(t, ctx)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#movement`)), // the first option: further away, a setback
		chromedp.SendKeys(chromedp.CSS(`#note`), "A bad week: the stairs were too much."),
		chromedp.Submit(chromedp.CSS(`#note`)), chromedp.WaitVisible(chromedp.CSS(`#outcomes`)))
	if !strings.Contains(eval[string](t, ctx, `document.querySelector('main').innerText`), "the stairs were too much") {
		t.Fatal("the setback is not on Rhodri's record")
	}
	axeScan(t, ctx)

	do(t, ctx, chromedp.Navigate(baseURL+"/search?q=heron"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if !strings.Contains(eval[string](t, ctx, `document.querySelector('main').innerText`), "Helen") {
		t.Fatal("Sam's search for heron does not find Helen")
	}
	axeScan(t, ctx)

	jo := browser(t)
	signIn(t, jo, "jo@oakfield.example")
	do(t, jo, chromedp.Navigate(baseURL+"/search?q=heron"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if strings.Contains(eval[string](t, jo, `document.querySelector('main').innerText`), "Helen") {
		t.Fatal("Jo's search for heron shows Helen")
	}
}

// Every page of the record passes axe, including each form with its
// errors showing, in English and in Welsh.
func TestRecordPagesPassAxe(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "sam@riverside.example")
	helen := findPerson(t, ctx, "Helen")
	pages := []string{helen, helen + "/about-me", helen + "/profile", helen + "/outcomes/new", helen + "/strengths/new",
		helen + "/risks/new", helen + "/story/new", helen + "/story", helen + "/story?history=1", helen + "/addresses/new",
		helen + "/relationships/new", "/search?q=heron"}
	for _, lang := range []string{"cy", "en"} {
		do(t, ctx, chromedp.Navigate(baseURL+"/language/"+lang+"?next=/"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		for _, p := range pages {
			do(t, ctx, chromedp.Navigate(baseURL+p), chromedp.WaitVisible(chromedp.CSS(`h1`)))
			axeScan(t, ctx)
		}
	}
	// A form refused, with its error summary and inline errors.
	do(t, ctx, chromedp.Navigate(baseURL+helen+"/outcomes/new"), chromedp.WaitVisible(chromedp.CSS(`#statement`)),
		chromedp.Submit(chromedp.CSS(`#statement`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	axeScan(t, ctx)
	// A date refused: the month left out. The error summary leads to the
	// month box, and following it puts the cursor there.
	do(t, ctx, chromedp.Navigate(baseURL+helen+"/strengths/new"), chromedp.WaitVisible(chromedp.CSS(`#last_confirmed_on-month`)))
	eval[string](t, ctx, `document.getElementById('last_confirmed_on-month').value = ''`)
	do(t, ctx, chromedp.Submit(chromedp.CSS(`#strength`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	axeScan(t, ctx)
	do(t, ctx, chromedp.Click(chromedp.CSS(`.govuk-error-summary a[href="#last_confirmed_on-month"]`)))
	if focused := eval[string](t, ctx, `document.activeElement.id`); focused != "last_confirmed_on-month" {
		t.Errorf("following the date's error put the cursor on %q; want the month box", focused)
	}
	// The correct-or-remove page of the newest entry.
	do(t, ctx, chromedp.Navigate(baseURL+helen+"/story"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	change := eval[string](t, ctx, `(document.querySelector('a[href$="/change"]')||{getAttribute:()=>''}).getAttribute('href')`)
	if change == "" {
		t.Fatal("Helen's story has no entry to correct")
	}
	do(t, ctx, chromedp.Navigate(baseURL+change), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	axeScan(t, ctx)

	admin := browser(t)
	signIn(t, admin, "admin@riverside.example")
	do(t, admin, chromedp.Navigate(baseURL+"/admin/coach"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	axeScan(t, admin)
}

// The pages the other journeys do not reach, each scanned by axe: sign-in
// with its errors, About me's history, changing an outcome, the conflict
// page when two people edit the same details, break glass refused, a new
// API token shown once, and a page a role may not use.
func TestRemainingPagesPassAxe(t *testing.T) {
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(baseURL+"/sign-in"), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
		chromedp.Submit(chromedp.CSS(`input[name=email]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	axeScan(t, ctx)

	signIn(t, ctx, "sam@riverside.example")
	helen := findPerson(t, ctx, "Helen")
	do(t, ctx, chromedp.Navigate(baseURL+helen+"/about-me/history"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	axeScan(t, ctx)
	do(t, ctx, chromedp.Navigate(baseURL+helen), chromedp.WaitVisible(chromedp.CSS(`#outcomes`)))
	change := eval[string](t, ctx, `(document.querySelector('a[href$="/edit"][href*="/outcomes/"]')||{getAttribute:()=>''}).getAttribute('href')`)
	if change == "" {
		t.Fatal("Helen's record has no outcome to change")
	}
	do(t, ctx, chromedp.Navigate(baseURL+change), chromedp.WaitVisible(chromedp.CSS(`#statement`)))
	axeScan(t, ctx)

	// A stale version makes the details form meet someone else's save.
	do(t, ctx, chromedp.Navigate(baseURL+helen+"/edit"), chromedp.WaitVisible(chromedp.CSS(`#given_name`)))
	eval[bool](t, ctx, `(document.querySelector('input[name=version]').value = '0', true)`)
	// The conflict page's table of both versions: the form's own h1 shows
	// until the next page arrives.
	do(t, ctx, chromedp.Submit(chromedp.CSS(`#given_name`)), chromedp.WaitVisible(chromedp.CSS(`main .govuk-table`)))
	if !strings.Contains(h1(t, ctx), "Someone else") {
		t.Fatalf("stale edit showed %q; want the conflict page", h1(t, ctx))
	}
	axeScan(t, ctx)

	// About me written from a stale version, changing a section someone
	// else changed: the conflict page with every section and both versions.
	do(t, ctx, chromedp.Navigate(baseURL+helen+"/about-me"), chromedp.WaitVisible(chromedp.CSS(`#what_matters`)))
	eval[bool](t, ctx, `(document.querySelector('input[name=version]').value = '0', document.querySelector('#what_matters').value += ' And the sea.', true)`)
	do(t, ctx, chromedp.Submit(chromedp.CSS(`#what_matters`)), chromedp.WaitVisible(chromedp.CSS(`.wm-aboutme-conflict`)))
	axeScan(t, ctx)

	// A search too long for the box.
	do(t, ctx, chromedp.Navigate(baseURL+"/search?q="+strings.Repeat("heron+", 40)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	axeScan(t, ctx)

	do(t, ctx, chromedp.Navigate(baseURL+"/break-glass"), chromedp.WaitVisible(chromedp.CSS(`#reason`)),
		chromedp.SendKeys(chromedp.CSS(`#nhs_number`), "999 000 0000"),
		chromedp.Submit(chromedp.CSS(`#reason`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	axeScan(t, ctx)

	do(t, ctx, chromedp.Navigate(baseURL+"/account/tokens"), chromedp.WaitVisible(chromedp.CSS(`#name`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "team dashboard"),
		chromedp.Submit(chromedp.CSS(`#name`)), chromedp.WaitVisible(chromedp.CSS(`#new-token`)))
	axeScan(t, ctx)

	do(t, ctx, chromedp.Navigate(baseURL+"/admin/coach"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if !strings.Contains(h1(t, ctx), "cannot") {
		t.Fatalf("a practitioner on the admin page saw %q", h1(t, ctx))
	}
	axeScan(t, ctx)
}
