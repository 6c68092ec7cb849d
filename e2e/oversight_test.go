//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The data protection officer signs in to oversight, finds a person by
// name, lands on their access log (not their record), and searches the
// trail for them; every page fits a phone and passes axe.
func TestDataProtectionOfficer(t *testing.T) {
	ctx := browser(t)
	signIn(t, ctx, "dpo@riverside.example")
	if got := h1(t, ctx); got != "Oversight of who looks at records" {
		t.Fatalf("the officer's first page: %q", got)
	}
	atWidth(t, ctx, "/oversight", "oversight", 1280)
	atWidth(t, ctx, "/oversight", "oversight", 375)
	axeScan(t, ctx)
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(baseURL+"/oversight"), chromedp.WaitVisible(chromedp.CSS(`#q`)),
		chromedp.SendKeys(chromedp.CSS(`#q`), "Helen"), chromedp.Submit(chromedp.CSS(`#q`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=q][value=Helen]`)))
	helen := eval[string](t, ctx, `(document.querySelector('main a[href^="/people/"]')||{getAttribute:()=>''}).getAttribute('href')`)
	if helen == "" {
		t.Fatal("the officer cannot find Helen by name")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('main mark').length`); n != 0 {
		t.Errorf("the officer's search shows %d matches inside records", n)
	}
	do(t, ctx, chromedp.Navigate(baseURL+helen), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if got := h1(t, ctx); got != "Who has looked at this record" {
		t.Fatalf("the officer opening Helen landed on %q, want her access log", got)
	}
	if body := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(body, "Download every time as a spreadsheet") {
		t.Error("the access log offers no report for a subject access request")
	}
	id := strings.TrimPrefix(helen, "/people/")
	atWidth(t, ctx, "/people/"+id+"/access-log", "dpo-accesslog", 375)
	atWidth(t, ctx, "/oversight/audit?search=1&person="+id, "oversight-audit", 1280)
	atWidth(t, ctx, "/oversight/audit?search=1&person="+id, "oversight-audit", 375)
	if body := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(body, "person.read") {
		t.Errorf("the trail's search for Helen shows no reads:\n%s", body)
	}
	axeScan(t, ctx)
}
