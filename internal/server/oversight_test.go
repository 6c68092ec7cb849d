package server_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The data protection officer reads who looked at a record and why, never
// the record: the record's address takes them to its access log, their
// home is oversight, and a subject access request's report downloads as a
// spreadsheet with the reason given for emergency access.
func TestDataProtectionOfficerPages(t *testing.T) {
	w, srv := setup(t)
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	if resp, _ := alys.post("/break-glass", url.Values{"nhs_number": {"943 476 5919"}, "reason": {"=Called to A&E, she cannot tell us her medication"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Alys uses emergency access: %d", resp.StatusCode)
	}
	alys.get("/people/" + w.Helen.ID)

	dee := newBrowser(t, srv)
	dee.signIn(w.Dee)
	resp, _ := dee.get("/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/oversight" {
		t.Fatalf("the officer's home: %d to %q, want 303 to /oversight", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := dee.get("/oversight")
	if !strings.Contains(page, "Oversight of who looks at records") {
		t.Fatalf("the oversight page:\n%s", page)
	}
	for _, want := range []string{"Emergency access nobody has reviewed", "Alys Pryce, Hillside Council", "Helen Marsh",
		"=Called to A&amp;E, she cannot tell us her medication", "Nobody opened a record out of hours."} {
		if !strings.Contains(page, want) {
			t.Errorf("oversight page lacks %q", want)
		}
	}
	// The record's address is its access log; its parts are refused.
	resp, _ = dee.get("/people/" + w.Helen.ID)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/people/"+w.Helen.ID+"/access-log" {
		t.Fatalf("the officer opening Helen's record: %d to %q", resp.StatusCode, loc)
	}
	_, page = dee.get("/people/" + w.Helen.ID + "/access-log")
	if !strings.Contains(page, "Alys Pryce") {
		t.Fatalf("Helen's access log for the officer:\n%s", page)
	}
	if strings.Contains(page, "Back to the record") {
		t.Error("the officer is offered a way back to a record they cannot read")
	}
	for _, part := range []string{"/story", "/about-me/history", "/outcomes/new"} {
		if resp, _ := dee.get("/people/" + w.Helen.ID + part); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the officer GET %s: %d, want 403", part, resp.StatusCode)
		}
	}
	// Gwen is Hillside's: out of reach.
	if resp, _ := dee.get("/people/" + w.Gwen.ID + "/access-log"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the officer reached Hillside's Gwen: %d", resp.StatusCode)
	}

	// The access report: every row, the reason, a formula defused.
	resp, body := dee.get("/people/" + w.Helen.ID + "/access-report.csv")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("access report: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the report is not CSV: %v\n%s", err, body)
	}
	if strings.Join(rows[0], "|") != "Person|When (UK time)|Who|Organisation|What they did|Allowed?|Reason given for emergency access" {
		t.Errorf("report header: %v", rows[0])
	}
	var emergency int
	for _, r := range rows[1:] {
		if r[0] != "Helen Marsh" {
			t.Errorf("a row about someone else: %v", r)
		}
		if r[2] == "Alys Pryce" && r[6] == "'=Called to A&E, she cannot tell us her medication" {
			emergency++
		}
		if strings.Contains(strings.Join(r, " "), "@") {
			t.Errorf("an email address in the report: %v", r)
		}
	}
	if emergency != 1 {
		t.Errorf("the emergency access with its reason appears %d times, want once:\n%s", emergency, body)
	}

	// The trail's search, narrowed to Helen and to refusals, and its file.
	_, page = dee.get("/oversight/audit?search=1&person=" + w.Helen.ID + "&kind=emergency")
	if !strings.Contains(page, "Helen Marsh") || !strings.Contains(page, "breakglass.start") || !strings.Contains(page, "1 row") {
		t.Errorf("the emergency access search:\n%s", page)
	}
	resp, page = dee.get("/oversight/audit?search=1&from-day=31&from-month=2&from-year=2026")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="31"`) {
		t.Errorf("an impossible date: %d, want 422 keeping what was typed", resp.StatusCode)
	}
	resp, body = dee.get("/oversight/audit.csv?search=1&kind=reads")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "person.read") || strings.Contains(body, "Gwen") {
		t.Errorf("the search's spreadsheet: %d\n%s", resp.StatusCode, body)
	}

	// Nobody else reaches oversight.
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	if resp, _ := sam.get("/oversight"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a practitioner GET /oversight: %d, want 403", resp.StatusCode)
	}
	// A practitioner downloads their person's report too.
	if resp, _ := sam.get("/people/" + w.Helen.ID + "/access-report.csv"); resp.StatusCode != http.StatusOK {
		t.Errorf("Sam's access report for Helen: %d", resp.StatusCode)
	}
}
