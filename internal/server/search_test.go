package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/testworld"
)

// apiGet asks the API as the holder of token, and reads the JSON answer.
func apiGet(t *testing.T, b *browser, token, path string) (int, map[string]any) {
	t.Helper()
	resp, body := b.send("GET", path, nil, "Authorization", "Bearer "+token)
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("GET %s: not JSON: %v\n%s", path, err, body)
	}
	return resp.StatusCode, out
}

func apiToken(t *testing.T, w *testworld.World, a *account.Account) string {
	t.Helper()
	_, secret, err := account.CreateToken(context.Background(), w.DB, audit.System, a.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// One search, everywhere: the home page's box, the search page and the API
// find the same things, by name and by the words in the story, About me
// and outcomes, each saying where the words were found; someone who may
// not see the person finds nothing, not even a snippet.
func TestOneSearchEverywhere(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	op := w.Open(t, w.Sam, w.Helen.ID)
	entry := &people.Entry{Kind: "visit", OccurredAt: time.Date(2026, 10, 2, 10, 30, 0, 0, time.UTC),
		Body: "We watched the heron from the bench by the river."}
	if err := people.AddEntry(ctx, w.DB, op, entry); err != nil {
		t.Fatal(err)
	}
	if err := people.SaveAboutMe(ctx, w.DB, op, &people.AboutMe{WhatMatters: "My garden",
		TalkAbout: "Rugby, and the Grand Slam of 1971"}); err != nil {
		t.Fatal(err)
	}
	outcome := &people.Outcome{Statement: "I want to watch the match at the club again", Kind: "change",
		ExpressedBy: "person", WhyItMatters: "Rugby on a Saturday is when I see my friends"}
	if err := people.AddOutcome(ctx, w.DB, op, outcome); err != nil {
		t.Fatal(err)
	}
	helen := "/people/" + w.Helen.ID

	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	for _, page := range []string{"/?q=", "/search?q="} {
		_, body := sam.get(page + "heron")
		if !strings.Contains(body, helen+"/story?at="+entry.ID+"#entry-"+entry.ID) || !strings.Contains(body, "We watched the <mark>heron</mark> from the bench") {
			t.Errorf("%sheron does not find and show Helen's story entry", page)
		}
		if !strings.Contains(body, "Found in the story") {
			t.Errorf("%sheron does not say the words were found in the story", page)
		}
		_, body = sam.get(page + "rugby")
		for _, want := range []string{helen + "#about-me", "Found in About me", "Please talk to me about",
			"<mark>Rugby</mark>, and the Grand Slam", helen + "#outcome-" + outcome.ID, "Found in an outcome",
			"<mark>Rugby</mark> on a Saturday"} {
			if !strings.Contains(body, want) {
				t.Errorf("%srugby: the page does not show %q", page, want)
			}
		}
		_, body = sam.get(page + "Marsh")
		if !strings.Contains(body, `href="`+helen+`"`) {
			t.Errorf("%sMarsh does not find Helen by name", page)
		}
		_, body = sam.get(page + url.QueryEscape(strings.Repeat("heron ", 40)))
		if !strings.Contains(body, "Search terms must be 200 characters or fewer") || strings.Contains(body, "#entry-") {
			t.Errorf("%s a 240-character search is not refused with a clear message", page)
		}
	}
	token := apiToken(t, w, w.Sam)
	status, found := apiGet(t, sam, token, "/api/v1/search?q=rugby")
	matches, _ := found["matches"].([]any)
	where := map[string]string{}
	for _, m := range matches {
		m := m.(map[string]any)
		where[m["found_in"].(string)] = m["snippet"].(string) + " " + m["link"].(string)
	}
	if status != 200 || !strings.Contains(where["about_me"], "Rugby, and the Grand Slam") || !strings.Contains(where["about_me"], helen+"#about-me") ||
		!strings.Contains(where["outcome"], "Rugby on a Saturday") {
		t.Errorf("API search for rugby: %d %v", status, found)
	}
	status, found = apiGet(t, sam, token, "/api/v1/search?q=heron")
	if story, _ := found["story"].([]any); status != 200 || len(story) != 1 {
		t.Errorf("API search for heron: %d %v", status, found)
	}
	if status, found = apiGet(t, sam, token, "/api/v1/search?q="+strings.Repeat("x", 201)); status != 400 ||
		!strings.Contains(found["detail"].(string)+found["title"].(string)+errorsOf(found), "200 characters") {
		t.Errorf("API search of 201 characters: %d %v", status, found)
	}

	// Alys may not see Helen: nothing is found, and no words leak.
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	for _, q := range []string{"heron", "rugby", "Marsh"} {
		for _, page := range []string{"/?q=", "/search?q="} {
			_, body := alys.get(page + q)
			for _, leak := range []string{w.Helen.ID, "Helen", "watched the", "Grand Slam", "Saturday"} {
				if strings.Contains(body, leak) {
					t.Errorf("Alys's search %s%s shows %q", page, q, leak)
				}
			}
		}
		_, found := apiGet(t, alys, apiToken(t, w, w.Alys), "/api/v1/search?q="+q)
		raw, _ := json.Marshal(found)
		if strings.Contains(string(raw), "Helen") || strings.Contains(string(raw), w.Helen.ID) {
			t.Errorf("Alys's API search for %s: %s", q, raw)
		}
	}

	// A person's own account searches their own record only.
	helenAcc := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "helen@example.test", DisplayName: "Helen Marsh",
		Role: account.RolePerson, PersonID: w.Helen.ID}
	gwenAcc := &account.Account{OrganisationID: w.Alys.OrganisationID, Email: "gwen@example.test", DisplayName: "Gwen Tudor",
		Role: account.RolePerson, PersonID: w.Gwen.ID}
	for _, a := range []*account.Account{helenAcc, gwenAcc} {
		if err := account.CreateAccount(ctx, w.DB, audit.System, a, testworld.Password); err != nil {
			t.Fatal(err)
		}
	}
	hb, gb := newBrowser(t, srv), newBrowser(t, srv)
	hb.signIn(helenAcc)
	gb.signIn(gwenAcc)
	if _, body := hb.get("/search?q=rugby"); !strings.Contains(body, "Grand Slam") {
		t.Errorf("Helen does not find rugby in her own About me")
	}
	if _, body := gb.get("/search?q=rugby"); strings.Contains(body, "Grand Slam") || strings.Contains(body, w.Helen.ID) {
		t.Errorf("Gwen finds Helen's About me")
	}
}

// errorsOf joins a problem's field details.
func errorsOf(problem map[string]any) string {
	var out []string
	errs, _ := problem["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m["detail"].(string))
		}
	}
	return strings.Join(out, " ")
}

// The search is audited once, with its words and what it found, whichever
// box it came from.
func TestSearchIsAudited(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	sam.get("/?q=heron")
	sam.get("/search?q=heron")
	apiGet(t, sam, apiToken(t, w, w.Sam), "/api/v1/search?q=heron")
	evs, err := audit.ForAction(context.Background(), w.DB.Read(), "search", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 || !strings.Contains(evs[0].Details, `"q":"heron"`) {
		t.Errorf("%d search audit rows (%v); want 3 with the words searched", len(evs), evs)
	}
	if resp, _ := sam.get("/?q="); resp.StatusCode != http.StatusOK {
		t.Errorf("an empty search on the home page: %d", resp.StatusCode)
	}
}
