package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"whatmatters/internal/people"
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
