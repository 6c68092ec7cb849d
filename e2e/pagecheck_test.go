//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
)

// readPage visits a page at desk and phone widths (a screenshot of each,
// and neither wider than the window), runs axe on it, and checks that its
// heading and main text hold the words a person reads there.
func readPage(t *testing.T, ctx context.Context, path, name, heading string, words ...string) {
	t.Helper()
	atWidth(t, ctx, path, name, 1280)
	if got := h1(t, ctx); got != heading {
		t.Errorf("%s: the heading is %q, want %q", name, got, heading)
	}
	body := mainText(t, ctx)
	for _, w := range words {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", name, w, body)
		}
	}
	axeScan(t, ctx)
	atWidth(t, ctx, path, name, 375)
}

// Every planning page a planner opens that the journey does not already
// read, check and photograph at both widths.
func TestPlanningPagesReadAndFit(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "planner@riverside.example")
	atWidth(t, ctx, "/planning", "planning-list", 1280)
	riverside := eval[string](t, ctx, `[...document.querySelectorAll('main a')].find(a => a.textContent.startsWith('Riverside (synthetic')).getAttribute('href')`)
	readPage(t, ctx, "/planning/new", "planning-new", "Add a planning model", "Or start a blank model")
	readPage(t, ctx, riverside+"/resources", "planning-resources", "Resources", "Home care hour")
	readPage(t, ctx, riverside+"/packages", "planning-packages", "Packages of care", "Home care hour")
	readPage(t, ctx, riverside+"/categories", "planning-categories", "Categories of need")
	readPage(t, ctx, riverside+"/numbers", "planning-numbers", "Numbers now")
	readPage(t, ctx, riverside+"/scenarios/new", "planning-scenario", "Add a scenario", "Scenario name")
	readPage(t, ctx, riverside+"/versions", "planning-versions", "Versions", "Every saved version, newest first")
	readPage(t, ctx, riverside+"/share", "planning-share", "Share the model")
}

// Every admin page the journey does not already read, check and
// photograph at both widths, and the page that asks for an invitation
// code.
func TestAdminPagesReadAndFit(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "admin@riverside.example")
	atWidth(t, ctx, "/admin", "admin-start", 1280)
	org := eval[string](t, ctx, `document.querySelector('main a[href^="/admin/organisations/"]').getAttribute('href')`)
	readPage(t, ctx, org, "admin-organisation", "Riverside Council", "Teams", "Links with other organisations")
	team := eval[string](t, ctx, `(document.querySelector('main a[href^="/admin/teams/"]')||{getAttribute:()=>''}).getAttribute('href')`)
	if team == "" {
		t.Fatal("Riverside's organisation page links to no team")
	}
	teamName := strings.TrimSpace(eval[string](t, ctx, `document.querySelector('main a[href^="/admin/teams/"]').textContent`))
	readPage(t, ctx, team, "admin-team", teamName, "Riverside Council")
	readPage(t, ctx, "/admin/partners/new", "admin-partner", "Add a partner organisation")
	readPage(t, ctx, "/admin/accounts/invite", "admin-invite", "Invite someone")
	readPage(t, ctx, "/admin/accounts", "admin-accounts", "Accounts", "Riverside Council")

	someone := browser(t)
	readPage(t, someone, "/invite", "invite-code", "Type your invitation code")
}
