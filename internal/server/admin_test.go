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
	"whatmatters/internal/testworld"
)

func wants(t *testing.T, what, body string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not say %q", what, w)
		}
	}
}

func TestAdminSetsUpTheirCouncil(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	ade := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "ade@riverside.test", DisplayName: "Ade Admin", Role: account.RoleAdmin}
	hal := &account.Account{OrganisationID: w.Alys.OrganisationID, Email: "hal@hillside.test", DisplayName: "Hal Admin", Role: account.RoleAdmin}
	for _, a := range []*account.Account{ade, hal} {
		if err := account.CreateAccount(ctx, w.DB, audit.System, a, testworld.Password); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, srv)
	b.signIn(ade)
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Errorf("an admin's home: %d to %q, want /admin", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := b.get("/admin")
	wants(t, "the admin's start page", page, "Administration", "You run whatmatters for Riverside Council", "Accounts", "Invite someone",
		"Add a partner organisation", "The recording coach&#39;s word lists")
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	if resp, _ := sam.get("/admin"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a practitioner on /admin: %d", resp.StatusCode)
	}

	// A partner with a wrong CQC id is refused, naming the field; what was
	// typed stays.
	resp, page := b.post("/admin/partners", url.Values{"name": {"Willow Court"}, "kind": {"care_home"}, "cqc_code": {"123456789"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bad CQC id: %d", resp.StatusCode)
	}
	wants(t, "the refused partner", page, "There is a problem", "A CQC location ID is 1- followed by 9 to 11 numbers", `value="Willow Court"`)
	resp, _ = b.post("/admin/partners", url.Values{"name": {"Willow Court"}, "kind": {"care_home"}, "cqc_code": {"1-123456789"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add partner: %d", resp.StatusCode)
	}
	homePage := strings.TrimSuffix(resp.Header.Get("Location"), "?done=added")
	resp, _ = b.post("/admin/partners", url.Values{"name": {"Bridge Street Surgery"}, "kind": {"gp_practice"}, "ods_code": {"b81001"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add practice: %d", resp.StatusCode)
	}
	gpID := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/admin/organisations/"), "?done=added")
	_, page = b.get(homePage + "?done=added")
	wants(t, "the new partner's page", page, "Willow Court", "Care home", "1-123456789", "The partner organisation has been added")

	// Teams: add one, then two admins rename it from the same version.
	resp, _ = b.post(homePage+"/teams", url.Values{"team_name": {"Day Staff"}, "team_kind": {"other"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add team: %d", resp.StatusCode)
	}
	_, page = b.get(homePage)
	m := regexp.MustCompile(`href="(/admin/teams/[^"]+)">Day Staff<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the new team is not listed")
	}
	if resp, _ := b.post(m[1], url.Values{"name": {"Day Team"}, "kind": {"other"}, "version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: %d", resp.StatusCode)
	}
	resp, page = b.post(m[1], url.Values{"name": {"Daytime Staff"}, "kind": {"other"}, "version": {"1"}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("the second rename from version 1: %d, want 409", resp.StatusCode)
	}
	wants(t, "the conflict", page, "Another admin changed this while you were editing it", "Saved now by another admin:", "<strong>Day Team</strong>", `value="Daytime Staff"`)

	// A link: the home is served by the practice.
	resp, page = b.post(homePage+"/links", url.Values{"link_kind": {"served_by"}, "partner": {gpID},
		"starts_on-day": {"5"}, "starts_on-month": {"1"}, "starts_on-year": {"2026"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add link: %d\n%s", resp.StatusCode, page)
	}
	_, page = b.get(homePage)
	wants(t, "the home's links", page, "Willow Court is served by Bridge Street Surgery", "5 January 2026", "Current")

	// Hillside's admin cannot see any of it.
	hb := newBrowser(t, srv)
	hb.signIn(hal)
	for _, p := range []string{homePage, "/admin/organisations/" + w.Sam.OrganisationID, m[1], "/admin/accounts/" + w.Sam.ID} {
		if resp, _ := hb.get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("Hillside's admin on %s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, _ := hb.post("/admin/accounts/"+w.Sam.ID+"/disable", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("Hillside's admin disabling Sam: %d", resp.StatusCode)
	}
	if _, page := hb.get("/admin/accounts"); strings.Contains(page, "Sam Okafor") {
		t.Error("Hillside's account list shows Riverside's Sam")
	}
}

func TestInvitationThenDisable(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	ade := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "ade@riverside.test", DisplayName: "Ade Admin", Role: account.RoleAdmin}
	if err := account.CreateAccount(ctx, w.DB, audit.System, ade, testworld.Password); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn(ade)
	resp, page := b.post("/admin/accounts/invite", url.Values{"name": {"Nia Jones"}, "email": {"nia@"}, "role": {"practitioner"},
		"organisation": {w.Sam.OrganisationID}, "team": {w.NorthTeam.ID}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bad email: %d", resp.StatusCode)
	}
	wants(t, "the refused invitation", page, "Enter an email address in the correct format", `value="Nia Jones"`)
	resp, page = b.post("/admin/accounts/invite", url.Values{"name": {"Nia Jones"}, "email": {"nia@riverside.test"}, "role": {"practitioner"},
		"organisation": {w.Sam.OrganisationID}, "team": {w.NorthTeam.ID}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("invite: %d, cache %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	wants(t, "the invitation", page, "Invitation ready", "Nia Jones, nia@riverside.test", "This is the only time the link and code are shown")
	link := regexp.MustCompile(`<code id="invite-link">https?://[^/]+(/invite/[0-9A-Z]{20})</code>`).FindStringSubmatch(page)
	code := regexp.MustCompile(`<code>([0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})</code>`).FindStringSubmatch(page)
	if link == nil || code == nil || strings.ReplaceAll(code[1], "-", "") != strings.TrimPrefix(link[1], "/invite/") {
		t.Fatalf("no link and matching code on the page: %v %v", link, code)
	}
	_, page = b.get("/admin/accounts")
	wants(t, "the account list", page, "Nia Jones", "North Community Team", "Invited", "Never")

	nia := newBrowser(t, srv)
	if resp, _ := nia.get("/invite?code=" + url.QueryEscape(strings.ToLower(code[1]))); resp.Header.Get("Location") != link[1] {
		t.Errorf("the typed code leads to %q", resp.Header.Get("Location"))
	}
	_, page = nia.get(link[1])
	wants(t, "the invitation page", page, "Set up your account", "Nia Jones, you have been invited to use whatmatters at Riverside Council", "nia@riverside.test")
	resp, page = nia.post(link[1], url.Values{"password": {"a long enough password"}, "confirm": {"a different password"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("different passwords: %d", resp.StatusCode)
	}
	wants(t, "the refused password", page, "The two passwords are not the same")
	resp, page = nia.post(link[1], url.Values{"password": {testworld.Password}, "confirm": {testworld.Password}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("set password: %d", resp.StatusCode)
	}
	wants(t, "the done page", page, "Your password is set")
	resp, page = nia.post(link[1], url.Values{"password": {"someone else's password"}, "confirm": {"someone else's password"}})
	if resp.StatusCode != http.StatusGone {
		t.Errorf("replaying the link: %d, want 410", resp.StatusCode)
	}
	wants(t, "the replayed link", page, "This invitation has already been used")
	if resp, page := nia.get("/invite/ABCDEABCDEABCDEABCDE"); resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "This invitation link is not right") {
		t.Errorf("a made-up code: %d", resp.StatusCode)
	}

	niaAcc, err := account.AccountByEmail(ctx, w.DB.Read(), "nia@riverside.test")
	if err != nil {
		t.Fatal(err)
	}
	nia.signIn(niaAcc)
	if resp, _ := nia.get("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("Nia's home: %d", resp.StatusCode)
	}
	_, secret, err := account.CreateToken(ctx, w.DB, audit.System, niaAcc.ID, "sheet")
	if err != nil {
		t.Fatal(err)
	}
	api := func() int {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/people", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := api(); got != http.StatusOK {
		t.Fatalf("Nia's token before: %d", got)
	}
	_, page = b.get("/admin/accounts/" + niaAcc.ID)
	wants(t, "Nia's account page", page, "Nia Jones", "Active", "Activity in the last 30 days", "signin", "Disable this account")

	if resp, _ := b.post("/admin/accounts/"+niaAcc.ID+"/disable", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if resp, _ := nia.get("/"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Errorf("Nia's open page after: %d to %q, want sent to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := api(); got != http.StatusUnauthorized {
		t.Errorf("Nia's token after: %d, want 401", got)
	}
	_, page = b.get("/admin/accounts/" + niaAcc.ID + "?done=disabled")
	wants(t, "the disabled account", page, "Its sessions have ended and its API tokens no longer work", "Disabled", "Enable this account")
	// A second admin's page, opened while Nia was active, disables her
	// again: she already is, so they are told and shown her as she is.
	resp, page = b.post("/admin/accounts/"+niaAcc.ID+"/disable", url.Values{})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("disabling an account already disabled: %d, want 409", resp.StatusCode)
	}
	wants(t, "disabling twice", page, "Another admin changed this account&#39;s access while you were looking at it", "Enable this account")
	resp, page = b.post("/admin/accounts/"+ade.ID+"/disable", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("disabling oneself: %d", resp.StatusCode)
	}
	wants(t, "disabling oneself", page, "You cannot disable your own account")

	// Moving Nia between teams from a stale form is a conflict.
	form := url.Values{"role": {"manager"}, "team": {""}, "was_role": {"practitioner"}, "was_team": {w.NorthTeam.ID}}
	if resp, _ := b.post("/admin/accounts/"+niaAcc.ID, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change role: %d", resp.StatusCode)
	}
	form.Set("role", "planner")
	if resp, page := b.post("/admin/accounts/"+niaAcc.ID, form); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Another admin changed this") {
		t.Errorf("a stale change: %d", resp.StatusCode)
	}
}
