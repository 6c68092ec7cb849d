package people_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Pages of the story, walked older and then newer, meet every entry once
// and in the story's order, even when many entries share the same moment
// (the order then falls to when they were written, then to their id).
func TestTimelinePagesCoverTheStoryOnce(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	o := &people.Outcome{Statement: "I want to see the heron again", Kind: people.OutcomeMaintain, ExpressedBy: "person"}
	if err := people.AddOutcome(ctx, f.db, op, o); err != nil {
		t.Fatal(err)
	}
	// Seven entries at the same moment, written at the same moment: only
	// their ids tell them apart. Two more, earlier.
	fixed := store.Now()
	saved := store.Now
	store.Now = func() time.Time { return fixed }
	t.Cleanup(func() { store.Now = saved })
	for i := 0; i < 7; i++ {
		e := &people.Entry{Kind: "note", OccurredAt: at("2026-11-05T10:00:00Z"), Body: fmt.Sprintf("note %d", i)}
		if err := people.AddEntry(ctx, f.db, op, e); err != nil {
			t.Fatal(err)
		}
	}
	store.Now = saved
	for i, day := range []string{"2026-11-01", "2026-10-01"} {
		e := &people.Entry{Kind: "visit", OccurredAt: at(day + "T10:00:00Z"), Body: fmt.Sprintf("visit %d", i), OutcomeIDs: []string{o.ID}}
		if err := people.AddEntry(ctx, f.db, op, e); err != nil {
			t.Fatal(err)
		}
	}
	all, err := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{})
	if err != nil || len(all) != 9 {
		t.Fatalf("timeline: %d entries, %v", len(all), err)
	}
	want := ids(all)

	var got [][]string
	page, err := people.TimelinePage(ctx, f.db.Read(), op, people.TimelineFilter{}, people.PageRequest{Size: 4})
	for err == nil {
		got = append(got, ids(page.Entries))
		if page.Older == "" {
			break
		}
		page, err = people.TimelinePage(ctx, f.db.Read(), op, people.TimelineFilter{}, people.PageRequest{Size: 4, Before: page.Older})
	}
	if err != nil {
		t.Fatal(err)
	}
	if flat := slices.Concat(got...); !slices.Equal(flat, want) || len(got) != 3 || len(got[2]) != 1 {
		t.Fatalf("walking older in pages of 4 met %v; want %v in pages of 4, 4 and 1", got, want)
	}
	if page.Newer == "" {
		t.Fatalf("the last page has no newer page")
	}
	// Back again: each newer page is the one before it.
	for i := len(got) - 2; i >= 0; i-- {
		if page, err = people.TimelinePage(ctx, f.db.Read(), op, people.TimelineFilter{}, people.PageRequest{Size: 4, After: page.Newer}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(page.Entries), got[i]) {
			t.Fatalf("walking newer: page %d is %v; want %v", i, ids(page.Entries), got[i])
		}
	}
	if page.Newer != "" || page.Older == "" {
		t.Errorf("the first page, reached walking newer, says newer %q, older %q", page.Newer, page.Older)
	}

	// The page that starts with an entry, as a link to one entry asks.
	page, err = people.TimelinePage(ctx, f.db.Read(), op, people.TimelineFilter{}, people.PageRequest{Size: 4, At: want[5]})
	if err != nil || !slices.Equal(ids(page.Entries), want[5:9]) || page.Newer == "" || page.Older != "" {
		t.Fatalf("page at the sixth entry: %v (newer %q, older %q), %v; want %v", ids(page.Entries), page.Newer, page.Older, err, want[5:9])
	}
	// Entries on a page carry their outcomes, and filters apply to pages.
	page, err = people.TimelinePage(ctx, f.db.Read(), op, people.TimelineFilter{Kind: "visit"}, people.PageRequest{Size: 1})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Body != "visit 0" || !slices.Equal(page.Entries[0].OutcomeIDs, []string{o.ID}) || page.Older == "" {
		t.Fatalf("first page of visits: %+v, %v", page, err)
	}
	for _, bad := range []string{"nonsense", "MTIz", want[0]} {
		if _, err := people.TimelinePage(ctx, f.db.Read(), op, people.TimelineFilter{}, people.PageRequest{Before: bad}); !errors.Is(err, people.ErrBadCursor) {
			t.Errorf("before=%q: %v; want ErrBadCursor", bad, err)
		}
	}
	if _, err := people.TimelinePage(ctx, f.db.Read(), op, people.TimelineFilter{}, people.PageRequest{At: "no-such-entry"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("at an entry that is not there: %v; want not found", err)
	}
	// Another person's entry is not a place in this story.
	other := open(t, f.db, f.worker, f.another(t, "Owen").ID)
	if _, err := people.TimelinePage(ctx, f.db.Read(), other, people.TimelineFilter{}, people.PageRequest{At: want[0]}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another person's entry as a place: %v; want not found", err)
	}
}

func ids(l []people.Entry) []string {
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = e.ID
	}
	return out
}

// The story is counted only as far as StoryCountLimit: past it, the count
// says "more", so counting costs the same at 1,001 entries as at 50,000.
func TestCountStoryStopsAtTheLimit(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	add := func(n int) {
		err := f.db.Tx(ctx, func(tx *sql.Tx) error {
			for i := 0; i < n; i++ {
				if err := rawEntry(ctx, tx, f.db.Dialect, valid.NewID(), f.person.ID, time.Now().UTC(), "entry"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add(people.StoryCountLimit)
	if n, more, err := people.CountStory(ctx, f.db.Read(), op, people.TimelineFilter{}); n != people.StoryCountLimit || more || err != nil {
		t.Errorf("count at the limit: %d, more %v, %v; want %d exactly", n, more, err, people.StoryCountLimit)
	}
	if n, more, err := people.CountStory(ctx, f.db.Read(), op, people.TimelineFilter{Kind: "visit"}); n != 0 || more || err != nil {
		t.Errorf("count of visits: %d, more %v, %v; want none", n, more, err)
	}
	add(1)
	if n, more, err := people.CountStory(ctx, f.db.Read(), op, people.TimelineFilter{}); n != people.StoryCountLimit || !more || err != nil {
		t.Errorf("count past the limit: %d, more %v, %v; want %d and more", n, more, err, people.StoryCountLimit)
	}
}
