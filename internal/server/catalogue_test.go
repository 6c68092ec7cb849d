package server

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
	tmpl := regexp.MustCompile(`(?:\(?\bt\s+|\(field \. "[a-z_]+" )"([^"]+)"(?: "([^"]+)")?`)
	goKey := regexp.MustCompile(`"((?:home|signin|person|aboutme|access|accesslog|edit|conflict|breakglass|review|tokens|error|layout|saved|outcomes?|progress|strengths?|risks?|story|timeline|search|coach|form|profile|change|relationship|address|coachadmin|size)\.[a-z_.0-9]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, goFiles...) {
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
				if k != "" {
					keys[k] = true
				}
			}
		}
	}
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
	for _, k := range savedKeys {
		keys[k] = true
	}
	for m := 1; m <= 12; m++ {
		keys[fmt.Sprintf("month.%d", m)] = true
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
	for _, f := range []string{"../people/person.go", "../people/nhsnumber.go", "../access/breakglass.go", "../account/tokens.go",
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
