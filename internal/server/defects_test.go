package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// Strengths were shown as raw internal data ({01a23d49-… Determined …}) on
// the record page, in both languages, and every test passed because none
// read the words. The record page shows the strength's own words.
func TestRecordShowsStrengthsInWords(t *testing.T) {
	w, srv := setup(t)
	st := &people.Strength{Strength: "Determined", Meaning: "Keeps going when things are hard", NamedBy: "Helen",
		LastConfirmedOn: valid.NewDate(2026, 10, 4)}
	if err := people.AddStrength(context.Background(), w.DB, w.Open(t, w.Sam, w.Helen.ID), st); err != nil {
		t.Fatal(err)
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	for _, lang := range []string{"en", "cy"} {
		sam.get("/language/" + lang)
		resp, page := sam.get("/people/" + w.Helen.ID)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: record page %d", lang, resp.StatusCode)
		}
		section := page[strings.Index(page, `id="strengths"`):]
		section = section[:strings.Index(section, "</dl>")]
		for _, want := range []string{">Determined", "Keeps going when things are hard", "Helen"} {
			if !strings.Contains(section, want) {
				t.Errorf("%s: strengths section lacks %q", lang, want)
			}
		}
		for _, raw := range []string{st.ID, "{", "2026-10-04"} {
			if strings.Contains(section, raw) {
				t.Errorf("%s: strengths section shows internal data %q:\n%s", lang, raw, section)
			}
		}
	}
}

