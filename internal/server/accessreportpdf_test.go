package server_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"whatmatters/internal/testworld"
)

// The access report as a PDF for a subject access request: what it is,
// how often each organisation and each person opened the record (counted
// here again from the audit table), every time with the reason given for
// emergency access, in the reader's language with Welsh letters intact.
func TestAccessReportPDF(t *testing.T) {
	w, srv := setup(t)
	reason := "Galwyd i A&E, ni all ddweud wrthym am ei meddyginiaeth; mae ei gŵr yn y tŷ"
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	if resp, _ := alys.post("/break-glass", url.Values{"nhs_number": {"943 476 5919"}, "reason": {reason}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Alys uses emergency access: %d", resp.StatusCode)
	}
	alys.get("/people/" + w.Helen.ID)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	for i := 0; i < 3; i++ {
		sam.get("/people/" + w.Helen.ID)
	}
	dee := newBrowser(t, srv)
	dee.signIn(w.Dee)
	_, logPage := dee.get("/people/" + w.Helen.ID + "/access-log")
	mustSay(t, "the access log's downloads", logPage, `href="/people/`+w.Helen.ID+`/access-report.csv"`,
		`href="/people/`+w.Helen.ID+`/access-report.pdf"`, "spreadsheet (CSV)", "to print or send (PDF)")

	text := reportPDF(t, dee, "/people/"+w.Helen.ID+"/access-report.pdf")
	mustSay(t, "the PDF", text, "Who has looked at the record of Helen Marsh", "Riverside Council",
		"Hillside Council", "Alys Pryce", "Sam Okafor", "Page 1 of")
	// Text wraps in its paragraph or column: the words, in order, with any
	// line breaks and the other columns between them.
	for _, words := range []string{"It is for a subject access request.", "Used emergency access", reason} {
		if !wordsInOrder(text, strings.Fields(words)) {
			t.Errorf("the PDF does not say %q:\n%s", words, text)
		}
	}
	if strings.Contains(text, "@") {
		t.Errorf("an email address in the PDF:\n%s", text)
	}
	checkCounts(t, w, text)

	dee.get("/language/cy?next=/")
	cy := reportPDF(t, dee, "/people/"+w.Helen.ID+"/access-report.pdf")
	mustSay(t, "the Welsh PDF", cy, "Pwy sydd wedi edrych ar gofnod Helen Marsh", "Tudalen 1 o", "yna'r rhai hŷn",
		"Pa mor aml, fesul sefydliad", "gŵr", "tŷ")
	if strings.Contains(cy, "Page 1 of") {
		t.Errorf("the Welsh PDF has English page numbers")
	}

	// Outside the record: not found, as for the CSV.
	if resp, _ := dee.get("/people/" + w.Gwen.ID + "/access-report.pdf"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the officer's PDF of Hillside's Gwen: %d, want 404", resp.StatusCode)
	}
	pat := newBrowser(t, srv)
	pat.signIn(w.Planner)
	if resp, _ := pat.get("/people/" + w.Helen.ID + "/access-report.pdf"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a planner's PDF of Helen: %d, want 404", resp.StatusCode)
	}
}

// checkCounts compares the PDF's totals with the audit table's, counted
// with SQL: in all, by organisation and by account.
func checkCounts(t *testing.T, w *testworld.World, text string) {
	t.Helper()
	ctx := context.Background()
	var total int
	if err := w.DB.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE person_id = $1`, w.Helen.ID).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Number of times in all: "+strconv.Itoa(total)+"\n") {
		t.Errorf("the PDF's total is not the audit table's %d:\n%s", total, text)
	}
	rows, err := w.DB.Read().QueryContext(ctx, `SELECT o.name, a.display_name, COUNT(*) FROM audit_events e
		JOIN accounts a ON a.id = e.account_id JOIN organisations o ON o.id = a.organisation_id
		WHERE e.person_id = $1 GROUP BY o.name, a.display_name`, w.Helen.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byOrg := map[string]int{}
	for rows.Next() {
		var org, who string
		var n int
		if err := rows.Scan(&org, &who, &n); err != nil {
			t.Fatal(err)
		}
		byOrg[org] += n
		if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(who) + `\s+` + regexp.QuoteMeta(org) + `\s+` + strconv.Itoa(n) + `\s*$`).MatchString(text) {
			t.Errorf("the PDF does not say %s of %s came %d times:\n%s", who, org, n, text)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(byOrg) < 2 {
		t.Fatalf("the world has %d organisations in Helen's log; the test needs two", len(byOrg))
	}
	for org, n := range byOrg {
		if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(org) + `\s+` + strconv.Itoa(n) + `\s*$`).MatchString(text) {
			t.Errorf("the PDF does not say %s came %d times:\n%s", org, n, text)
		}
	}
}

// reportPDF downloads a PDF and returns its text, laid out as on the page.
func reportPDF(t *testing.T, b *browser, path string) string {
	t.Helper()
	resp, body := b.get(path)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasSuffix(resp.Header.Get("Content-Disposition"), `.pdf"`) {
		t.Fatalf("GET %s: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	return pdfText(t, []byte(body))
}

// pdfText is the text of a PDF by poppler's pdftotext. The test is
// skipped if it is not installed, or fails if WHATMATTERS_REQUIRE_PDFTOTEXT
// is set.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("WHATMATTERS_REQUIRE_PDFTOTEXT") != "" {
			t.Fatal("pdftotext is not installed (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext is not installed")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "report.pdf"), filepath.Join(dir, "report.txt")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(bin, "-layout", "-enc", "UTF-8", in, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, msg)
	}
	text, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("WHATMATTERS_KEEP_PDF"); keep != "" {
		_ = os.WriteFile(keep, pdf, 0o600)
	}
	return string(text)
}

// wordsInOrder says whether words appear in text in that order.
func wordsInOrder(text string, words []string) bool {
	for _, word := range words {
		i := strings.Index(text, word)
		if i < 0 {
			return false
		}
		text = text[i+len(word):]
	}
	return true
}
