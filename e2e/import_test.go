//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The admin's import: the form and the form for an export's column
// names, a file with problems listed by row and column, then a good file
// checked and confirmed. Every page passes axe
// and fits a desk and a phone.
func TestAdminImportsAFile(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "admin@riverside.example")
	atWidth(t, ctx, "/admin/import", "import-form", 1280)
	atWidth(t, ctx, "/admin/import", "import-form", 375)
	axeScan(t, ctx)
	if got := h1(t, ctx); got != "Import people" {
		t.Fatalf("the import page: %q", got)
	}
	atWidth(t, ctx, "/admin/import/mappings/new", "import-mapping", 1280)
	atWidth(t, ctx, "/admin/import/mappings/new", "import-mapping", 375)
	axeScan(t, ctx)

	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	upload := func(path string) {
		do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(baseURL+"/admin/import"),
			chromedp.WaitVisible(chromedp.CSS(`#file`)),
			chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{path}),
			chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`.govuk-summary-list`)))
	}
	upload(write("bad.csv", "external_id,given_name,family_name,date_of_birth,team\n"+
		"E2E-IMP-1,Ffion,Importwyn,1946-02-03,North Community Team\n"+
		"E2E-IMP-2,Gareth,Importwyn,1948-13-40,Nowhere Team\n"))
	if got := h1(t, ctx); got != "What the check found" {
		t.Fatalf("after checking: %q", got)
	}
	text := mainText(t, ctx)
	for _, want := range []string{"2 problems", "Nothing has been imported", "date_of_birth", "Your organisation has no team called “Nowhere Team”"} {
		if !strings.Contains(text, want) {
			t.Errorf("the check of a bad file does not say %q:\n%s", want, text)
		}
	}
	axeScan(t, ctx)
	screenshot(t, ctx, "import-problems", 1280)
	do(t, ctx, chromedp.EmulateViewport(375, 900))
	screenshot(t, ctx, "import-problems", 375)

	upload(write("good.csv", "external_id,given_name,family_name,date_of_birth,team,allocation_priority\n"+
		"E2E-IMP-1,Ffion,Importwyn,1946-02-03,North Community Team,high\n"+
		"E2E-IMP-2,Gareth,Importwyn,1948-12-04,North Community Team,\n"))
	if text := mainText(t, ctx); !strings.Contains(text, "Nothing has been imported yet.") {
		t.Fatalf("the check of a good file:\n%s", text)
	}
	axeScan(t, ctx)
	screenshot(t, ctx, "import-checked", 1280)
	do(t, ctx, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.govuk-panel`)))
	if got := h1(t, ctx); got != "Import complete" {
		t.Fatalf("after confirming: %q", got)
	}
	if text := mainText(t, ctx); !strings.Contains(text, "2 people imported") {
		t.Errorf("the finished import:\n%s", text)
	}
	axeScan(t, ctx)
	screenshot(t, ctx, "import-done", 1280)
	do(t, ctx, chromedp.EmulateViewport(375, 900))
	screenshot(t, ctx, "import-done", 375)
}
