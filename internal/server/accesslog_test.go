package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/store"
	"whatmatters/internal/testworld"
)

var cardRE = regexp.MustCompile(`<div class="govuk-summary-card"`)

// card is the summary card that begins with title, up to the next card.
func card(page, title string) string {
	i := strings.Index(page, title)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	if j := cardRE.FindStringIndex(rest); j != nil {
		rest = rest[:j[0]]
	}
	return rest
}

// "Who has looked at this record" sums up each visitor: who they are (by
// name and organisation, never email), how often they looked, when first
// and last, and whether they used emergency access or were refused; each
// time is a click away, in pages.
func TestAccessLogSumsUpEachVisitor(t *testing.T) {
	w, srv := setup(t)
	base := "/people/" + w.Helen.ID
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	for i := 0; i < 2; i++ {
		if resp, _ := alys.get(base); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("Alys opens Helen's record without a reason: %d", resp.StatusCode)
		}
	}
	if resp, _ := alys.post("/break-glass", url.Values{"nhs_number": {"943 476 5919"}, "reason": {"Called to A&E, she cannot tell us her medication"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Alys uses emergency access: %d", resp.StatusCode)
	}
	alys.get(base)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	for i := 0; i < 60; i++ {
		sam.get(base)
	}
	_, log := sam.get(base + "/access-log")
	// Sam: 60 looks and this one; Alys: refused twice, emergency access,
	// one look; the system started the record and linked Sam to it.
	if n := len(cardRE.FindAllString(log, -1)); n != 3 {
		t.Errorf("the access log has %d summaries; want 3 (Sam, Alys, the system)", n)
	}
	mustSay(t, "Sam's summary", card(log, "Sam Okafor, Riverside Council"), "Looked at the record", "61 times", "First time", "Most recent")
	alysCard := card(log, "Alys Pryce, Hillside Council")
	mustSay(t, "Alys's summary", alysCard, "Used emergency access", "Refused", "2 times", "Looked at the record", "1 time")
	if strings.Contains(card(log, "Sam Okafor, Riverside Council"), "emergency") {
		t.Errorf("Sam's summary mentions emergency access")
	}
	for _, email := range []string{w.Sam.Email, w.Alys.Email, "@riverside.test", "@hillside.test"} {
		if strings.Contains(log, email) {
			t.Errorf("the access log shows the email address %q", email)
		}
	}
	// Each of Sam's times, newest first, 50 to a page.
	detail := base + "/access-log/" + w.Sam.ID
	if !strings.Contains(log, `href="`+detail+`"`) {
		t.Fatalf("Sam's summary does not link to each time (%s)", detail)
	}
	_, first := sam.get(detail)
	mustSay(t, "Sam's times", first, "Sam Okafor, Riverside Council", "Looked at the record", "Older entries")
	if n := strings.Count(first, `<tr class="govuk-table__row">`) - 1; n != 50 {
		t.Errorf("the first page of Sam's times has %d rows; want 50", n)
	}
	_, second := sam.get(link(nextRE, first))
	// 60 looks at the record, the summary and the first page of times:
	// 62, the newest 50 on the first page. (Asking for the second page is
	// a look too, but newer than the first page: not on the second.)
	if n := strings.Count(second, `<tr class="govuk-table__row">`) - 1; n != 12 || link(nextRE, second) != "" || link(prevRE, second) == "" {
		t.Errorf("the second page of Sam's times has %d rows (older %q, newer %q); want 12, no older, a newer", n, link(nextRE, second), link(prevRE, second))
	}
	_, alysTimes := sam.get(base + "/access-log/" + w.Alys.ID)
	mustSay(t, "Alys's times", alysTimes, "Used emergency access", "Tried to open the record and was refused")
	if resp, _ := sam.get(base + "/access-log/" + w.Jo.ID); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the times of someone who never came: %d, want 404", resp.StatusCode)
	}
}

// Many visitors: the summary comes in pages of 20, most recent first.
func TestAccessLogSummaryIsPaged(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	org := &account.Organisation{Name: "Lakeside Council", Kind: account.OrgCouncil}
	if err := account.CreateOrganisation(ctx, w.DB, testworld.Subject(w.Sam).Actor, org); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 25; i++ {
		a := &account.Account{OrganisationID: org.ID, Email: fmt.Sprintf("worker%d@lakeside.test", i),
			DisplayName: fmt.Sprintf("Worker %02d", i), Role: account.RolePractitioner}
		if err := account.CreateAccount(ctx, w.DB, testworld.Subject(w.Sam).Actor, a, testworld.Password); err != nil {
			t.Fatal(err)
		}
		if _, err := access.Open(ctx, w.DB, testworld.Subject(a), w.Helen.ID, "test"); err != store.ErrNotFound {
			t.Fatalf("a worker at another council opens Helen's record: %v", err)
		}
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	_, page1 := sam.get("/people/" + w.Helen.ID + "/access-log")
	if n := len(cardRE.FindAllString(page1, -1)); n != 20 {
		t.Errorf("the first page sums up %d visitors; want 20", n)
	}
	// Sam, looking now, is the most recent; then the workers, the last first.
	mustSay(t, "the first page", page1, "Sam Okafor, Riverside Council", "Worker 24, Lakeside Council", `aria-current="page"`, "Page 1 of 2")
	next := link(nextRE, page1)
	if next == "" {
		t.Fatalf("the first page of 27 visitors has no next page")
	}
	_, page2 := sam.get(next)
	if n := len(cardRE.FindAllString(page2, -1)); n != 7 {
		t.Errorf("the second page sums up %d visitors; want 7", n)
	}
	mustSay(t, "the second page", page2, "Worker 00, Lakeside Council", "Page 2 of 2")
	if strings.Contains(page2, "Worker 24") || link(nextRE, page2) != "" {
		t.Errorf("the second page repeats the first, or offers a third")
	}
	if resp, page := sam.get("/people/" + w.Helen.ID + "/access-log?page=99"); resp.StatusCode != 200 || !strings.Contains(page, "Page 99 of 2") && !strings.Contains(page, "Page 2 of 2") {
		t.Errorf("a page past the end: %d", resp.StatusCode)
	}
}

// The summary, a visitor's times and the story's pages in Welsh.
func TestAccessLogAndStoryInWelsh(t *testing.T) {
	w, srv := setup(t)
	rawStory(t, w, w.Helen.ID, 60)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	sam.get("/language/cy?next=/")
	base := "/people/" + w.Helen.ID
	_, log := sam.get(base + "/access-log")
	mustSay(t, "the access log in Welsh", log, "Pwy sydd wedi edrych ar y cofnod hwn", "Wedi edrych ar y cofnod", "1 tro", "Y tro cyntaf", "Gweld pob tro")
	_, times := sam.get(base + "/access-log/" + w.Sam.ID)
	mustSay(t, "Sam's times in Welsh", times, "Pob tro y gwnaethant agor")
	_, story := sam.get(base + "/story")
	mustSay(t, "the story in Welsh", story, "60 cofnod.", "dudalen hon yn dangos 50 cofnod", "Cofnodion cynharach", "Ysgrifennwyd gan Sam Okafor, Riverside Council ar")
}
