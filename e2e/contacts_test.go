//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fillContact fills in the contact form for a person, leaving the date
// (today) and the team (Sam's own) as the form offers them.
func fillContact(t *testing.T, ctx context.Context, given, family, day, month, year string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(baseURL+"/contacts/new"), chromedp.WaitVisible(chromedp.CSS(`#given_name`)),
		chromedp.SendKeys(chromedp.CSS(`#given_name`), given), chromedp.SendKeys(chromedp.CSS(`#family_name`), family),
		chromedp.SendKeys(chromedp.CSS(`#date_of_birth-day`), day), chromedp.SendKeys(chromedp.CSS(`#date_of_birth-month`), month),
		chromedp.SendKeys(chromedp.CSS(`#date_of_birth-year`), year),
		chromedp.Click(chromedp.CSS(`#method`)), chromedp.Click(chromedp.CSS(`#asker-hospital_ward`)),
		chromedp.SendKeys(chromedp.CSS(`#asker_name`), "Ward 7, Riverside General"),
		chromedp.SendKeys(chromedp.CSS(`#reason`), "Going home after a stroke; wants to manage on his own"),
		chromedp.Click(chromedp.CSS(`#route-hospital_discharge`)), chromedp.Click(chromedp.CSS(`#priority-high`)),
		chromedp.SendKeys(chromedp.CSS(`#allocation_reason`), "Discharge planned for Friday"))
}

func mainText(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `document.querySelector('main').innerText`)
}

// Sam records a contact for someone new, is warned that a second contact
// may be Helen, who is already known, says it is her, and finds both
// waiting on North Community Team's page, oldest first.
func TestContactsJourney(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "sam@riverside.example")
	atWidth(t, ctx, "/contacts/new", "contact-new", 1280)
	atWidth(t, ctx, "/contacts/new", "contact-new", 375)
	axeScan(t, ctx)

	fillContact(t, ctx, "Yusuf", "Ahmed", "9", "3", "1944")
	do(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#contacts`)))
	if got := h1(t, ctx); got != "Yusuf Ahmed" {
		t.Fatalf("after recording a contact for someone new: %q", got)
	}
	body := mainText(t, ctx)
	for _, want := range []string{"The contact is saved and allocated.", "North Community Team", "Going home after a stroke"} {
		if !strings.Contains(body, want) {
			t.Errorf("Yusuf's new record lacks %q", want)
		}
	}
	yusuf := location(t, ctx)
	axeScan(t, ctx)

	// Helen Marsh is known: the same name and date of birth.
	fillContact(t, ctx, "Helen", "Marsh", "12", "6", "1951")
	// Wait for the match page's question (or the form's errors): the form's
	// own h1 is still showing until the next page arrives.
	do(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#same_person, .govuk-error-summary`)))
	if got := h1(t, ctx); got != "Is this someone we already know?" {
		t.Fatalf("a contact for Helen again: %q\n%s", got, mainText(t, ctx))
	}
	if body := mainText(t, ctx); !strings.Contains(body, "Yes, this is Helen Marsh") {
		t.Fatalf("the match page does not offer Helen:\n%s", body)
	}
	do(t, ctx, chromedp.EmulateViewport(375, 900))
	screenshot(t, ctx, "contact-match", 375)
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	screenshot(t, ctx, "contact-match", 1280)
	axeScan(t, ctx)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#same_person`)), chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#contacts`)))
	if got := h1(t, ctx); got != "Helen Marsh" {
		t.Fatalf("after choosing Helen: %q", got)
	}

	// The team's page, from Sam's home.
	do(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitVisible(chromedp.CSS(`#team-waiting`)))
	onNextPage(t, ctx, chromedp.Click(chromedp.CSS(`#team-waiting`)), `table`) // the home page has a table too
	waiting := location(t, ctx)
	body = mainText(t, ctx)
	for _, want := range []string{"Waiting for a first conversation", "Yusuf Ahmed", "Helen Marsh", "Alice Barker", "12 days"} {
		if !strings.Contains(body, want) {
			t.Errorf("North's waiting page lacks %q", want)
		}
	}
	if strings.Index(body, "Alice Barker") > strings.Index(body, "Yusuf Ahmed") {
		t.Error("North's waiting page is not oldest first")
	}
	path := strings.TrimPrefix(waiting, baseURL)
	atWidth(t, ctx, path, "team-waiting", 1280)
	atWidth(t, ctx, path, "team-waiting", 375)
	axeScan(t, ctx)
	atWidth(t, ctx, strings.TrimPrefix(yusuf, baseURL), "contact-record", 375)
	atWidth(t, ctx, "/", "home-work", 1280)
}

// screenshot saves the page as it is (a page reached by a form, which
// atWidth cannot navigate to), after checking it fits the window.
func screenshot(t *testing.T, ctx context.Context, name string, width int64) {
	t.Helper()
	if over := eval[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("%s at %d px is %d px wider than the window", name, width, over)
	}
	if dir := os.Getenv("WHATMATTERS_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot of %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// mainSays fails for each phrase the page's main part does not show.
func mainSays(t *testing.T, ctx context.Context, page string, want ...string) {
	t.Helper()
	body := mainText(t, ctx)
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not say %q:\n%s", page, w, body)
		}
	}
}

// The pages that change who holds a person and close a contact, as Sam
// reaches them from Alice Barker's record (she waits for North): each
// says what it is for, passes axe, and fits a desk and a phone; closing
// without an outcome names the problem (nothing is saved, so she still
// waits for the other journeys).
func TestAllocationAndClosePages(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "sam@riverside.example")
	// Alice from North's waiting list, where she is by name.
	do(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitVisible(chromedp.CSS(`#team-waiting`)))
	onNextPage(t, ctx, chromedp.Click(chromedp.CSS(`#team-waiting`)), `table`) // the home page has a table too
	alice := eval[string](t, ctx, `(([...document.querySelectorAll('main table a[href^="/people/"]')].find(a => a.innerText.includes('Alice Barker')))||{pathname:''}).pathname`)
	if alice == "" {
		t.Fatalf("North's waiting list does not link to Alice Barker:\n%s", mainText(t, ctx))
	}
	for _, width := range []int64{1280, 375} {
		atWidth(t, ctx, alice+"/allocation", "allocation", width)
		mainSays(t, ctx, "the allocation page", "Alice Barker", "Change who holds them", "Allocated now to North Community Team.",
			"Moving them to another team ends this allocation", "Why this team and priority")
		axeScan(t, ctx)
	}
	do(t, ctx, chromedp.Navigate(baseURL+alice), chromedp.WaitVisible(chromedp.CSS(`#contacts`)))
	closing := eval[string](t, ctx, `(document.querySelector('main a[href$="/close"]')||{pathname:''}).pathname`)
	if closing == "" {
		t.Fatalf("Alice's record offers no way to close her contact:\n%s", mainText(t, ctx))
	}
	for _, width := range []int64{1280, 375} {
		atWidth(t, ctx, closing, "contact-close", width)
		mainSays(t, ctx, "the closing page", "Alice Barker", "Close the contact", "Who asked", "Tom Barker (son)",
			"Mum has stopped going to her lunch club", "What was done or agreed")
		axeScan(t, ctx)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	mainSays(t, ctx, "the closing page without an outcome", "There is a problem", "Choose an outcome")
	axeScan(t, ctx)
	screenshot(t, ctx, "contact-close-error", 375)
}
