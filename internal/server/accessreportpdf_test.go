package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"whatmatters/internal/audit"
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
	if n := checkCounts(t, w, text); n < 2 {
		t.Errorf("%d organisations in Helen's log; the test needs two", n)
	}

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

// A log longer than the PDF prints: the newest 20,000 rows, a sentence
// saying how many there are in all and pointing to the CSV, the counts
// over the whole log, and the table's header on every page.
func TestAccessReportPDFStopsAtItsBound(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	looks := make([]audit.Record, 20005)
	for i := range looks {
		looks[i] = audit.Record{Action: "person.read", PersonID: w.Helen.ID, Target: "person/" + w.Helen.ID}
	}
	err := w.DB.Tx(ctx, func(tx *sql.Tx) error { return audit.WriteMany(ctx, tx, testworld.Subject(w.Sam).Actor, looks) })
	if err != nil {
		t.Fatal(err)
	}
	dee := newBrowser(t, srv)
	dee.signIn(w.Dee)
	text := reportPDF(t, dee, "/people/"+w.Helen.ID+"/access-report.pdf")
	var total int
	if err := w.DB.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE person_id = $1`, w.Helen.ID).Scan(&total); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(text), " ")
	if want := "This report shows the newest 20,000 of the " + thousands(total) + " times."; !strings.Contains(flat, want) {
		t.Errorf("the PDF does not say %q", want)
	}
	if !strings.Contains(flat, "download the spreadsheet (CSV)") {
		t.Error("the PDF does not point to the CSV")
	}
	checkCounts(t, w, text)
	// A row is a line with the date and time of day; the rows beyond the
	// bound are not printed.
	if n := len(regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d\s`).FindAllString(text, -1)); n != 20000 {
		t.Errorf("the PDF has %d rows; want 20000", n)
	}
	pages := strings.Count(text, "\f")
	if heads := strings.Count(text, "Allowed?"); pages < 100 || heads < pages-1 {
		t.Errorf("%d pages, the table's header on %d of them", pages, heads)
	}
	if !strings.Contains(text, "Page "+strconv.Itoa(pages)+" of "+strconv.Itoa(pages)) {
		t.Errorf("the last page is not numbered %d of %d", pages, pages)
	}
}

// checkCounts compares the PDF's totals with the audit table's, counted
// with SQL: in all, by organisation and by account. It returns how many
// organisations it compared.
func checkCounts(t *testing.T, w *testworld.World, text string) int {
	t.Helper()
	ctx := context.Background()
	var total int
	if err := w.DB.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE person_id = $1`, w.Helen.ID).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Number of times in all: "+thousands(total)+"\n") {
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
		if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(who) + `\s+` + regexp.QuoteMeta(org) + `\s+` + thousands(n) + `\s*$`).MatchString(text) {
			t.Errorf("the PDF does not say %s of %s came %d times:\n%s", who, org, n, text)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for org, n := range byOrg {
		if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(org) + `\s+` + thousands(n) + `\s*$`).MatchString(text) {
			t.Errorf("the PDF does not say %s came %d times:\n%s", org, n, text)
		}
	}
	return len(byOrg)
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

// thousands is n as the report writes it, with a comma before each group
// of three digits: 20,005.
func thousands(n int) string {
	if n < 1000 {
		return strconv.Itoa(n)
	}
	return thousands(n/1000) + fmt.Sprintf(",%03d", n%1000)
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