// A person's own account could change everything (renamed herself, removed
// the nurse's entry). Until the person's portal exists, a person reads
// their own record in the first person, sees no way to change anything
// but About me, and the server refuses the rest.
func TestOwnRecordIsFirstPersonAndReadOnly(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	e := &people.Entry{Kind: "visit", OccurredAt: time.Now().Add(-time.Hour), Body: "Dressed the wound on her leg."}
	if err := people.AddEntry(ctx, w.DB, w.Open(t, w.Sam, w.Helen.ID), e); err != nil {
		t.Fatal(err)
	}
	helen := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "helen@example.org", DisplayName: "Helen Marsh",
		Role: account.RolePerson, PersonID: w.Helen.ID}
	if err := account.CreateAccount(ctx, w.DB, audit.System, helen, testworld.Password); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn(helen)
	base := "/people/" + w.Helen.ID
	resp, page := b.get(base)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("her own record: %d", resp.StatusCode)
	}
	for _, want := range []string{"My record", "My story", "Dressed the wound on her leg.", "Who has looked at my record", base + "/about-me"} {
		if !strings.Contains(page, want) {
			t.Errorf("her own record lacks %q", want)
		}
	}
	for _, link := range []string{base + "/edit", base + "/story/new", base + "/outcomes/new", base + "/strengths/new",
		base + "/story/" + e.ID + "/change", base + "/profile", base + "/relationships/new"} {
		if strings.Contains(page, `href="`+link+`"`) {
			t.Errorf("her own record offers %s", link)
		}
	}
	for _, path := range []string{base + "/edit", base + "/story/new", base + "/story/" + e.ID + "/change"} {
		if resp, _ := b.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as herself: %d; want 403", path, resp.StatusCode)
		}
	}
	if resp, _ := b.post(base+"/story/"+e.ID+"/remove", url.Values{"removed_reason": {"I do not like it"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("removing the nurse's entry as herself: %d; want 403", resp.StatusCode)
	}
	if resp, _ := b.post(base+"/edit", url.Values{"given_name": {"Nell"}, "family_name": {"Marsh"}, "version": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("renaming herself: %d; want 403", resp.StatusCode)
	}
	if resp, _ := b.post(base+"/about-me", url.Values{"what_matters": {"My garden and the heron"}, "version": {"0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("writing her About me: %d; want it saved", resp.StatusCode)
	}
	if _, page := b.get(base); !strings.Contains(page, "My garden and the heron") || !strings.Contains(page, "Dressed the wound on her leg.") {
		t.Error("after writing About me her record lacks her words or the nurse's entry")
	}
}

// Emergency access: the record looked normal while it was in use, a short
// reason answered differently for a number on the system, and refused
// attempts left no audit row. Now every page of the record says why it is
// open and how long is left; the reason is checked before the number is
// looked up; every attempt is audited; the holding team's manager is
// told, with a count in the menu.
func TestEmergencyAccessIsVisibleAndAudited(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	failed := func() int {
		evs, err := audit.ForAction(ctx, w.DB.Read(), "breakglass.start", 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Outcome == audit.Failed {
				n++
			}
		}
		return n
	}
	_, onSystem := alys.post("/break-glass", url.Values{"nhs_number": {"943 476 5919"}, "reason": {"urgent"}})
	_, notOnSystem := alys.post("/break-glass", url.Values{"nhs_number": {"401 023 2137"}, "reason": {"urgent"}})
	answer := func(page string) string {
		i := strings.Index(page, `govuk-error-summary__list`)
		return page[i : i+strings.Index(page[i:], "</ul>")]
	}
	if answer(onSystem) != answer(notOnSystem) {
		t.Errorf("a short reason answers differently for a number on the system:\n%s\n%s", answer(onSystem), answer(notOnSystem))
	}
	if n := failed(); n != 2 {
		t.Errorf("%d refused attempts audited; want 2", n)
	}
	reason := "Called to A&E, she cannot tell us her medication"
	if resp, _ := alys.post("/break-glass", url.Values{"nhs_number": {"943 476 5919"}, "reason": {reason}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("break glass: %d", resp.StatusCode)
	}
	for _, path := range []string{"", "/story", "/access-log", "/about-me/history"} {
		resp, page := alys.get("/people/" + w.Helen.ID + path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, resp.StatusCode)
			continue
		}
		if !strings.Contains(page, "emergency access") || !strings.Contains(page, "Called to A&amp;E, she cannot tell us her medication") ||
			!strings.Contains(page, "ends in 30 minutes") {
			t.Errorf("page %q under emergency access has no banner with the reason and the minutes left", path)
		}
	}
	if _, page := alys.get("/people/" + w.Helen.ID); strings.Contains(page, `/people/`+w.Helen.ID+`/story/new"`) {
		t.Error("emergency access offers to add to the story; it is read-only")
	}
	// Sam's own record pages carry no banner.
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	if _, page := sam.get("/people/" + w.Helen.ID); strings.Contains(page, "wm-emergency") {
		t.Error("the allocated worker sees an emergency banner")
	}
}

// "1 people found": counts use the plural form their number needs.
func TestCountsReadAsPeopleSayThem(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	if _, page := sam.get("/?q=" + url.QueryEscape(w.Helen.GivenName)); !strings.Contains(page, "1 person found for") {
		t.Errorf("home search for one person does not say \"1 person found\"")
	}
}

// The language switch and the sign-in form's next both redirected to
// /<TAB>/evil.example; now anything but a same-site path goes home.
func TestRedirectsStayOnThisSite(t *testing.T) {
	w, srv := setup(t)
	b := newBrowser(t, srv)
	for _, next := range []string{"%2F%09%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example"} {
		resp, _ := b.get("/language/en?next=" + next)
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("language switch with next=%s went to %q", next, loc)
		}
	}
	form := url.Values{"email": {w.Sam.Email}, "password": {testworld.Password}, "next": {"/\t/evil.example"}}
	resp, _ := b.post("/sign-in", form)
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("sign-in with a tab in next went to %q", loc)
	}
}

// An outside test grew the database by 133 MB in six seconds with sign-ins
// carrying 900 KB email addresses, written whole to the audit trail and
// three throttle rows each. Outside input is bounded before it is stored:
// many such requests grow the database by a few hundred bytes each.
func TestHugeSignInFieldsDoNotFillTheDisk(t *testing.T) {
	w, srv := setup(t)
	size := func() int64 {
		var n int64
		for _, q := range []string{`SELECT COALESCE(SUM(LENGTH(details) + LENGTH(actor) + LENGTH(target)), 0) FROM audit_events`,
			`SELECT COALESCE(SUM(LENGTH(key)), 0) FROM login_throttle`} {
			var part int64
			if err := w.DB.Read().QueryRowContext(context.Background(), q).Scan(&part); err != nil {
				t.Fatal(err)
			}
			n += part
		}
		return n
	}
	before := size()
	huge := strings.Repeat("a", 900<<10) + "@example.org"
	const requests = 200
	for i := 0; i < requests; i++ {
		b := newBrowser(t, srv)
		if resp, _ := b.post("/sign-in", url.Values{"email": {huge}, "password": {"wrong password here"}}); resp.StatusCode >= 500 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	grew := size() - before
	t.Logf("%d sign-ins with 900 KB email addresses stored %d bytes of text (%.0f per request)", requests, grew, float64(grew)/requests)
	if grew > requests*600 {
		t.Errorf("%d huge sign-ins stored %d bytes; want at most %d", requests, grew, requests*600)
	}
}

// Bad API tokens wrote 635 audit rows a second without limit, and a
// lowercase "bearer" was refused. Bad tokens are throttled per client
// like bad passwords and audited with their count, not a row each.
func TestBadTokensAreThrottledAndCounted(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	call := func(auth string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/people", nil)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	_, secret, err := account.CreateToken(ctx, w.DB, audit.System, w.Sam.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if resp := call("bearer " + secret); resp.StatusCode != http.StatusOK {
		t.Errorf("lowercase bearer: %d; want 200", resp.StatusCode)
	}
	statuses := map[int]int{}
	for i := 0; i < 100; i++ {
		statuses[call("Bearer wm_not-a-real-token-"+strconv.Itoa(i)).StatusCode]++
	}
	if statuses[http.StatusUnauthorized] != 21 || statuses[http.StatusTooManyRequests] != 79 {
		t.Errorf("100 bad tokens answered %v; want 21 × 401 then 429s", statuses)
	}
	if resp := call("Bearer " + secret); resp.StatusCode != http.StatusOK {
		t.Errorf("a valid token from the paused client: %d; want 200", resp.StatusCode)
	}
	evs, err := audit.ForAction(ctx, w.DB.Read(), "api.token", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) > 21 {
		t.Errorf("100 bad tokens wrote %d audit rows; want at most 21", len(evs))
	}
}

// Revoking someone else's token was refused without an audit row.
func TestRevokingSomeoneElsesTokenIsAudited(t *testing.T) {
	w, srv := setup(t)
	tok, _, err := account.CreateToken(context.Background(), w.DB, audit.System, w.Alys.ID, "hers")
	if err != nil {
		t.Fatal(err)
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	if resp, _ := sam.post("/account/tokens/"+tok.ID+"/revoke", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoking Alys's token as Sam: %d; want 404", resp.StatusCode)
	}
	var n int
	if err := w.DB.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_events
		WHERE action = 'token.revoke' AND outcome = 'denied' AND account_id = $1`, w.Sam.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("refused revocations audited: %d (%v); want 1", n, err)
	}
	if list, _ := account.Tokens(context.Background(), w.DB.Read(), w.Alys.ID); len(list) != 1 || list[0].RevokedAt != nil {
		t.Errorf("Alys's tokens after Sam's attempt: %+v", list)
	}
}

// About me said who wrote it down as "Sam Okafor <sam@…>": by name and
// organisation now, on the record, its history and in the API.
func TestAboutMeSaysWhoWroteItByName(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	for i, words := range []string{"My garden", "My garden and the heron"} {
		if resp, _ := sam.post(base+"/about-me", url.Values{"what_matters": {words}, "version": {strconv.Itoa(i)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving About me: %d", resp.StatusCode)
		}
	}
	for _, path := range []string{base, base + "/about-me/history"} {
		_, page := sam.get(path)
		if !strings.Contains(page, w.Sam.DisplayName+", Riverside Council") || strings.Contains(page, w.Sam.Email) {
			t.Errorf("%s does not say who wrote About me by name and organisation, or shows an email address", path)
		}
	}
}
