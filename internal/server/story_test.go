package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// currentEntries is the opened person's story as Sam sees it, newest first.
func currentEntries(t *testing.T, w *testworld.World, personID string, history bool) []people.Entry {
	t.Helper()
	l, err := people.Timeline(context.Background(), w.DB.Read(), w.Open(t, w.Sam, personID), people.TimelineFilter{History: history})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Each entry says who wrote it, and who corrected or removed it and when,
// by name and organisation: a worker at the care home reading the story
// knows who "Sam" is without being shown anyone's email address.
func TestStorySaysWhoWroteCorrectedAndRemoved(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	// Helen lives at Oakfield House, so Jo, who works there, may add to
	// and correct her story too.
	if err := access.AddLink(ctx, w.DB, audit.System, &access.Link{PersonID: w.Helen.ID, Kind: access.LinkCareHome,
		OrganisationID: w.Jo.OrganisationID}); err != nil {
		t.Fatal(err)
	}
	base := "/people/" + w.Helen.ID
	sam, jo := newBrowser(t, srv), newBrowser(t, srv)
	sam.signIn(w.Sam)
	jo.signIn(w.Jo)
	if resp, body := sam.post(base+"/story/new", url.Values{"kind": {"conversation"}, "date-day": {"2"}, "date-month": {"10"}, "date-year": {"2026"}, "time": {"10:30"},
		"body": {"We talked about the heron by the river."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Sam adds an entry: %d\n%s", resp.StatusCode, body)
	}
	_, record := sam.get(base)
	mustSay(t, "record page", record, "Written by Sam Okafor, Riverside Council")

	first := currentEntries(t, w, w.Helen.ID, false)[0]
	if resp, body := jo.post(base+"/story/"+first.ID+"/correct", url.Values{"kind": {"conversation"}, "date-day": {"2"}, "date-month": {"10"}, "date-year": {"2026"},
		"time": {"10:30"}, "body": {"We talked about the two herons by the weir."}, "correction_reason": {"There were two herons"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Jo corrects it: %d\n%s", resp.StatusCode, body)
	}
	_, record = sam.get(base)
	mustSay(t, "record page after the correction", record, "Corrected by Jo Evans, Oakfield House", "There were two herons")

	correction := currentEntries(t, w, w.Helen.ID, false)[0]
	if resp, body := sam.post(base+"/story/"+correction.ID+"/remove", url.Values{"removed_reason": {"Duplicate of the visit note"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Sam removes the correction: %d\n%s", resp.StatusCode, body)
	}
	_, story := sam.get(base + "/story?history=1")
	today := time.Now().In(valid.London)
	// The first version: written by Sam, corrected by Jo. The correction:
	// written by Jo as a correction, removed by Sam, each with the date.
	on := " on " + today.Format("2 January 2006")
	mustSay(t, "story with its history", story, "Written by Sam Okafor, Riverside Council"+on,
		"Corrected by Jo Evans, Oakfield House"+on, "Removed by Sam Okafor, Riverside Council"+on,
		"Duplicate of the visit note")
	for _, email := range []string{w.Sam.Email, w.Jo.Email, "@riverside.test", "@oakfield.test"} {
		if strings.Contains(story, email) || strings.Contains(record, email) {
			t.Errorf("the story shows the email address %q", email)
		}
	}
}

// Entries written before the names were looked up (only a label "Name
// <email>" kept, no account for the removal) still say who, by the name
// part alone.
func TestStoryOlderEntriesShowTheNameWithoutTheEmail(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)
	err := w.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO story_entries (id, person_id, kind, occurred_at, body, created_by_label,
			created_at, removed_at, removed_by_label, removed_reason) VALUES ($1, $2, 'note', $3, 'An old note.', 'Morgan Rees <morgan@old.test>',
			$3, $4, 'Dee Hale <dee@old.test>', 'Duplicate')`, valid.NewID(), w.Helen.ID, at, at.Add(time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	_, story := sam.get("/people/" + w.Helen.ID + "/story?history=1")
	mustSay(t, "story of an older entry", story, "Written by Morgan Rees on 4 March 2025", "Removed by Dee Hale on 4 March 2025")
	if strings.Contains(story, "old.test") {
		t.Errorf("the story shows an email address from an older label")
	}
}

// mustSay fails the test for each phrase the page does not contain, and
// if a message on it was given the wrong arguments.
func mustSay(t *testing.T, what, page string, phrases ...string) {
	t.Helper()
	if i := strings.Index(page, "%!"); i >= 0 {
		t.Errorf("%s has a message with the wrong arguments: %q", what, page[i:min(i+40, len(page))])
	}
	for _, p := range phrases {
		if !strings.Contains(page, p) {
			t.Errorf("%s does not say %q", what, p)
		}
	}
}

// rawStory writes n entries into a person's story directly (saving them
// one by one through the form would take minutes): the newest an hour
// ago, each an hour before the last, visits and notes in turn.
func rawStory(t *testing.T, w *testworld.World, personID string, n int) {
	t.Helper()
	ctx := context.Background()
	newest := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	err := w.DB.Tx(ctx, func(tx *sql.Tx) error {
		for i := 0; i < n; i++ {
			kind, when := []string{"visit", "note"}[i%2], newest.Add(-time.Duration(i)*time.Hour)
			_, err := tx.ExecContext(ctx, `INSERT INTO story_entries (id, person_id, kind, occurred_at, body, created_by, created_by_label, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, valid.NewID(), personID, kind, when, fmt.Sprintf("Entry number %d.", i+1),
				w.Sam.ID, w.Sam.Label(), when)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var (
	entryRE = regexp.MustCompile(`<li class="wm-entry[^"]*" id="entry-`)
	nextRE  = regexp.MustCompile(`href="([^"]+)"\s+rel="next"`)
	prevRE  = regexp.MustCompile(`href="([^"]+)"\s+rel="prev"`)
)

// link is the page's rel link, unescaped, or "".
func link(re *regexp.Regexp, page string) string {
	if m := re.FindStringSubmatch(page); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// A long story is counted only so far on the record page: beyond 1,000
// entries the page says "more than 1,000" rather than counting them all.
func TestRecordPageCountsALongStoryOnlySoFar(t *testing.T) {
	w, srv := setup(t)
	rawStory(t, w, w.Helen.ID, 1005)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	_, record := sam.get("/people/" + w.Helen.ID)
	mustSay(t, "record page of a long story", record, "Showing the latest 10 of more than 1,000 entries")
	if n := len(entryRE.FindAllString(record, -1)); n != 10 {
		t.Errorf("record page shows %d entries; want 10", n)
	}
}

// The whole story comes in pages of 50, newest first, with the GOV.UK
// pagination's links to older and newer entries; the filters chosen stay
// chosen from page to page.
func TestStoryPageIsPaged(t *testing.T) {
	w, srv := setup(t)
	rawStory(t, w, w.Helen.ID, 120)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID + "/story"

	var pages []string
	for path := base; path != ""; {
		resp, page := sam.get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		pages = append(pages, page)
		if len(pages) > 5 {
			t.Fatalf("more than 5 pages of 120 entries")
		}
		path = link(nextRE, page)
	}
	var sizes []int
	for _, p := range pages {
		sizes = append(sizes, len(entryRE.FindAllString(p, -1)))
	}
	if fmt.Sprint(sizes) != "[50 50 20]" {
		t.Fatalf("the story's pages hold %v entries; want [50 50 20]", sizes)
	}
	mustSay(t, "first page", pages[0], "Entry number 1.", "Entry number 50.", "Older entries", `class="govuk-pagination`)
	mustSay(t, "second page", pages[1], "Entry number 51.", "Entry number 100.", "Newer entries", "Older entries")
	mustSay(t, "last page", pages[2], "Entry number 120.", "Newer entries")
	if strings.Contains(pages[0], "Newer entries") || strings.Contains(pages[2], "Older entries") {
		t.Errorf("the first page offers newer entries, or the last older ones")
	}
	if strings.Contains(pages[0], "Entry number 51.") {
		t.Errorf("the first page shows the 51st entry")
	}
	// Back from the last page to the second.
	if _, back := sam.get(link(prevRE, pages[2])); !strings.Contains(back, "Entry number 51.") || !strings.Contains(back, "Entry number 100.") {
		t.Errorf("newer entries from the last page are not the second page")
	}

	// Filtered: 60 visits, so two pages, and the link keeps the filters.
	_, visits := sam.get(base + "?kind=visit&history=1")
	next := link(nextRE, visits)
	if !strings.Contains(next, "kind=visit") || !strings.Contains(next, "history=1") {
		t.Fatalf("the next page's link %q loses the filters", next)
	}
	_, more := sam.get(next)
	if n := len(entryRE.FindAllString(more, -1)); n != 10 || strings.Contains(more, "Entry number 2.") || link(nextRE, more) != "" {
		t.Errorf("the second page of visits has %d entries; want the last 10 visits and no further page", n)
	}
	if !strings.Contains(more, `<option value="visit" selected>`) || !strings.Contains(more, `id="history" name="history" type="checkbox" value="1" checked`) {
		t.Errorf("the second page of visits does not show the filters chosen")
	}
	// A made-up cursor shows the newest entries rather than an error.
	if resp, page := sam.get(base + "?before=made-up"); resp.StatusCode != 200 || !strings.Contains(page, "Entry number 1.") {
		t.Errorf("a made-up cursor: %d", resp.StatusCode)
	}
}

// longBody is an entry of exactly n characters in words, ending with a
// word found nowhere else.
func longBody(n int) string {
	var b strings.Builder
	for b.Len() < n-len(" Kingfisher.") {
		b.WriteString("We walked along the river and talked about the garden. ")
	}
	return b.String()[:n-len(" Kingfisher.")] + " Kingfisher."
}

// A long entry shows only its start on the record page, cut at a word,
// with a link to the whole of it in the story, where it is shown whole.
// Short entries are shown whole everywhere.
func TestLongEntryIsShortOnTheRecordPage(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	long := longBody(people.MaxEntryBody)
	for _, body := range []string{long, "A short visit: tea and the crossword."} {
		if resp, page := sam.post(base+"/story/new", url.Values{"kind": {"visit"}, "date-day": {"2"}, "date-month": {"10"}, "date-year": {"2026"}, "time": {"10:30"},
			"body": {body}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add an entry of %d characters: %d\n%s", len(body), resp.StatusCode, page)
		}
	}
	entries := currentEntries(t, w, w.Helen.ID, false)
	var longID string
	for _, e := range entries {
		if len(e.Body) == people.MaxEntryBody {
			longID = e.ID
		}
	}
	if longID == "" {
		t.Fatalf("the long entry was not saved whole: %d entries", len(entries))
	}
	_, record := sam.get(base)
	mustSay(t, "record page", record, "A short visit: tea and the crossword.", "We walked along the river and talked about the garden.",
		">Read more<", `href="/people/`+w.Helen.ID+`/story?at=`+longID+`#entry-`+longID+`"`)
	if strings.Contains(record, "Kingfisher") {
		t.Errorf("the record page shows the whole of a %d-character entry", people.MaxEntryBody)
	}
	if strings.Count(record, "talked about the garden") > 12 {
		t.Errorf("the record page shows %d sentences of the long entry; want about 600 characters", strings.Count(record, "talked about the garden"))
	}
	if strings.Count(record, ">Read more<") != 1 {
		t.Errorf("the record page has %d Read more links; want one, for the long entry only", strings.Count(record, ">Read more<"))
	}
	_, story := sam.get("/people/" + w.Helen.ID + "/story?at=" + longID)
	mustSay(t, "the long entry in the story", story, `id="entry-`+longID+`"`, "Kingfisher.")
	if strings.Contains(story, ">Read more<") {
		t.Errorf("the story page cuts entries short")
	}
}

// The story form and the correction form count the characters of the
// entry as it is typed (GOV.UK's character count), up to the limit the
// server keeps, in English and in Welsh.
func TestStoryFormsCountCharacters(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	if resp, page := sam.post(base+"/story/new", url.Values{"kind": {"visit"}, "date-day": {"2"}, "date-month": {"10"}, "date-year": {"2026"}, "time": {"10:30"},
		"body": {"Tea and the crossword."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add an entry: %d\n%s", resp.StatusCode, page)
	}
	change := base + "/story/" + currentEntries(t, w, w.Helen.ID, false)[0].ID + "/change"
	for _, path := range []string{base + "/story/new", change} {
		_, page := sam.get(path)
		mustSay(t, path, page, `data-module="govuk-character-count"`, `data-maxlength="20000"`,
			`class="govuk-textarea govuk-js-character-count"`, `id="body-info"`, "You can enter up to 20,000 characters",
			`aria-describedby="body-info`, `data-i18n.characters-under-limit.other="You have %{count} characters remaining"`)
	}
	sam.get("/language/cy?next=/")
	for _, path := range []string{base + "/story/new", change} {
		_, cy := sam.get(path)
		mustSay(t, path+" in Welsh", cy, `data-i18n.characters-over-limit.other="`, "Gallwch ysgrifennu hyd at 20,000 o nodau")
	}
}

// A search finds an entry anywhere in a long story, and its link lands on
// the page of the story that shows it, not only on the newest page.
func TestSearchHitLandsOnTheEntrysPage(t *testing.T) {
	w, srv := setup(t)
	rawStory(t, w, w.Helen.ID, 120)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	old := &people.Entry{Kind: "visit", OccurredAt: time.Now().Add(-24 * 365 * time.Hour), Body: "We watched the kingfisher at the weir."}
	if err := people.AddEntry(context.Background(), w.DB, w.Open(t, w.Sam, w.Helen.ID), old); err != nil {
		t.Fatal(err)
	}
	_, found := sam.get("/search?q=kingfisher")
	href := regexp.MustCompile(`href="(/people/[^"]+#entry-` + old.ID + `)"`).FindStringSubmatch(found)
	if href == nil {
		t.Fatalf("the search for kingfisher does not link to the entry")
	}
	path, _, _ := strings.Cut(html.UnescapeString(href[1]), "#")
	if _, page := sam.get(path); !strings.Contains(page, `id="entry-`+old.ID+`"`) {
		t.Errorf("the search hit's link %s does not land on a page with the entry", href[1])
	}
}

// After correcting or removing an entry deep in a long story, the story
// opens at the page that shows it, with what was done.
func TestCorrectionLandsOnTheEntrysPage(t *testing.T) {
	w, srv := setup(t)
	rawStory(t, w, w.Helen.ID, 120)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	all := currentEntries(t, w, w.Helen.ID, false)
	deep := all[100]
	resp, _ := sam.post("/people/"+w.Helen.ID+"/story/"+deep.ID+"/correct", url.Values{"kind": {"note"}, "date-day": {"1"}, "date-month": {"1"}, "date-year": {"2020"},
		"time": {"10:00"}, "body": {"Entry number 101, corrected."}, "correction_reason": {"The wrong words"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correct an entry: %d", resp.StatusCode)
	}
	_, page := sam.get(resp.Header.Get("Location"))
	mustSay(t, "the story after a correction", page, "Entry number 101, corrected.", "The wrong words", "Done.")
	resp, _ = sam.post("/people/"+w.Helen.ID+"/story/"+all[110].ID+"/remove", url.Values{"removed_reason": {"A duplicate"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove an entry: %d", resp.StatusCode)
	}
	_, page = sam.get(resp.Header.Get("Location"))
	mustSay(t, "the story after a removal", page, "Entry number 111.", "A duplicate", "Done.")
}
