package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/testworld"
)

// aboutMeSections are the About me form's fields: the seven sections and
// whose words they are.
var aboutMeSections = []string{"what_matters", "good_day", "bad_day", "how_to_support", "important", "talk_about",
	"dont_talk_about", "in_words_of"}

// aboutMeLabels are the headings a person reads for each section.
var aboutMeLabels = []string{"What matters to me", "A good day", "A bad day", "How best to support me",
	"People and things that are important to me", "Please talk to me about", "Please don&#39;t talk to me about",
	"Whose words are these, if not the person&#39;s own?"}

// aboutMeForm is every section from a, and the version it was written from.
func aboutMeForm(a people.AboutMe, version string) url.Values {
	f := url.Values{"version": {version}}
	for i, v := range []string{a.WhatMatters, a.GoodDay, a.BadDay, a.HowToSupport, a.Important, a.TalkAbout,
		a.DontTalkAbout, a.InWordsOf} {
		f.Set(aboutMeSections[i], v)
	}
	return f
}

// formOnPage reads the About me form back out of a page, as the browser
// would post it if the person pressed Save without changing anything.
func formOnPage(t *testing.T, page string) url.Values {
	t.Helper()
	f := url.Values{}
	for _, name := range aboutMeSections[:7] {
		m := regexp.MustCompile(`(?s)<textarea[^>]* name="` + name + `"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s box on the page", name)
		}
		f.Set(name, html.UnescapeString(m[1]))
	}
	for _, name := range []string{"in_words_of", "version"} {
		m := regexp.MustCompile(`name="` + name + `"[^>]* value="([^"]*)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s field on the page", name)
		}
		f.Set(name, html.UnescapeString(m[1]))
	}
	return f
}

// Two people edit About me from the same version. Edits to different
// sections merge by themselves; edits to the same section show every
// section, mark the ones both changed, and pre-fill the form so that
// pressing Save loses nothing either of them wrote.
func TestAboutMeTwoEditors(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	meg := &account.Account{OrganisationID: w.Sam.OrganisationID, TeamID: w.NorthTeam.ID, Email: "meg@riverside.test",
		DisplayName: "Meg Rees", Role: account.RoleManager}
	if err := account.CreateAccount(ctx, w.DB, audit.System, meg, testworld.Password); err != nil {
		t.Fatal(err)
	}
	sam, megB := newBrowser(t, srv), newBrowser(t, srv)
	sam.signIn(w.Sam)
	megB.signIn(meg)
	path := "/people/" + w.Helen.ID + "/about-me"
	current := func() *people.AboutMe {
		a, err := people.GetAboutMe(ctx, w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	v1 := people.AboutMe{WhatMatters: "My garden", GoodDay: "Sun on the bench", BadDay: "Rain all day",
		HowToSupport: "Give me time", Important: "My son Tom", TalkAbout: "Birds", DontTalkAbout: "Hospital", InWordsOf: "Helen"}
	if resp, _ := sam.post(path, aboutMeForm(v1, "0")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first version: %d", resp.StatusCode)
	}

	// Different sections, both from version 1: Meg first, then Sam.
	megs := v1
	megs.DontTalkAbout = "Hospital, or moving house"
	if resp, _ := megB.post(path, aboutMeForm(megs, "1")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Meg's save: %d", resp.StatusCode)
	}
	sams := v1
	sams.GoodDay = "Sun on the bench and the heron on the river"
	resp, _ := sam.post(path, aboutMeForm(sams, "1"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Sam's save of another section from the same version: %d; want it merged and saved", resp.StatusCode)
	}
	if a := current(); a.Version != 3 || a.GoodDay != sams.GoodDay || a.DontTalkAbout != megs.DontTalkAbout || a.WhatMatters != v1.WhatMatters {
		t.Errorf("after merging, About me is v%d %+v; want v3 with Sam's good day and Meg's don't-talk-about", a.Version, a)
	}
	_, record := sam.get(resp.Header.Get("Location"))
	if !strings.Contains(record, "Someone else saved changes to other sections while you were writing") {
		t.Errorf("the record does not say a colleague's changes were kept")
	}
	evs, _ := audit.ForAction(ctx, w.DB.Read(), "about_me.update", 10)
	if len(evs) != 3 || evs[0].AccountID != w.Sam.ID {
		t.Errorf("%d about_me.update rows, newest by %s; want 3, the merge audited once as Sam's", len(evs), evs[0].AccountID)
	}

	// The same section, both from version 3.
	v3 := *current()
	megs2 := v3
	megs2.WhatMatters = "My garden, and Tom visiting on Sundays"
	megs2.Important = "My son Tom, and Bryn next door"
	if resp, _ := megB.post(path, aboutMeForm(megs2, "3")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Meg's second save: %d", resp.StatusCode)
	}
	sams2 := v3 // Sam's form: version 3, with two sections changed
	sams2.WhatMatters = "My garden and feeding the birds"
	sams2.TalkAbout = "Birds, and the war years"
	resp, page := sam.post(path, aboutMeForm(sams2, "3"))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("Sam's save of the same section: %d; want the conflict page", resp.StatusCode)
	}
	for _, label := range aboutMeLabels {
		if strings.Count(page, label) < 2 { // in the comparison and on the form
			t.Errorf("the conflict page does not show the section %q beside the form", label)
		}
	}
	for _, want := range []string{"Changed by both of you", "Saved by Meg Rees", "What you wrote",
		"My garden, and Tom visiting on Sundays", "My garden and feeding the birds", "Changed by you", "No change",
		"Changed by Meg Rees: kept", "My son Tom, and Bryn next door"} {
		if !strings.Contains(page, want) {
			t.Errorf("the conflict page does not say %q", want)
		}
	}
	// Who wrote what is said by name, never by email address.
	if strings.Contains(page, "meg@riverside.test") {
		t.Error("the conflict page shows a colleague's email address")
	}
	if a := current(); a.Version != 4 || a.WhatMatters != megs2.WhatMatters {
		t.Errorf("the conflict wrote something: v%d %q", a.Version, a.WhatMatters)
	}

	// Pressing Save on the page as it is keeps everything both wrote.
	form := formOnPage(t, page)
	if form.Get("version") != "4" {
		t.Errorf("the conflict page carries version %q; want 4, the newer one", form.Get("version"))
	}
	if resp, body := sam.post(path, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the conflict page as it is: %d\n%s", resp.StatusCode, body)
	}
	a := current()
	for what, got := range map[string]string{"Meg's what matters": megs2.WhatMatters, "Sam's what matters": sams2.WhatMatters,
		"Sam's talk about": sams2.TalkAbout, "Meg's don't talk about": megs.DontTalkAbout, "Sam's good day": sams.GoodDay,
		"Meg's important": megs2.Important} {
		all := strings.Join([]string{a.WhatMatters, a.GoodDay, a.TalkAbout, a.DontTalkAbout, a.Important}, "\n")
		if !strings.Contains(all, got) {
			t.Errorf("after saving the conflict page, %s (%q) is lost: %+v", what, got, a)
		}
	}
	if a.Version != 5 {
		t.Errorf("version after the conflict = %d; want 5", a.Version)
	}
}
