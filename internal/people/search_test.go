package people_test

import (
	"context"
	"strings"
	"testing"

	"whatmatters/internal/people"
	"whatmatters/internal/valid"
)

// About me and outcomes are found by their words as they read now: a
// new version of About me or a changed outcome is found by its new words,
// not its old ones, on both engines (SQLite keeps its search tables in
// step in the write's transaction; PostgreSQL indexes the rows).
func TestSearchFindsAboutMeAndOutcomesAsTheyNowRead(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	other := f.another(t, "Nia")
	if err := people.SaveAboutMe(ctx, f.db, open(t, f.db, f.worker, other.ID), &people.AboutMe{WhatMatters: "Choir practice on Thursdays"}); err != nil {
		t.Fatal(err)
	}
	a := &people.AboutMe{WhatMatters: "My garden", TalkAbout: "Rugby and the choir"}
	if err := people.SaveAboutMe(ctx, f.db, op, a); err != nil {
		t.Fatal(err)
	}
	o := &people.Outcome{Statement: "I want to go to the match", Kind: "change", ExpressedBy: "person", WhyItMatters: "Rugby is my Saturday"}
	if err := people.AddOutcome(ctx, f.db, op, o); err != nil {
		t.Fatal(err)
	}

	res, err := people.Search(ctx, f.db, f.worker, "rugby")
	if err != nil {
		t.Fatal(err)
	}
	about, outs := res.In(people.FoundAboutMe), res.In(people.FoundOutcome)
	if len(about) != 1 || about[0].PersonID != f.person.ID || about[0].Section != "talk_about" ||
		about[0].Snippet != "Rugby and the choir" || about[0].Link != "/people/"+f.person.ID+"#about-me" {
		t.Errorf("About me hits for rugby: %+v", about)
	}
	if len(outs) != 1 || outs[0].ID != o.ID || outs[0].Section != "why_it_matters" || outs[0].Link != "/people/"+f.person.ID+"#outcome-"+o.ID {
		t.Errorf("outcome hits for rugby: %+v", outs)
	}
	if got := marked(about[0].Parts); got != "[Rugby] and the choir" {
		t.Errorf("the snippet is marked as %q", got)
	}
	if res, _ := people.Search(ctx, f.db, f.worker, "choir"); len(res.In(people.FoundAboutMe)) != 2 {
		t.Errorf("choir is in two people's About me; found %+v", res.In(people.FoundAboutMe))
	}

	// Only the current version of About me is searched.
	a2 := &people.AboutMe{Version: 1, WhatMatters: "My garden", TalkAbout: "Cricket"}
	if err := people.SaveAboutMe(ctx, f.db, op, a2); err != nil {
		t.Fatal(err)
	}
	res, _ = people.Search(ctx, f.db, f.worker, "rugby")
	if n := len(res.In(people.FoundAboutMe)); n != 0 {
		t.Errorf("an earlier version of About me is still found: %+v", res.In(people.FoundAboutMe))
	}
	if res, _ := people.Search(ctx, f.db, f.worker, "cricket"); len(res.In(people.FoundAboutMe)) != 1 {
		t.Errorf("the new version of About me is not found")
	}
	// A changed outcome is found by its new words only.
	o.WhyItMatters = "Football with my grandson"
	if err := people.UpdateOutcome(ctx, f.db, op, o); err != nil {
		t.Fatal(err)
	}
	if res, _ := people.Search(ctx, f.db, f.worker, "rugby"); len(res.In(people.FoundOutcome)) != 0 {
		t.Errorf("a changed outcome is found by its old words")
	}
	if res, _ := people.Search(ctx, f.db, f.worker, "football grandson"); len(res.In(people.FoundOutcome)) != 1 {
		t.Errorf("a changed outcome is not found by its new words")
	}
	// Nobody out of reach is found, or counted.
	if res, _ := people.Search(ctx, f.db, f.stranger, "cricket football choir"); len(res.Hits) != 0 || len(res.People) != 0 {
		t.Errorf("the stranger's search found %+v", res)
	}
}

func TestSearchTermIsBounded(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	long := strings.Repeat("é", people.MaxSearchTerm+1)
	_, err := people.Search(ctx, f.db, f.worker, long)
	ps, ok := valid.From(err)
	if !ok || len(ps) != 1 || ps[0].Field != "q" {
		t.Fatalf("a search of %d characters = %v; want a problem with q", people.MaxSearchTerm+1, err)
	}
	if _, err := people.Search(ctx, f.db, f.worker, strings.Repeat("é", people.MaxSearchTerm)); err != nil {
		t.Errorf("a search of exactly %d characters = %v; want it run", people.MaxSearchTerm, err)
	}
}

// marked shows a snippet's marked words in brackets.
func marked(parts []people.SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}
