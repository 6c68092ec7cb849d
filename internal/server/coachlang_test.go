package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"whatmatters/internal/coach"
)

// The coach checks a note against the word list of the language the note
// is written in, whatever language the pages are in; its own advice stays
// in the page's language.
func TestCoachChecksTheNotesLanguage(t *testing.T) {
	w, srv := setup(t)
	if err := coach.LoadDefaults(context.Background(), w.DB); err != nil {
		t.Fatal(err)
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)

	// Browsing in Welsh, writing in English.
	sam.get("/language/cy?next=/")
	english := "Helen refused her tea and she was non-compliant with the plan we made for the week."
	_, body := sam.post("/coach?for=story", url.Values{"body": {english}})
	for _, want := range []string{"refused", "non-compliant", "Mae'r hyfforddwr cofnodi'n awgrymu", "Yn lle"} {
		if !strings.Contains(strings.ReplaceAll(body, "&#39;", "'"), want) {
			t.Errorf("an English note on a Welsh page: the coach does not show %q:\n%s", want, body)
		}
	}
	if !strings.Contains(strings.ReplaceAll(body, "&#39;", "'"), "Saesneg") {
		t.Errorf("the coach does not say, in Welsh, that it checked the note as English:\n%s", body)
	}
	long := strings.Repeat("We walked to the river and she told me about the heron. ", 30)
	_, body = sam.post("/coach?for=story", url.Values{"body": {long}})
	if !strings.Contains(strings.ReplaceAll(body, "&#39;", "'"), "Mae'r nodyn hwn yn hir") {
		t.Errorf("the advice on a long English note is not in Welsh, the page's language:\n%s", body)
	}

	// Browsing in English, writing in Welsh.
	sam.get("/language/en?next=/")
	welsh := "Mae ganddo ymddygiad heriol weithiau ac mae e wedi bod yn drist iawn yr wythnos hon."
	_, body = sam.post("/coach?for=story", url.Values{"body": {welsh}})
	if !strings.Contains(body, "ymddygiad heriol") || !strings.Contains(body, "The recording coach suggests") {
		t.Errorf("a Welsh note on an English page is not checked against the Welsh list:\n%s", body)
	}
	_, body = sam.post("/coach?for=outcome", url.Values{"statement": {"Mae e eisiau mynd adref at ei gi"}})
	if !strings.Contains(body, "own words") {
		t.Errorf("a Welsh third-person outcome on an English page is not noticed, in English:\n%s", body)
	}
	_, body = sam.post("/coach?for=outcome", url.Values{"statement": {"Rydw i eisiau cerdded i'r afon gyda fy nghi bob dydd"}})
	if strings.Contains(body, "own words") {
		t.Errorf("a Welsh first-person outcome on an English page is taken for third person:\n%s", body)
	}
}
