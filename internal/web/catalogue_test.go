package web

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"whatmatters/internal/i18n"
)

// Every message a page uses must be in both catalogues, so no page shows a
// raw key or falls back to English under Welsh.
func TestEveryPageStringIsTranslated(t *testing.T) {
	keys := map[string]bool{}
	tmpl := regexp.MustCompile(`\(?\bt\s+"([^"]+)"`)
	goKey := regexp.MustCompile(`"((?:home|signin|person|aboutme|access|accesslog|edit|conflict|breakglass|review|tokens|error|layout)\.[a-z_.0-9]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, goFiles...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := tmpl
		if filepath.Ext(f) == ".go" {
			re = goKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(keys))
	}
	for k := range keys {
		for _, lang := range []string{i18n.English, i18n.Welsh} {
			if !i18n.Has(lang, k) && !isAuditAction(k) && filepath.Ext(k) != ".html" {
				t.Errorf("%s.json has no %q", lang, k)
			}
		}
	}
	for _, k := range i18n.Keys(i18n.English) {
		if !i18n.Has(i18n.Welsh, k) {
			t.Errorf("cy.json has no %q", k)
		}
	}
}

// isAuditAction tells audit action names (person.read…), which the Go scan
// also matches, from message keys.
func isAuditAction(k string) bool {
	_, ok := actionKeys[k]
	return ok
}

// The validation messages the pages can show today come from these files;
// each must have a Welsh translation.
func TestDomainMessagesHaveWelsh(t *testing.T) {
	literal := regexp.MustCompile(`(?:add\([^,]+, |FieldError\{"?[a-z_]*"?,? ?(?:Message: )?|Message: |errors\.New\()"([A-Z][^"%]+)"`)
	n := 0
	for _, f := range []string{"../people/person.go", "../people/nhsnumber.go", "../access/breakglass.go", "../access/tokens.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			n++
			if !i18n.Has(i18n.Welsh, m[1]) {
				t.Errorf("%s: no Welsh for %q", f, m[1])
			}
		}
	}
	if n < 8 {
		t.Fatalf("found only %d messages: the scan is broken", n)
	}
}
