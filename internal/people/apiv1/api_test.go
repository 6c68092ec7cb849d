package apiv1_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/api"
	"whatmatters/internal/audit"
	"whatmatters/internal/people/apiv1"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
)

type client struct {
	t     *testing.T
	srv   *httptest.Server
	token string
}

func (c *client) do(method, path, body string, header ...string) (*http.Response, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		c.t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, raw)
	}
	return resp, out
}

func setup(t *testing.T) (*testworld.World, *httptest.Server) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	a := api.New(db, nil)
	srv := httptest.NewServer(a.Handler(apiv1.New(a)))
	t.Cleanup(srv.Close)
	return w, srv
}

func tokenFor(t *testing.T, w *testworld.World, a *account.Account) string {
	_, secret, err := account.CreateToken(context.Background(), w.DB, audit.System, a.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestNoTokenOrBadTokenIs401Problem(t *testing.T) {
	w, srv := setup(t)
	for _, token := range []string{"", "wm_not-a-real-token", "nonsense"} {
		c := &client{t: t, srv: srv, token: token}
		resp, body := c.do("GET", "/api/v1/people", "")
		if resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("token %q: got %d %s, want 401 problem", token, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if body["status"] != float64(401) || body["detail"] == "" {
			t.Errorf("token %q: problem body %v", token, body)
		}
		if resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("token %q: no WWW-Authenticate header", token)
		}
	}
	evs, err := audit.ForAction(context.Background(), w.DB.Read(), "api.token", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 { // the two tokens presented; no header is not an attempt
		t.Errorf("audited %d failed token uses, want 2", len(evs))
	}
}

func names(body map[string]any) []string {
	var out []string
	list, _ := body["people"].([]any)
	for _, p := range list {
		m := p.(map[string]any)
		out = append(out, m["given_name"].(string))
	}
	return out
}

func TestListShowsOnlyVisiblePeople(t *testing.T) {
	w, srv := setup(t)
	cases := []struct {
		who  *account.Account
		q    string
		want string
	}{
		{w.Sam, "", "Helen"},
		{w.Alys, "", "Gwen"},
		{w.Jo, "", "Hugh"},
		{w.Planner, "", ""},
		{w.Sam, "?q=gwen", ""},              // Gwen exists, but not for Sam
		{w.Sam, "?q=943+476+5919", "Helen"}, // NHS number with spaces
		{w.Alys, "?q=9434765919", ""},
	}
	for _, tc := range cases {
		c := &client{t: t, srv: srv, token: tokenFor(t, w, tc.who)}
		resp, body := c.do("GET", "/api/v1/people"+tc.q, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: status %d", tc.who.Email, tc.q, resp.StatusCode)
		}
		got := strings.Join(names(body), ",")
		if got != tc.want || body["count"] != float64(len(names(body))) {
			t.Errorf("%s sees %q for %q, want %q (count %v)", tc.who.Email, got, tc.q, tc.want, body["count"])
		}
	}
}

func TestPersonOutOfReachIs404AndAudited(t *testing.T) {
	w, srv := setup(t)
	alys := &client{t: t, srv: srv, token: tokenFor(t, w, w.Alys)}
	for _, path := range []string{"/api/v1/people/" + w.Helen.ID, "/api/v1/people/" + w.Helen.ID + "/access-log"} {
		resp, body := alys.do("GET", path, "")
		if resp.StatusCode != 404 {
			t.Fatalf("GET %s as Alys: %d, want 404", path, resp.StatusCode)
		}
		if strings.Contains(strings.ToLower(body["detail"].(string)), "helen") {
			t.Errorf("404 hints at who it is: %v", body)
		}
	}
	// A made-up id gets exactly the same answer.
	_, missing := alys.do("GET", "/api/v1/people/does-not-exist", "")
	_, hidden := alys.do("GET", "/api/v1/people/"+w.Helen.ID, "")
	if missing["detail"] != hidden["detail"] || missing["title"] != hidden["title"] {
		t.Errorf("a hidden person and a missing one answer differently: %v vs %v", hidden, missing)
	}
	evs, err := audit.ForPerson(context.Background(), w.DB.Read(), w.Helen.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, e := range evs {
		if e.Outcome == audit.Denied && e.AccountID == w.Alys.ID {
			denied++
		}
	}
	if denied != 3 {
		t.Errorf("%d denied attempts by Alys audited against Helen, want 3", denied)
	}
}

func TestGetPersonAndAccessLog(t *testing.T) {
	w, srv := setup(t)
	sam := &client{t: t, srv: srv, token: tokenFor(t, w, w.Sam)}
	resp, body := sam.do("GET", "/api/v1/people/"+w.Helen.ID, "")
	if resp.StatusCode != 200 || body["nhs_number"] != "9434765919" || body["nhs_number_formatted"] != "943 476 5919" {
		t.Fatalf("GET Helen: %d %v", resp.StatusCode, body)
	}
	if resp.Header.Get("ETag") != `"1"` {
		t.Errorf("ETag %q, want \"1\"", resp.Header.Get("ETag"))
	}
	_, log := sam.do("GET", "/api/v1/people/"+w.Helen.ID+"/access-log", "")
	entries := log["entries"].([]any)
	var reads int
	for _, e := range entries {
		m := e.(map[string]any)
		if m["action"] == "person.read" && m["who"] == w.Sam.DisplayName {
			reads++
		}
		// Who looked is said by name, never by email address.
		if strings.Contains(m["who"].(string), "@") {
			t.Errorf("the access log shows an email address: %q", m["who"])
		}
	}
	// The GET above, and opening the access log is itself a read.
	if reads != 2 {
		t.Errorf("access log shows %d reads by Sam, want 2: %v", reads, entries)
	}
}

func TestPatchPerson(t *testing.T) {
	w, srv := setup(t)
	sam := &client{t: t, srv: srv, token: tokenFor(t, w, w.Sam)}
	path := "/api/v1/people/" + w.Helen.ID

	resp, body := sam.do("PATCH", path, `{"preferred_name":"Nell"}`)
	if resp.StatusCode != 428 || body["status"] != float64(428) {
		t.Errorf("PATCH without If-Match: %d %v, want 428", resp.StatusCode, body)
	}

	resp, body = sam.do("PATCH", path, `{"preferred_name":"Nell","nhs_number":"943 476 5918","date_of_birth":"2090-01-01"}`, "If-Match", `"1"`)
	if resp.StatusCode != 400 {
		t.Fatalf("bad PATCH: %d %v", resp.StatusCode, body)
	}
	pointers := map[string]string{}
	for _, e := range body["errors"].([]any) {
		issue := e.(map[string]any)
		pointers[issue["pointer"].(string)] = issue["code"].(string) + ": " + issue["detail"].(string)
	}
	// Each problem carries its code, the same in every language, and
	// its English words.
	if pointers["#/nhs_number"] != "person.nhs_number.check: This is not a valid NHS number: check each digit against the card or letter" ||
		pointers["#/date_of_birth"] != "person.date_of_birth.future: Date of birth must be in the past" || len(pointers) != 2 {
		t.Errorf("field problems %v, want #/nhs_number and #/date_of_birth with their codes and words", pointers)
	}

	resp, body = sam.do("PATCH", path, `{"prefered_name":"Nell"}`, "If-Match", `"1"`)
	if resp.StatusCode != 400 || body["errors"].([]any)[0].(map[string]any)["pointer"] != "#/prefered_name" {
		t.Errorf("unknown member: %d %v", resp.StatusCode, body)
	}

	resp, body = sam.do("PATCH", path, `{"date_of_birth":"1951-02-29"}`, "If-Match", `"1"`)
	if resp.StatusCode != 400 || body["errors"].([]any)[0].(map[string]any)["pointer"] != "#/date_of_birth" {
		t.Errorf("PATCH with 29 February in a common year: %d %v", resp.StatusCode, body)
	}

	resp, body = sam.do("PATCH", path, `{"preferred_name":"Nell"}`, "If-Match", `"1"`)
	if resp.StatusCode != 200 || body["preferred_name"] != "Nell" || body["given_name"] != "Helen" || body["version"] != float64(2) ||
		body["date_of_birth"] != w.Helen.DateOfBirth.String() || len(w.Helen.DateOfBirth.String()) != 10 {
		t.Fatalf("good PATCH: %d %v", resp.StatusCode, body)
	}

	// A second writer still holding version 1 is refused, and Nell stays.
	resp, _ = sam.do("PATCH", path, `{"preferred_name":"Len"}`, "If-Match", `"1"`)
	if resp.StatusCode != 412 {
		t.Errorf("stale PATCH: %d, want 412", resp.StatusCode)
	}
	_, body = sam.do("GET", path, "")
	if body["preferred_name"] != "Nell" {
		t.Errorf("after stale PATCH preferred_name is %v, want Nell", body["preferred_name"])
	}

	alys := &client{t: t, srv: srv, token: tokenFor(t, w, w.Alys)}
	if resp, _ := alys.do("PATCH", path, `{"preferred_name":"X"}`, "If-Match", `"2"`); resp.StatusCode != 404 {
		t.Errorf("PATCH by someone out of reach: %d, want 404", resp.StatusCode)
	}
}

func TestOversizedBodyRefused(t *testing.T) {
	w, srv := setup(t)
	sam := &client{t: t, srv: srv, token: tokenFor(t, w, w.Sam)}
	big := `{"preferred_name":"` + strings.Repeat("a", 2<<20) + `"}`
	resp, _ := sam.do("PATCH", "/api/v1/people/"+w.Helen.ID, big, "If-Match", `"1"`)
	if resp.StatusCode != 413 {
		t.Errorf("2 MB body: %d, want 413", resp.StatusCode)
	}
}

// Every route registered with the API's router is described in the
// assembled OpenAPI document, and every operation the document describes
// is a registered route: they cannot drift apart.
func TestOpenAPICoversRoutes(t *testing.T) {
	db := storetest.Open(t)
	a := api.New(db, nil)
	srv := httptest.NewServer(a.Handler(apiv1.New(a)))
	t.Cleanup(srv.Close)
	c := &client{t: t, srv: srv}
	resp, doc := c.do("GET", "/api/v1/openapi.json", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(doc["openapi"].(string), "3.") {
		t.Fatalf("openapi.json: %d %v", resp.StatusCode, doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	registered := map[string]bool{}
	for _, r := range a.Routes() {
		path := strings.TrimPrefix(r.Path(), "/api/v1")
		registered[strings.ToLower(r.Method())+" "+path] = true
		item, ok := paths[path].(map[string]any)
		if !ok || item[strings.ToLower(r.Method())] == nil {
			t.Errorf("route %s is not in openapi.json", r.Pattern)
		}
	}
	if len(registered) < 20 {
		t.Fatalf("only %d routes registered", len(registered))
	}
	for path, item := range paths {
		for method := range item.(map[string]any) {
			if method == "parameters" {
				continue
			}
			if !registered[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which nothing serves", strings.ToUpper(method), path)
			}
		}
	}
}

// The record's parts through the API: write an outcome, progress, a story
// entry and About me as Sam; search for them; Alys gets 404 on every part.
func TestRecordParts(t *testing.T) {
	w, srv := setup(t)
	sam := &client{t: t, srv: srv, token: tokenFor(t, w, w.Sam)}
	base := "/api/v1/people/" + w.Helen.ID

	resp, o := sam.do("POST", base+"/outcomes", `{"statement":"I want to see the heron again","kind":"change","expressed_by":"person"}`)
	if resp.StatusCode != 201 || o["id"] == "" {
		t.Fatalf("POST outcome: %d %v", resp.StatusCode, o)
	}
	resp, body := sam.do("POST", base+"/outcomes/"+o["id"].(string)+"/progress", `{"on_date":"2026-10-01","movement":"sideways"}`)
	if resp.StatusCode != 400 || body["errors"].([]any)[0].(map[string]any)["pointer"] != "#/movement" {
		t.Errorf("bad progress: %d %v", resp.StatusCode, body)
	}
	// A date that is not a real YYYY-MM-DD date is refused, naming the member.
	for _, bad := range []string{`"2026-02-30"`, `"1/10/2026"`, `20261001`} {
		resp, body := sam.do("POST", base+"/outcomes/"+o["id"].(string)+"/progress", `{"on_date":`+bad+`,"movement":"closer"}`)
		if issues, _ := body["errors"].([]any); resp.StatusCode != 400 || len(issues) != 1 || issues[0].(map[string]any)["pointer"] != "#/on_date" ||
			!strings.Contains(issues[0].(map[string]any)["detail"].(string), "YYYY-MM-DD") {
			t.Errorf("progress on %s: %d %v", bad, resp.StatusCode, body)
		}
	}
	if resp, body := sam.do("POST", base+"/outcomes/"+o["id"].(string)+"/progress", `{"movement":"closer"}`); resp.StatusCode != 400 ||
		body["errors"].([]any)[0].(map[string]any)["code"] != "valid.date.required" {
		t.Errorf("progress without a date: %d %v", resp.StatusCode, body)
	}
	if resp, p := sam.do("POST", base+"/outcomes/"+o["id"].(string)+"/progress", `{"on_date":"2026-10-01","movement":"further_away","note":"a fall"}`); resp.StatusCode != 201 || p["on_date"] != "2026-10-01" {
		t.Errorf("setback: %d %v", resp.StatusCode, p)
	}
	if resp, _ := sam.do("POST", base+"/story", `{"kind":"visit","occurred_at":"2026-10-02T10:30:00Z","body":"We watched the heron from the bench."}`); resp.StatusCode != 201 {
		t.Errorf("POST story: %d", resp.StatusCode)
	}
	if resp, _ := sam.do("PUT", base+"/about-me", `{"what_matters":"My garden"}`, "If-Match", `"0"`); resp.StatusCode != 200 {
		t.Errorf("PUT about-me: %d", resp.StatusCode)
	}
	if resp, _ := sam.do("PUT", base+"/about-me", `{"what_matters":"Something else"}`, "If-Match", `"0"`); resp.StatusCode != 412 {
		t.Errorf("stale PUT about-me: %d, want 412", resp.StatusCode)
	}
	_, outs := sam.do("GET", base+"/outcomes", "")
	got := outs["items"].([]any)[0].(map[string]any)
	if len(got["progress"].([]any)) != 1 {
		t.Errorf("outcome progress: %v", got)
	}
	_, found := sam.do("GET", "/api/v1/search?q=heron", "")
	if len(found["story"].([]any)) != 1 {
		t.Errorf("search heron as Sam: %v", found)
	}

	alys := &client{t: t, srv: srv, token: tokenFor(t, w, w.Alys)}
	for _, part := range []string{"/profile", "/relationships", "/addresses", "/about-me", "/outcomes", "/strengths", "/risks", "/story", "/attachments"} {
		if resp, _ := alys.do("GET", base+part, ""); resp.StatusCode != 404 {
			t.Errorf("GET %s as Alys: %d", part, resp.StatusCode)
		}
	}
	if resp, _ := alys.do("POST", base+"/story", `{"kind":"note","occurred_at":"2026-10-02T10:30:00Z","body":"x"}`); resp.StatusCode != 404 {
		t.Errorf("POST story as Alys: %d", resp.StatusCode)
	}
	_, found = alys.do("GET", "/api/v1/search?q=heron", "")
	if len(found["story"].([]any)) != 0 || len(found["people"].([]any)) != 0 {
		t.Errorf("search heron as Alys: %v", found)
	}
}

// Found by an outside test: /api/v1/people/%ff%fe was a 500 on PostgreSQL,
// unaudited; a JSON body sent as text/plain (which any web page can send)
// was accepted. Now an id that is not an id is a 404 with a denied audit
// row, on both engines, and only JSON is read as JSON.
func TestMalformedIdsAndBodies(t *testing.T) {
	w, srv := setup(t)
	sam := &client{t: t, srv: srv, token: tokenFor(t, w, w.Sam)}
	denied := func() int {
		var n int
		if err := w.DB.Read().QueryRowContext(context.Background(),
			`SELECT COUNT(*) FROM audit_events WHERE action = 'person.read' AND outcome = 'denied'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, id := range []string{"%ff%fe", "not-an-id", strings.Repeat("9", 300)} {
		before := denied()
		resp, body := sam.do("GET", "/api/v1/people/"+id, "")
		if resp.StatusCode != 404 || body["status"] != float64(404) {
			t.Errorf("GET /people/%s: %d %v; want a 404 problem", id[:min(len(id), 20)], resp.StatusCode, body)
		}
		if denied() != before+1 {
			t.Errorf("GET /people/%s wrote no denied audit row", id[:min(len(id), 20)])
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/people/"+w.Helen.ID+"/strengths",
		strings.NewReader(`{"strength":"Kind","meaning":"x","named_by":"Helen","last_confirmed_on":"2026-10-01"}`))
	req.Header.Set("Authorization", "Bearer "+sam.token)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("JSON sent as text/plain: %d; want 415", resp.StatusCode)
	}
}

// The access log comes in pages: ?limit= rows at most, newest first, and
// next_cursor asks for the rows just older. Reading the log is itself a
// read of the record, written at the newest end, so pages found by cursor
// neither repeat nor skip a row as the log grows.
func TestAccessLogPages(t *testing.T) {
	w, srv := setup(t)
	sam := &client{t: t, srv: srv, token: tokenFor(t, w, w.Sam)}
	for i := 0; i < 12; i++ {
		sam.do("GET", "/api/v1/people/"+w.Helen.ID, "")
	}
	path := "/api/v1/people/" + w.Helen.ID + "/access-log?limit=5"
	seen := map[string]bool{}
	var pages []int
	for path != "" && len(pages) < 10 {
		resp, body := sam.do("GET", path, "")
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, body)
		}
		entries := body["entries"].([]any)
		pages = append(pages, len(entries))
		for _, e := range entries {
			m := e.(map[string]any)
			key := fmt.Sprint(m["seq"])
			if seen[key] {
				t.Errorf("row %s is on two pages", key)
			}
			seen[key] = true
		}
		path = ""
		if c, _ := body["next_cursor"].(string); c != "" {
			path = "/api/v1/people/" + w.Helen.ID + "/access-log?limit=5&cursor=" + c
		}
	}
	if len(pages) < 3 || pages[0] != 5 || pages[1] != 5 {
		t.Fatalf("pages of the access log: %v; want pages of 5", pages)
	}
	// Everything about Helen up to the first page: her record started, Sam
	// linked to it, 12 reads and the read of the first page. Asking for
	// each later page is a read too, newer than the cursor: not on it.
	if len(seen) != 2+12+1 {
		t.Errorf("the pages hold %d rows; want %d, each once", len(seen), 2+12+1)
	}
	for _, bad := range []string{"limit=0", "limit=x", "cursor=abc", "cursor=-1"} {
		resp, body := sam.do("GET", "/api/v1/people/"+w.Helen.ID+"/access-log?"+bad, "")
		if resp.StatusCode != 400 {
			t.Errorf("access log with %s: %d %v; want 400", bad, resp.StatusCode, body)
		}
	}
	if _, body := sam.do("GET", "/api/v1/people/"+w.Helen.ID+"/access-log?limit=100000", ""); len(body["entries"].([]any)) > 500 {
		t.Errorf("a limit of 100,000 gave %d rows; want at most 500", len(body["entries"].([]any)))
	}
}
