package people_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

// Two writers start from the same version of About me. The browser's save
// merges their edits section by section against that version.
func TestMergeAboutMe(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	v1 := people.AboutMe{WhatMatters: "My garden", GoodDay: "Sun on the bench", DontTalkAbout: "Hospital"}
	first := v1
	if m, err := people.MergeAboutMe(ctx, f.db, op, &first); err != nil || m != nil {
		t.Fatalf("first save = %v, %v; want saved with nothing to merge", m, err)
	}

	// Theirs changes one section; mine, from the same version, another.
	theirs := v1
	theirs.Version, theirs.DontTalkAbout = 1, "Hospital, or moving house"
	if _, err := people.MergeAboutMe(ctx, f.db, op, &theirs); err != nil {
		t.Fatal(err)
	}
	mine := v1
	mine.Version, mine.GoodDay = 1, "  Sun on the bench, and the heron  "
	m, err := people.MergeAboutMe(ctx, f.db, op, &mine)
	if err != nil {
		t.Fatalf("merging edits to different sections = %v; want saved", err)
	}
	if !slices.Equal(m.Kept(), []string{"dont_talk_about"}) || len(m.Conflicts()) != 0 {
		t.Errorf("merge kept %v with conflicts %v; want their dont_talk_about kept and no conflict", m.Kept(), m.Conflicts())
	}
	cur, _ := people.GetAboutMe(ctx, f.db.Read(), op)
	if cur.Version != 3 || cur.GoodDay != "Sun on the bench, and the heron" || cur.DontTalkAbout != "Hospital, or moving house" || cur.WhatMatters != "My garden" {
		t.Fatalf("after the merge: %+v; want version 3 with both changes", cur)
	}
	if mine.Version != 3 || mine.DontTalkAbout != cur.DontTalkAbout {
		t.Errorf("the saved About me handed back is %+v; want the merged version 3", mine)
	}
	evs, _ := audit.ForAction(ctx, f.db.Read(), "about_me.update", 10)
	if len(evs) != 3 {
		t.Fatalf("%d about_me.update rows; want 3 (the merge is one change)", len(evs))
	}
	var details struct {
		Merged *struct {
			StartedFrom int      `json:"started_from"`
			KeptFrom    int      `json:"kept_from"`
			Kept        []string `json:"kept"`
		} `json:"merged"`
	}
	if err := json.Unmarshal([]byte(evs[0].Details), &details); err != nil || details.Merged == nil ||
		details.Merged.StartedFrom != 1 || details.Merged.KeptFrom != 2 || !slices.Equal(details.Merged.Kept, []string{"dont_talk_about"}) {
		t.Errorf("the merge's audit row says %v; want it merged from version 1 on top of version 2", evs[0].Details)
	}

	// The same change made twice is no conflict.
	same1, same2 := *cur, *cur
	same1.BadDay, same2.BadDay = "Rain", "Rain"
	for _, a := range []*people.AboutMe{&same1, &same2} {
		if _, err := people.MergeAboutMe(ctx, f.db, op, a); err != nil {
			t.Fatalf("the same change twice: %v", err)
		}
	}

	// The same section changed differently: nothing is written, and the
	// conflict holds every section.
	cur, _ = people.GetAboutMe(ctx, f.db.Read(), op)
	a, b := *cur, *cur
	a.WhatMatters, a.Important = "My garden and Tom", "Tom"
	b.WhatMatters, b.TalkAbout = "My garden and the birds", "Birds"
	if _, err := people.MergeAboutMe(ctx, f.db, op, &a); err != nil {
		t.Fatal(err)
	}
	_, err = people.MergeAboutMe(ctx, f.db, op, &b)
	var c *people.AboutMeConflict
	if !errors.As(err, &c) || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("the same section changed differently = %v; want an AboutMeConflict that is a store.ErrConflict", err)
	}
	if len(c.Sections) != len(people.AboutMeSections) || !slices.Equal(c.Conflicts(), []string{"what_matters"}) {
		t.Errorf("conflict has %d sections, conflicts %v; want all %d, what_matters in conflict", len(c.Sections), c.Conflicts(), len(people.AboutMeSections))
	}
	states := map[string]string{}
	for _, s := range c.Sections {
		states[s.Name] = s.State
	}
	if states["important"] != people.SectionTheirs || states["talk_about"] != people.SectionYours || states["good_day"] != people.SectionUnchanged {
		t.Errorf("section states %v", states)
	}
	d := c.Draft()
	if d.Version != a.Version || d.WhatMatters != "My garden and Tom\n\nMy garden and the birds" || d.Important != "Tom" || d.TalkAbout != "Birds" {
		t.Errorf("the draft %+v does not keep everything on top of version %d", d, a.Version)
	}
	if now, _ := people.GetAboutMe(ctx, f.db.Read(), op); now.Version != a.Version || now.WhatMatters != a.WhatMatters {
		t.Errorf("the conflict wrote something: %+v", now)
	}
	// Saving the draft keeps everything.
	if _, err := people.MergeAboutMe(ctx, f.db, op, d); err != nil {
		t.Fatal(err)
	}

	// The strict save (the API's) still refuses a stale version outright.
	stale := v1
	stale.Version, stale.GoodDay = 1, "Anything"
	if err := people.SaveAboutMe(ctx, f.db, op, &stale); !errors.Is(err, store.ErrConflict) {
		t.Errorf("strict stale save = %v; want store.ErrConflict", err)
	}
}

