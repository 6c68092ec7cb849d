package people_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestStoryIsAppendOnly(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	o := &people.Outcome{Statement: "I want to see the heron again", Kind: people.OutcomeMaintain, ExpressedBy: "person"}
	if err := people.AddOutcome(ctx, f.db, op, o); err != nil {
		t.Fatal(err)
	}
	first := &people.Entry{Kind: "visit", OccurredAt: at("2026-11-01T10:00:00Z"),
		Body: "We walked to the river and watched the herons fishing.", OutcomeIDs: []string{o.ID}}
	second := &people.Entry{Kind: "phone_call", OccurredAt: at("2026-11-05T10:00:00Z"), Body: "Daughter rang about the weekend."}
	for _, e := range []*people.Entry{first, second} {
		if err := people.AddEntry(ctx, f.db, op, e); err != nil {
			t.Fatal(err)
		}
	}
	// Through another person's record, this person's entries are not
	// found: nothing is corrected or removed.
	other := open(t, f.db, f.worker, f.another(t, "Owen").ID)
	wrong := &people.Entry{Kind: "note", OccurredAt: at("2026-11-05T10:00:00Z"), Body: "Not his."}
	if err := people.CorrectEntry(ctx, f.db, other, second.ID, wrong, "wrong record"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("correction through another person's record = %v; want not found", err)
	}
	if err := people.RemoveEntry(ctx, f.db, other, first.ID, "wrong record"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removal through another person's record = %v; want not found", err)
	}
	if n := count(t, f.db, "story_entries"); n != 2 {
		t.Fatalf("%d story entries; want the 2 added", n)
	}
	if got, _ := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{}); len(got) != 2 {
		t.Fatalf("timeline has %d current entries; want both still current", len(got))
	}
	fixed := &people.Entry{Kind: "phone_call", OccurredAt: at("2026-11-05T10:00:00Z"), Body: "Son rang about the weekend."}
	if err := people.CorrectEntry(ctx, f.db, op, second.ID, fixed, "It was her son, not her daughter"); err != nil {
		t.Fatal(err)
	}
	stale := &people.Entry{Kind: "phone_call", OccurredAt: at("2026-11-05T10:00:00Z"), Body: "Nobody rang."}
	if err := people.CorrectEntry(ctx, f.db, op, second.ID, stale, "again"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("correcting a superseded entry = %v; want conflict", err)
	}
	if err := people.RemoveEntry(ctx, f.db, op, first.ID, ""); err == nil {
		t.Fatal("removal without a reason was accepted")
	}
	if err := people.RemoveEntry(ctx, f.db, op, first.ID, "Written on the wrong person's record"); err != nil {
		t.Fatal(err)
	}
	current, err := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{})
	if err != nil || len(current) != 1 || current[0].Body != "Son rang about the weekend." || current[0].Supersedes != second.ID {
		t.Fatalf("timeline = %+v, %v; want only the correction", current, err)
	}
	all, _ := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{History: true})
	if len(all) != 3 {
		t.Fatalf("history has %d entries; want all 3 kept", len(all))
	}
	for _, e := range all {
		if e.ID == first.ID && (e.RemovedAt == nil || e.RemovedReason != "Written on the wrong person's record" || e.RemovedBy == "") {
			t.Errorf("removed entry lost its who and why: %+v", e)
		}
	}
	byOutcome, _ := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{OutcomeID: o.ID, History: true})
	if len(byOutcome) != 1 || byOutcome[0].ID != first.ID {
		t.Fatalf("filter by outcome = %+v", byOutcome)
	}
	calls, _ := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{Kind: "visit"})
	if len(calls) != 0 {
		t.Fatalf("current visits = %d; want 0 (the only visit was removed)", len(calls))
	}
	for _, action := range []string{"story.add", "story.correct", "story.remove"} {
		if evs, _ := audit.ForAction(ctx, f.db.Read(), action, 10); len(evs) == 0 {
			t.Errorf("no %s audit row", action)
		}
	}
}

// storyHits searches as s and returns the story matches only.
func storyHits(t *testing.T, db *store.DB, s account.Subject, q string) []people.Hit {
	t.Helper()
	res, err := people.Search(context.Background(), db, s, q)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return res.In(people.FoundStory)
}

