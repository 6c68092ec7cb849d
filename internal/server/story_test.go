package server_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
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
	if resp, body := sam.post(base+"/story/new", url.Values{"kind": {"conversation"}, "date": {"2026-10-02"}, "time": {"10:30"},
		"body": {"We talked about the heron by the river."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Sam adds an entry: %d\n%s", resp.StatusCode, body)
	}
	_, record := sam.get(base)
	mustSay(t, "record page", record, "Written by Sam Okafor, Riverside Council")

	first := currentEntries(t, w, w.Helen.ID, false)[0]
	if resp, body := jo.post(base+"/story/"+first.ID+"/correct", url.Values{"kind": {"conversation"}, "date": {"2026-10-02"},
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

// mustSay fails the test for each phrase the page does not contain.
func mustSay(t *testing.T, what, page string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		if !strings.Contains(page, p) {
			t.Errorf("%s does not say %q", what, p)
		}
	}
}