// Each writer emptied a different section and kept the other's: merged,
// the page would be blank, so it is a conflict to settle, not a save.
func TestMergeAboutMeNeverSavesABlankPage(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	base := people.AboutMe{WhatMatters: "My garden", GoodDay: "Sun"}
	if _, err := people.MergeAboutMe(ctx, f.db, op, &base); err != nil {
		t.Fatal(err)
	}
	a := people.AboutMe{Version: 1, GoodDay: "Sun"}
	b := people.AboutMe{Version: 1, WhatMatters: "My garden"}
	if _, err := people.MergeAboutMe(ctx, f.db, op, &a); err != nil {
		t.Fatal(err)
	}
	_, err := people.MergeAboutMe(ctx, f.db, op, &b)
	var c *people.AboutMeConflict
	if !errors.As(err, &c) || len(c.Conflicts()) == 0 {
		t.Fatalf("merging two emptyings = %v; want a conflict", err)
	}
	if d := c.Draft(); d.WhatMatters != "My garden" {
		t.Errorf("the draft lost what matters: %+v", d)
	}
}

// Several people save different sections at the same moment, all from the
// same version: every save goes in, each merged on top of the others, and
// every change is in the newest version.
func TestMergeAboutMeUnderConcurrentSaves(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	base := people.AboutMe{WhatMatters: "My garden"}
	if _, err := people.MergeAboutMe(ctx, f.db, op, &base); err != nil {
		t.Fatal(err)
	}
	edits := []func(a *people.AboutMe){
		func(a *people.AboutMe) { a.GoodDay = "Sun" },
		func(a *people.AboutMe) { a.BadDay = "Rain" },
		func(a *people.AboutMe) { a.Important = "Tom" },
		func(a *people.AboutMe) { a.TalkAbout = "Birds" },
	}
	errs := make(chan error, len(edits))
	var wg sync.WaitGroup
	for _, edit := range edits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := people.AboutMe{Version: 1, WhatMatters: "My garden"}
			edit(&a)
			_, err := people.MergeAboutMe(ctx, f.db, op, &a)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a concurrent save of another section = %v; want it merged", err)
		}
	}
	cur, _ := people.GetAboutMe(ctx, f.db.Read(), op)
	if cur.Version != 1+len(edits) || cur.GoodDay != "Sun" || cur.BadDay != "Rain" || cur.Important != "Tom" || cur.TalkAbout != "Birds" {
		t.Errorf("after concurrent saves: %+v; want version %d with every change", cur, 1+len(edits))
	}
}