func TestStorySearchHidesWhatTheSearcherCannotSee(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	e := &people.Entry{Kind: "conversation", OccurredAt: at("2026-11-01T10:00:00Z"),
		Body: "Helen told me about the heron she watches from her window every morning; it makes her day."}
	if err := people.AddEntry(ctx, f.db, op, e); err != nil {
		t.Fatal(err)
	}
	hits := storyHits(t, f.db, f.worker, "heron")
	if len(hits) != 1 || hits[0].ID != e.ID || !strings.Contains(hits[0].Snippet, "heron") {
		t.Fatalf("worker's search = %+v; want Helen's entry", hits)
	}
	if hits := storyHits(t, f.db, f.worker, "herons window"); len(hits) != 1 {
		t.Fatalf("stemmed two-word search found %d; want 1", len(hits))
	}
	if hits := storyHits(t, f.db, f.worker, `"heron*" (window)!`); len(hits) != 1 {
		t.Fatalf("search with FTS syntax found %d; want the entry, the syntax read as plain words", len(hits))
	}
	if hits := storyHits(t, f.db, f.stranger, "heron"); len(hits) != 0 {
		t.Fatalf("stranger's search = %+v; want nothing", hits)
	}
	if err := people.RemoveEntry(ctx, f.db, op, e.ID, "Duplicate of another entry"); err != nil {
		t.Fatal(err)
	}
	if hits := storyHits(t, f.db, f.worker, "heron"); len(hits) != 0 {
		t.Fatalf("removed entry still found: %+v", hits)
	}
	evs, _ := audit.ForAction(ctx, f.db.Read(), "search", 10)
	if len(evs) != 5 {
		t.Fatalf("%d search audit rows; want 5", len(evs))
	}
}

func TestTimelineLimitEntryAndCount(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	var ids []string
	for i, day := range []string{"2026-01-01", "2026-02-01", "2026-03-01"} {
		e := &people.Entry{Kind: "note", OccurredAt: at(day + "T10:00:00Z"), Body: "entry " + day}
		if err := people.AddEntry(ctx, f.db, op, e); err != nil {
			t.Fatal(i, err)
		}
		ids = append(ids, e.ID)
	}
	if err := people.RemoveEntry(ctx, f.db, op, ids[0], "wrong person"); err != nil {
		t.Fatal(err)
	}
	newest, err := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{Limit: 1})
	if err != nil || len(newest) != 1 || newest[0].ID != ids[2] {
		t.Errorf("newest one: %v %v", newest, err)
	}
	one, _ := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{EntryID: ids[1]})
	if len(one) != 1 || one[0].Body != "entry 2026-02-01" {
		t.Errorf("by id: %v", one)
	}
	if gone, _ := people.Timeline(ctx, f.db.Read(), op, people.TimelineFilter{EntryID: ids[0]}); len(gone) != 0 {
		t.Errorf("a removed entry found as current: %v", gone)
	}
	if n, more, err := people.CountStory(ctx, f.db.Read(), op, people.TimelineFilter{}); err != nil || n != 2 || more {
		t.Errorf("count %d (more %v, %v), want 2", n, more, err)
	}
}

// A browser sends each line break typed into a form as CR LF, and its
// character count counts one character for it: an entry of exactly
// MaxEntryBody characters, typed in lines, is accepted.
func TestEntryLineBreaksCountAsOneCharacter(t *testing.T) {
	f := newRecordFixture(t)
	op := open(t, f.db, f.worker, f.person.ID)
	line := strings.Repeat("x", 99) // with its line break, 100 characters
	typed := strings.TrimSuffix(strings.Repeat(line+"\r\n", people.MaxEntryBody/100), "\r\n") + "x"
	e := &people.Entry{Kind: "note", OccurredAt: at("2026-11-01T10:00:00Z"), Body: typed}
	if err := people.AddEntry(context.Background(), f.db, op, e); err != nil {
		t.Fatalf("an entry of %d characters typed in lines: %v", people.MaxEntryBody, err)
	}
	if strings.Contains(e.Body, "\r") || len([]rune(e.Body)) != people.MaxEntryBody {
		t.Errorf("saved as %d characters, with CR %v; want %d, line breaks as LF", len([]rune(e.Body)), strings.Contains(e.Body, "\r"), people.MaxEntryBody)
	}
}
