package server_test

import (
	"context"
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

// Strengths were shown as raw internal data ({01a23d49-… Determined …}) on
// the record page, in both languages, and every test passed because none
// read the words. The record page shows the strength's own words.
func TestRecordShowsStrengthsInWords(t *testing.T) {
	w, srv := setup(t)
	st := &people.Strength{Strength: "Determined", Meaning: "Keeps going when things are hard", NamedBy: "Helen",
		LastConfirmedOn: "2026-10-04"}
	if err := people.AddStrength(context.Background(), w.DB, w.Open(t, w.Sam, w.Helen.ID), st); err != nil {
		t.Fatal(err)
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	for _, lang := range []string{"en", "cy"} {
		sam.get("/language/" + lang)
		resp, page := sam.get("/people/" + w.Helen.ID)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: record page %d", lang, resp.StatusCode)
		}
		section := page[strings.Index(page, `id="strengths"`):]
		section = section[:strings.Index(section, "</dl>")]
		for _, want := range []string{">Determined", "Keeps going when things are hard", "Helen"} {
			if !strings.Contains(section, want) {
				t.Errorf("%s: strengths section lacks %q", lang, want)
			}
		}
		for _, raw := range []string{st.ID, "{", "2026-10-04"} {
			if strings.Contains(section, raw) {
				t.Errorf("%s: strengths section shows internal data %q:\n%s", lang, raw, section)
			}
		}
	}
}

// A person's own account could change everything (renamed herself, removed
// the nurse's entry). Until the person's portal exists, a person reads
// their own record in the first person, sees no way to change anything
// but About me, and the server refuses the rest.
func TestOwnRecordIsFirstPersonAndReadOnly(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	e := &people.Entry{Kind: "visit", OccurredAt: time.Now().Add(-time.Hour), Body: "Dressed the wound on her leg."}
	if err := people.AddEntry(ctx, w.DB, w.Open(t, w.Sam, w.Helen.ID), e); err != nil {
		t.Fatal(err)
	}
	helen := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "helen@example.org", DisplayName: "Helen Marsh",
		Role: account.RolePerson, PersonID: w.Helen.ID}
	if err := account.CreateAccount(ctx, w.DB, audit.System, helen, testworld.Password); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn(helen)
	base := "/people/" + w.Helen.ID
	resp, page := b.get(base)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("her own record: %d", resp.StatusCode)
	}
	for _, want := range []string{"My record", "My story", "Dressed the wound on her leg.", "Who has looked at my record", base + "/about-me"} {
		if !strings.Contains(page, want) {
			t.Errorf("her own record lacks %q", want)
		}
	}
	for _, link := range []string{base + "/edit", base + "/story/new", base + "/outcomes/new", base + "/strengths/new",
		base + "/story/" + e.ID + "/change", base + "/profile", base + "/relationships/new"} {
		if strings.Contains(page, `href="`+link+`"`) {
			t.Errorf("her own record offers %s", link)
		}
	}
	for _, path := range []string{base + "/edit", base + "/story/new", base + "/story/" + e.ID + "/change"} {
		if resp, _ := b.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as herself: %d; want 403", path, resp.StatusCode)
		}
	}
	if resp, _ := b.post(base+"/story/"+e.ID+"/remove", url.Values{"removed_reason": {"I do not like it"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("removing the nurse's entry as herself: %d; want 403", resp.StatusCode)
	}
	if resp, _ := b.post(base+"/edit", url.Values{"given_name": {"Nell"}, "family_name": {"Marsh"}, "version": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("renaming herself: %d; want 403", resp.StatusCode)
	}
	if resp, _ := b.post(base+"/about-me", url.Values{"what_matters": {"My garden and the heron"}, "version": {"0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("writing her About me: %d; want it saved", resp.StatusCode)
	}
	if _, page := b.get(base); !strings.Contains(page, "My garden and the heron") || !strings.Contains(page, "Dressed the wound on her leg.") {
		t.Error("after writing About me her record lacks her words or the nurse's entry")
	}
}
