//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The planner's journey: they land on their models, open Riverside, type
// a unit cost that cannot be and read the engine's message at the cell,
// build a scenario with the form and compare it with the baseline, then
// optimise the Riverside LP check and read what one more home care hour
// is worth (the fixture's (980 − 786) / 21 = £9.24). Every page passes
// axe and fits a phone.
func TestPlannerJourney(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "planner@riverside.example")
	if got := h1(t, ctx); got != "Planning models" {
		t.Fatalf("the planner's first page: %q", got)
	}
	atWidth(t, ctx, "/planning", "planning-list", 1280)
	atWidth(t, ctx, "/planning", "planning-list", 375)
	axeScan(t, ctx)
	riverside := eval[string](t, ctx, `[...document.querySelectorAll('main a')].find(a => a.textContent.startsWith('Riverside (synthetic')).getAttribute('href')`)
	lp := eval[string](t, ctx, `[...document.querySelectorAll('main a')].find(a => a.textContent.startsWith('Riverside LP')).getAttribute('href')`)

	atWidth(t, ctx, riverside, "planning-overview", 1280)
	if body := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(body, "£753,960.00") {
		t.Errorf("the overview lacks the baseline's weekly cost:\n%s", body)
	}
	atWidth(t, ctx, riverside, "planning-overview", 375)
	axeScan(t, ctx)

	// A negative unit cost: the engine's message at the cell, what was
	// typed kept.
	cost := `document.getElementById('resources[2].unit_cost')`
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(baseURL+riverside+"/resources"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	eval[bool](t, ctx, `(`+cost+`.value = '', true)`)
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`[id="resources[2].unit_cost"]`), "-5"),
		chromedp.Submit(chromedp.CSS(`[id="resources[2].unit_cost"]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	if got := eval[string](t, ctx, `(document.getElementById('resources[2].unit_cost-error')||{innerText:''}).innerText`); !strings.Contains(got, "Unit cost, Home care hour: must be 0 or more, not -5") {
		t.Errorf("the message at the cell: %q", got)
	}
	if got := eval[string](t, ctx, cost+`.value`); got != "-5" {
		t.Errorf("the cell now holds %q, want what was typed", got)
	}
	shot(t, ctx, "planning-resources-error-1280")
	axeScan(t, ctx)
	do(t, ctx, chromedp.EmulateViewport(375, 900))
	if over := eval[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("the resources table on a phone is %d px wider than the window: %s", over, eval[string](t, ctx, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth+1 && !e.closest('.wm-table-scroll')).slice(0,8).map(e => e.tagName+'.'+e.className+'#'+e.id+':'+Math.round(e.getBoundingClientRect().right)).join(' | ')`))
	}
	shot(t, ctx, "planning-resources-error-375")

	// A scenario from the form, compared with the baseline.
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(baseURL+riverside+"/scenarios/new"), chromedp.WaitVisible(chromedp.CSS(`#name`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Half of C2 residential at home"),
		chromedp.SetValue(chromedp.CSS(`#move_category`), "C2"), chromedp.SetValue(chromedp.CSS(`#move_from`), "RH"),
		chromedp.SetValue(chromedp.CSS(`#move_to`), "HI"), chromedp.SendKeys(chromedp.CSS(`#move_share`), "50"))
	axeScan(t, ctx)
	do(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.wm-plan-chart`)))
	if got := h1(t, ctx); got != "Compare scenarios" {
		t.Fatalf("after adding the scenario: %q", got)
	}
	body := eval[string](t, ctx, `document.querySelector('main').innerText`)
	for _, want := range []string{"Half of C2 residential at home", "£753,960.00", "Cost per week by payer", "Setting mix by category"} {
		if !strings.Contains(body, want) {
			t.Errorf("the comparison lacks %q", want)
		}
	}
	// Ticking another scenario re-evaluates without a reload (htmx).
	eval[bool](t, ctx, `(window.marker = 1, true)`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#scenario-1`)))
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#results th[scope=col]:nth-child(4)`)))
	if !eval[bool](t, ctx, `window.marker === 1 && document.querySelector('#results').innerText.includes('£904,752.00')`) {
		t.Error("ticking scenario B did not bring its figures in place")
	}
	path := location(t, ctx)
	shot(t, ctx, "planning-compare-1280")
	axeScan(t, ctx)
	atWidth(t, ctx, strings.TrimPrefix(path, baseURL), "planning-compare", 375)

	// The optimiser on the LP check.
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(baseURL+lp+"/optimise"), chromedp.WaitVisible(chromedp.CSS(`#budget`)),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#answer`)))
	body = eval[string](t, ctx, `document.querySelector('main').innerText`)
	if !strings.Contains(body, "One more home care hour a week would save £9.24.") {
		t.Errorf("the optimum lacks the shadow price in words:\n%s", body)
	}
	shot(t, ctx, "planning-optimise-1280")
	axeScan(t, ctx)
	atWidth(t, ctx, strings.TrimPrefix(location(t, ctx), baseURL), "planning-optimise", 375)
}
