package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
)

// Every message a page uses must be in both catalogues, so no page shows a
// raw key or falls back to English under Welsh.
func TestEveryPageStringIsTranslated(t *testing.T) {
	keys := map[string]bool{}
	tmpl := regexp.MustCompile(`(?:\(?\b[tn]\s+|\(field \. "[a-z_]+" )"([^"]+)"(?: "([^"]+)")?`)
	// Keys in Go code: any dotted lower-case string whose first part is a
	// catalogue's prefix (audit action names look the same and are told
	// apart below).
	prefixes := map[string]bool{}
	for _, k := range i18n.Keys(i18n.English) {
		if p, _, ok := strings.Cut(k, "."); ok && !strings.Contains(p, " ") {
			prefixes[p] = true
		}
	}
	goKey := regexp.MustCompile(`"([a-z]+\.[a-z_.0-9]+)"`)
	files := pageFiles(t)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := tmpl
		if filepath.Ext(f) == ".go" {
			re = goKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			for _, k := range m[1:] {
				if p, _, _ := strings.Cut(k, "."); k != "" && (re == tmpl || prefixes[p]) {
					keys[k] = true
				}
			}
		}
	}
	actions := auditActions(t)
	// Keys built from a value: each value they can take.
	families := map[string][]string{
		"outcome.kind": {"change", "maintain", "process"}, "outcome.status": {"working_on_it", "achieved", "maintained", "no_longer_wanted"},
		"outcome.expressed_by": {"person", "relative", "advocate", "carer", "worker"},
		"progress.movement":    {"further_away", "no_change", "closer", "achieved"},
		"risk.likelihood":      {"low", "medium", "high"}, "risk.impact": {"low", "medium", "high"}, "risk.level": {"low", "medium", "high"},
		"story.kind": people.EntryKinds, "coach": {"long", "third_person"}, "address.kind": people.AddressKinds, "coachadmin.lang": {"en", "cy"}, "coachadmin.done": {"added", "removed"},
		"role": {"admin", "manager", "practitioner", "care_home_staff", "nhs_clinician", "planner", "circle_member", "person"},
	}
	for prefix, values := range families {
		for _, v := range values {
			keys[prefix+"."+v] = true
		}
	}
	for m := 1; m <= 12; m++ {
		keys[fmt.Sprintf("month.%d", m)] = true
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(keys))
	}
	for k := range keys {
		for _, lang := range []string{i18n.English, i18n.Welsh} {
			// A count's message has its plural forms: key.one, key.other…
			if !i18n.Has(lang, k) && !i18n.Has(lang, k+".other") && !actions[k] && filepath.Ext(k) != ".html" {
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

// pageFiles are the templates and Go files of the shell and every
// domain's pages.
func pageFiles(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"../web/templates/*.html", "../web/*.go", "../*/pages/templates/*.html",
		"../*/pages/templates/*/*.html", "../*/pages/*.go"} {
		fs, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if !strings.HasSuffix(f, "_test.go") {
				out = append(out, f)
			}
		}
	}
	if len(out) < 30 {
		t.Fatalf("found only %d page files: the scan is broken", len(out))
	}
	return out
}

// auditActions are the audit action names (person.read…) written anywhere,
// which look like message keys but are not.
func auditActions(t *testing.T) map[string]bool {
	out := map[string]bool{}
	files, _ := filepath.Glob("../*/*.go")
	more, _ := filepath.Glob("../*/pages/*.go")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`Action: "([a-z_.]+)"`).FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
		for _, m := range regexp.MustCompile(`"([a-z_.]+)":\s+"access\.action`).FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
	}
	return out
}

// The validation messages the pages can show today come from these files;
// each must have a Welsh translation.
func TestDomainMessagesHaveWelsh(t *testing.T) {
	literal := regexp.MustCompile(`(?:add\([^,]+, |FieldError\{"?[a-z_]*"?,? ?(?:Message: )?|Message: |errors\.New\()"([A-Z][^"%]+)"`)
	n := 0
	for _, f := range []string{"../people/person.go", "../people/nhsnumber.go", "../access/breakglass.go", "../account/tokens.go", "../people/pages/correct.go",
		"../people/outcomes.go", "../people/story.go", "../people/strengths.go", "../people/risks.go", "../people/aboutme.go", "../people/addresses.go", "../people/outcomelinks.go"} {
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
