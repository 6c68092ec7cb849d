package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/coach"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
)

// The practitioner's journey through Helen's record: an outcome in her
// words, progress with a setback, a conversation in her story, and a
// search for "heron" that only those who may see her can make find her.
func TestRecordJourney(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	if err := coach.LoadDefaults(ctx, w.DB); err != nil {
		t.Fatal(err)
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID

	resp, _ := sam.post(base+"/outcomes/new", url.Values{"statement": {"I want to walk to the river and see the heron again"},
		"kind": {"change"}, "expressed_by": {"person"}, "why_it_matters": {"It is where I feel most like me"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add outcome: %d", resp.StatusCode)
	}
	outcomes, err := people.Outcomes(ctx, w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID))
	if err != nil || len(outcomes) != 1 {
		t.Fatalf("outcomes after adding one: %v %v", outcomes, err)
	}
	o := outcomes[0]
	for _, p := range []url.Values{
		{"on_date-day": {"1"}, "on_date-month": {"9"}, "on_date-year": {"2026"}, "movement": {"closer"}, "note": {"Walked to the gate"}, "contributors": {"Helen, physiotherapist"}},
		{"on_date-day": {"1"}, "on_date-month": {"10"}, "on_date-year": {"2026"}, "movement": {"further_away"}, "note": {"A fall at home; back to the frame"}, "contributors": {"Helen"}},
	} {
		if resp, body := sam.post(base+"/outcomes/"+o.ID+"/progress", p); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add progress: %d\n%s", resp.StatusCode, body)
		}
	}
	resp, _ = sam.post(base+"/story/new", url.Values{"kind": {"conversation"}, "date-day": {"2"}, "date-month": {"10"}, "date-year": {"2026"}, "time": {"10:30"},
		"place": {"At home"}, "who": {"Helen and her son Tom"}, "outcome_ids": {o.ID},
		"body": {"We talked about the heron by the river. Helen wants to try the path again in spring."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add story entry: %d", resp.StatusCode)
	}

	_, page := sam.get(base)
	for _, want := range []string{"I want to walk to the river and see the heron again", "Further away (a setback)",
		"Walked to the gate", `fill="#d4351c"`, "We talked about the heron", "Helen and her son Tom"} {
		if !strings.Contains(page, want) {
			t.Errorf("record page lacks %q", want)
		}
	}
	// The outcome's own story shows the linked entry.
	if _, story := sam.get(base + "/story?outcome=" + o.ID); !strings.Contains(story, "We talked about the heron") {
		t.Errorf("filtering the story by the outcome lost the linked entry")
	}
	if _, story := sam.get(base + "/story?kind=visit"); strings.Contains(story, "We talked about the heron") {
		t.Errorf("filtering by visit shows a conversation")
	}

	_, found := sam.get("/search?q=heron")
	if !strings.Contains(found, "/people/"+w.Helen.ID+"/story?at=") {
		t.Errorf("Sam's search for heron does not find Helen's entry")
	}
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	if _, found := alys.get("/search?q=heron"); strings.Contains(found, w.Helen.ID) || strings.Contains(found, "Helen") {
		t.Errorf("Alys's search for heron reveals Helen")
	}

	evs, err := audit.ForPerson(ctx, w.DB.Read(), w.Helen.ID, 200)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range evs {
		if e.AccountID == w.Sam.ID {
			seen[e.Action]++
		}
	}
	if seen["outcome.create"] != 1 || seen["outcome.progress"] != 2 || seen["story.add"] != 1 || seen["person.read"] == 0 {
		t.Errorf("audit of Sam's work on Helen: %v", seen)
	}
}

func TestCoachFlagsDeficitLanguage(t *testing.T) {
	w, srv := setup(t)
	if err := coach.LoadDefaults(context.Background(), w.DB); err != nil {
		t.Fatal(err)
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	resp, body := sam.post("/coach?for=story", url.Values{"body": {"Helen was non-compliant with her medication."}})
	if resp.StatusCode != 200 || !strings.Contains(body, "non-compliant") {
		t.Errorf("coach on non-compliant: %d %q", resp.StatusCode, body)
	}
	_, body = sam.post("/coach?for=outcome", url.Values{"statement": {"Helen needs to walk more"}})
	if !strings.Contains(body, "own words") {
		t.Errorf("coach does not notice a third-person outcome: %q", body)
	}
	if _, body = sam.post("/coach?for=story", url.Values{"body": {"We walked to the river together."}}); strings.TrimSpace(body) != "" {
		t.Errorf("coach flagged plain words: %q", body)
	}
}

func TestStoryFormKeepsWhatWasTyped(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	resp, body := sam.post("/people/"+w.Helen.ID+"/story/new", url.Values{"kind": {"visit"}, "date-day": {"2"}, "date-month": {"10"}, "date-year": {"2026"},
		"time": {"10:30"}, "place": {"By the river"}, "body": {"  "}})
	if resp.StatusCode != 422 || !strings.Contains(body, `href="#body"`) || !strings.Contains(body, `value="By the river"`) {
		t.Errorf("empty story entry: %d; error linked %v; place kept %v", resp.StatusCode,
			strings.Contains(body, `href="#body"`), strings.Contains(body, `value="By the river"`))
	}
	entries, _ := people.Timeline(context.Background(), w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID), people.TimelineFilter{History: true})
	if len(entries) != 0 {
		t.Errorf("a refused entry was written: %v", entries)
	}
}

func TestAboutMeConflict(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	form := func(text string) url.Values {
		return url.Values{"what_matters": {text}, "version": {"0"}}
	}
	if resp, _ := sam.post("/people/"+w.Helen.ID+"/about-me", form("My garden and the heron")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first About me: %d", resp.StatusCode)
	}
	resp, body := sam.post("/people/"+w.Helen.ID+"/about-me", form("Seeing my grandchildren"))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "My garden and the heron") || !strings.Contains(body, "Seeing my grandchildren") {
		t.Fatalf("second About me from the same version: %d", resp.StatusCode)
	}
	a, _ := people.GetAboutMe(context.Background(), w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID))
	if a.WhatMatters != "My garden and the heron" || a.Version != 1 {
		t.Errorf("after the conflict About me is %q v%d", a.WhatMatters, a.Version)
	}
	// Saving again from the version the conflict page carries works.
	if !strings.Contains(body, `name="version" value="1"`) {
		t.Errorf("the conflict page does not carry the saved version")
	}
}

func TestRecordFormsOutOfReachAre404(t *testing.T) {
	w, srv := setup(t)
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	base := "/people/" + w.Helen.ID
	for _, path := range []string{base + "/about-me", base + "/outcomes/new", base + "/strengths/new", base + "/risks/new",
		base + "/story/new", base + "/story"} {
		if resp, _ := alys.get(path); resp.StatusCode != 404 {
			t.Errorf("GET %s as Alys: %d", path, resp.StatusCode)
		}
	}
	resp, _ := alys.post(base+"/story/new", url.Values{"kind": {"note"}, "date-day": {"2"}, "date-month": {"10"}, "date-year": {"2026"}, "body": {"x"}})
	if resp.StatusCode != 404 {
		t.Errorf("POST a story entry as Alys: %d", resp.StatusCode)
	}
}

// Nothing recorded silently disappears: a correction keeps the earlier
// version, a removal keeps the entry and its reason in the history.
func TestCorrectAndRemoveEntry(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	sam.post(base+"/story/new", url.Values{"kind": {"visit"}, "date-day": {"2"}, "date-month": {"10"}, "date-year": {"2026"}, "time": {"10:30"}, "body": {"Visited on Tuesday"}})
	entries, _ := people.Timeline(ctx, w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID), people.TimelineFilter{})
	if len(entries) != 1 {
		t.Fatalf("%d entries", len(entries))
	}
	first := entries[0].ID
	correction := url.Values{"kind": {"visit"}, "date-day": {"1"}, "date-month": {"10"}, "date-year": {"2026"}, "time": {"10:30"}, "body": {"Visited on Monday"}}
	if resp, body := sam.post(base+"/story/"+first+"/correct", correction); resp.StatusCode != 422 || !strings.Contains(body, `href="#correction_reason"`) {
		t.Errorf("correction without a reason: %d", resp.StatusCode)
	}
	correction.Set("correction_reason", "Wrong day")
	if resp, _ := sam.post(base+"/story/"+first+"/correct", correction); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction: %d", resp.StatusCode)
	}
	// The old version can no longer be changed.
	if resp, _ := sam.get(base + "/story/" + first + "/change"); resp.StatusCode != 404 {
		t.Errorf("change page of a corrected entry: %d", resp.StatusCode)
	}
	entries, _ = people.Timeline(ctx, w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID), people.TimelineFilter{})
	if len(entries) != 1 || entries[0].Body != "Visited on Monday" {
		t.Fatalf("after correction: %+v", entries)
	}
	second := entries[0].ID
	if resp, _ := sam.post(base+"/story/"+second+"/remove", url.Values{"removed_reason": {"Wrong person's record"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	_, history := sam.get(base + "/story?history=1")
	for _, want := range []string{"Visited on Tuesday", "Visited on Monday", "Wrong day", "Wrong person&#39;s record"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	if _, current := sam.get(base + "/story"); strings.Contains(current, "Visited on") {
		t.Errorf("the current story still shows a removed entry")
	}
}

func TestProfileAndRelationships(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	profile := url.Values{"pronouns": {"she/her"}, "first_language": {"Welsh"}, "prefers_welsh": {"yes"},
		"communication_helps": {"Quiet mornings"}, "version": {"1"}}
	if resp, _ := sam.post(base+"/profile", profile); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save profile: %d", resp.StatusCode)
	}
	profile.Set("pronouns", "they/them") // from the same, now stale, version
	if resp, body := sam.post(base+"/profile", profile); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "they/them") {
		t.Errorf("stale profile save: %d", resp.StatusCode)
	}
	if resp, body := sam.post(base+"/relationships/new", url.Values{"name": {"Tom"}}); resp.StatusCode != 422 || !strings.Contains(body, `href="#relationship"`) || !strings.Contains(body, `value="Tom"`) {
		t.Errorf("relationship without who they are: %d", resp.StatusCode)
	}
	sam.post(base+"/relationships/new", url.Values{"name": {"Tom"}, "relationship": {"son"}, "is_main_carer": {"yes"}})
	_, page := sam.get(base)
	for _, want := range []string{"she/her", "Welsh (prefers Welsh)", "Quiet mornings", "Tom, son (main carer)"} {
		if !strings.Contains(page, want) {
			t.Errorf("record lacks %q", want)
		}
	}
}

func TestAddAddress(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	if resp, body := sam.post(base+"/addresses/new", url.Values{"kind": {"home"}, "lines": {"2 River View"}, "postcode": {"nonsense"}}); resp.StatusCode != 422 ||
		!strings.Contains(body, `href="#postcode"`) || !strings.Contains(body, "2 River View") {
		t.Errorf("bad postcode: %d", resp.StatusCode)
	}
	if resp, _ := sam.post(base+"/addresses/new", url.Values{"kind": {"home"}, "lines": {"2 River View"}, "postcode": {"cf10 1aa"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("address: %d", resp.StatusCode)
	}
	if _, page := sam.get(base); !strings.Contains(page, "CF10 1AA") {
		t.Errorf("record lacks the address")
	}
}

func TestAboutMeHistory(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	sam.post(base+"/about-me", url.Values{"what_matters": {"My garden"}, "version": {"0"}})
	sam.post(base+"/about-me", url.Values{"what_matters": {"My garden and the heron"}, "version": {"1"}})
	_, page := sam.get(base + "/about-me/history")
	first, second := strings.Index(page, "Version 2"), strings.Index(page, "Version 1")
	if first < 0 || second < first || !strings.Contains(page, "My garden and the heron") || strings.Count(page, "Sam Okafor") < 2 {
		t.Errorf("history page does not list both versions, newest first, with who wrote them")
	}
}

func TestChangeOutcomeWithLinksAndConflict(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	sub := w.Open(t, w.Sam, w.Helen.ID)
	st := &people.Strength{PersonID: w.Helen.ID, Strength: "A close family", Meaning: "They walk with her", NamedBy: "Helen", LastConfirmedOn: valid.MustDate("2026-10-01")}
	if err := people.AddStrength(ctx, w.DB, sub, st); err != nil {
		t.Fatal(err)
	}
	o := &people.Outcome{PersonID: w.Helen.ID, Statement: "I want to walk to the river", Kind: "maintain", ExpressedBy: "person"}
	if err := people.AddOutcome(ctx, w.DB, sub, o); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"statement": {"I want to walk to the river every day"}, "kind": {"maintain"}, "expressed_by": {"person"},
		"status": {"maintained"}, "version": {"1"}, "strength_ids": {st.ID}}
	if resp, body := sam.post(base+"/outcomes/"+o.ID+"/edit", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change outcome: %d\n%s", resp.StatusCode, body)
	}
	_, page := sam.get(base)
	if !strings.Contains(page, "every day") || !strings.Contains(page, "Builds on:</strong> A close family") || !strings.Contains(page, "Maintained") {
		t.Errorf("record does not show the changed outcome with its strength")
	}
	form.Set("statement", "I want to sit by the river") // from the stale version 1
	resp, body := sam.post(base+"/outcomes/"+o.ID+"/edit", form)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "sit by the river") || !strings.Contains(body, "every day") {
		t.Errorf("stale change: %d", resp.StatusCode)
	}
	list, _ := people.Outcomes(ctx, w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID))
	if list[0].Statement != "I want to walk to the river every day" || list[0].Version != 2 {
		t.Errorf("after the conflict: %+v", list[0])
	}
}
