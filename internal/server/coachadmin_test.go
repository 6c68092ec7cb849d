package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/coach"
	"whatmatters/internal/testworld"
)

func TestAdminKeepsTheCoachsLists(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	if err := coach.LoadDefaults(ctx, w.DB); err != nil {
		t.Fatal(err)
	}
	admin := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "admin@riverside.test", DisplayName: "Alex", Role: account.RoleAdmin}
	if err := account.CreateAccount(ctx, w.DB, audit.System, admin, testworld.Password); err != nil {
		t.Fatal(err)
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	if resp, _ := sam.get("/admin/coach"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a practitioner on the admin page: %d", resp.StatusCode)
	}
	a := newBrowser(t, srv)
	a.signIn(admin)
	if resp, body := a.post("/admin/coach", url.Values{"lang": {"en"}, "term": {"frequent flyer"}}); resp.StatusCode != 422 ||
		!strings.Contains(body, `href="#suggestion"`) || !strings.Contains(body, `value="frequent flyer"`) {
		t.Errorf("term without a suggestion: %d", resp.StatusCode)
	}
	if resp, _ := a.post("/admin/coach", url.Values{"lang": {"en"}, "term": {"frequent flyer"}, "suggestion": {"say how often and why"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add term: %d", resp.StatusCode)
	}
	if _, body := sam.post("/coach?for=story", url.Values{"body": {"Helen is a frequent flyer at A&E."}}); !strings.Contains(body, "say how often and why") {
		t.Errorf("the coach does not use the new term: %q", body)
	}
	_, page := a.get("/admin/coach")
	m := regexp.MustCompile(`action="(/admin/coach/[^"]+/remove)"[^>]*><button[^>]*>Remove<span class="govuk-visually-hidden"> frequent flyer`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no remove button for the new term")
	}
	if resp, _ := a.post(m[1], url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	if _, body := sam.post("/coach?for=story", url.Values{"body": {"Helen is a frequent flyer at A&E."}}); strings.Contains(body, "say how often") {
		t.Errorf("the coach still flags a removed term")
	}
	evs, _ := audit.ForAction(ctx, w.DB.Read(), "coach.term.add", 5)
	if len(evs) != 1 || evs[0].AccountID != admin.ID {
		t.Errorf("term change audit: %v", evs)
	}
}
