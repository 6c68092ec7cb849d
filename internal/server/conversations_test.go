package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// dateBoxes are a GOV.UK date input's three boxes for a day offset days
// from today.
func dateBoxes(v url.Values, name string, offset int) url.Values { return withDate(v, name, offset) }

var idInPath = regexp.MustCompile(`/conversations/([0-9a-f-]{36})`)

// Sam adds a stroke club to the directory, holds a listen-and-connect
// conversation with Helen, connects her to it, and what matters to her
// becomes one of her outcomes; the conversation ends resolved. A second
// conversation ends in a crisis whose overdue action stands out on Sam's
// home page until it is done.
func TestListenAndConnectJourney(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	scalar := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := w.DB.Read().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The directory: a bad entry keeps what was typed and names the fix.
	resp, page := sam.post("/directory/new", dateBoxes(url.Values{"name": {"Riverside Stroke Club"}, "website": {"javascript:alert(1)"}}, "last_checked_on", -10))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad entry: %d", resp.StatusCode)
	}
	mustSay(t, "the refused entry", page, "Say what they offer, in plain words", "Choose at least one kind of help they offer",
		"Enter a web address that starts with https://", `value="Riverside Stroke Club"`)
	resp, _ = sam.post("/directory/new", dateBoxes(url.Values{"name": {"Riverside Stroke Club"}, "offer": {"Tea, talks and exercise after a stroke"},
		"categories": {"social", "exercise"}, "area": {"Riverside"}, "opening_times": {"Thursdays 2pm to 4pm"}}, "last_checked_on", -10))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding the club: %d", resp.StatusCode)
	}
	entryID := strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/directory/")
	_, page = sam.get("/directory?q=stroke&category=exercise")
	mustSay(t, "the directory's search", page, "1 group, organisation or service", "Riverside Stroke Club", "Social groups", "Exercise")

	base := "/people/" + w.Helen.ID + "/conversations"
	_, page = sam.get(base + "/new")
	mustSay(t, "the new conversation", page, "Listen and connect", "Riverside Stroke Club", "Most conversations end here")
	if !regexp.MustCompile(`value="resolved" checked`).MatchString(page) {
		t.Error("resolved is not chosen already")
	}

	// Bad input: every problem named, what was typed kept, nothing saved.
	bad := dateBoxes(url.Values{"what_matters": {"To get back to the bowls club"}, "add_outcome": {"yes"}, "outcome_kind": {"change"},
		"expressed_by": {"person"}, "ended": {"resolved"}, "connection_kind": {"equipment"}}, "held_on", 3)
	resp, page = sam.post(base+"/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad conversation: %d", resp.StatusCode)
	}
	mustSay(t, "the refused conversation", page, "The date of the conversation must be today or in the past", "Enter who took part",
		"Say what they were connected to", "To get back to the bowls club")
	if n := scalar(`SELECT COUNT(*) FROM conversations`) + scalar(`SELECT COUNT(*) FROM outcomes`); n != 0 {
		t.Fatalf("a refused conversation wrote %d rows", n)
	}

	// The outcome's problems show with the conversation's, at once, and
	// an empty "what matters" is said once, not once for each.
	bad = dateBoxes(url.Values{"add_outcome": {"yes"}, "outcome_kind": {"change"}, "expressed_by": {"relative"},
		"ended": {"resolved"}, "connection_kind": {"none"}}, "held_on", 0)
	resp, page = sam.post(base+"/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a conversation and outcome both lacking: %d", resp.StatusCode)
	}
	mustSay(t, "the refused conversation and outcome", page, "Enter who took part", "Give the name of the person who said this")
	if n := strings.Count(page, `href="#what_matters"`); n != 1 {
		t.Errorf("the error summary names what matters %d times, want once", n)
	}
	if n := scalar(`SELECT COUNT(*) FROM conversations`) + scalar(`SELECT COUNT(*) FROM outcomes`); n != 0 {
		t.Fatalf("a refused conversation wrote %d rows", n)
	}

	// Searching the directory keeps what was typed and saves nothing.
	find := dateBoxes(url.Values{"took_part": {"Helen and her son Tom"}, "what_matters": {"To get back to the bowls club"},
		"find": {"stroke"}, "do": {"find"}, "ended": {"resolved"}}, "held_on", 0)
	_, page = sam.post(base+"/new", find)
	mustSay(t, "the form after a search", page, "1 found for “stroke”", "Helen and her son Tom", "To get back to the bowls club")
	if n := scalar(`SELECT COUNT(*) FROM conversations`); n != 0 {
		t.Fatalf("a search saved %d conversations", n)
	}

	good := dateBoxes(url.Values{"took_part": {"Helen and her son Tom"}, "what_matters": {"To get back to the bowls club"},
		"add_outcome": {"yes"}, "outcome_kind": {"change"}, "expressed_by": {"person"}, "strengths_noticed": {"Knows everyone on the green"},
		"directory_entry": {entryID}, "connection_kind": {"neighbour"}, "connection_detail": {"Mr Price next door drives to the green"},
		"ended": {"resolved"}}, "held_on", 0)
	resp, _ = sam.post(base+"/new", good)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the conversation: %d", resp.StatusCode)
	}
	_, page = sam.get(resp.Header.Get("Location"))
	mustSay(t, "the conversation", page, "Resolved: what they needed is in place", "Riverside Stroke Club",
		"Mr Price next door drives to the green", "Added to their outcomes", "“To get back to the bowls club”")
	_, page = sam.get("/people/" + w.Helen.ID)
	mustSay(t, "Helen's record", page, "“To get back to the bowls club”", "Conversations", "Listen and connect")
	_, page = sam.get("/directory/" + entryID)
	mustSay(t, "the club's entry", page, "1 person connected in a conversation")

	// A crisis: the plan's overdue action stands out until it is done.
	crisis := dateBoxes(url.Values{"took_part": {"Helen, by phone"}, "what_matters": {"Staying warm at home"}, "ended": {"crisis"},
		"connection_kind": {"none"}}, "held_on", 0)
	resp, _ = sam.post(base+"/new", crisis)
	loc := resp.Header.Get("Location")
	m := idInPath.FindStringSubmatch(loc)
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("the crisis: %d to %q", resp.StatusCode, loc)
	}
	plan := base + "/" + m[1]
	_, page = sam.get(plan)
	mustSay(t, "the crisis", page, "Working through a crisis", "Emergency plan", "Nothing is in the plan yet.", "Sam Okafor")
	resp, page = sam.post(plan+"/actions", dateBoxes(url.Values{"what": {"Get the boiler mended"}}, "due_on", -2))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an action without an owner: %d", resp.StatusCode)
	}
	mustSay(t, "the refused action", page, "Enter who will make this happen", `value="Get the boiler mended"`)
	if resp, _ = sam.post(plan+"/actions", dateBoxes(url.Values{"what": {"Get the boiler mended"}, "owner_name": {"Tom, her son"}}, "due_on", -2)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the action: %d", resp.StatusCode)
	}
	_, page = sam.get(plan)
	mustSay(t, "the plan", page, "Get the boiler mended", "Tom, her son", "Overdue", "1 action overdue")
	_, page = sam.get("/")
	mustSay(t, "Sam's home page", page, "1 emergency plan action is overdue.", "Get the boiler mended", "Helen Marsh")
	_, page = sam.get("/people/" + w.Helen.ID)
	mustSay(t, "Helen's record", page, "1 action overdue")

	// Two people moving the action: the second sees the first's change.
	var actionID string
	if err := w.DB.Read().QueryRowContext(context.Background(), `SELECT id FROM crisis_actions`).Scan(&actionID); err != nil {
		t.Fatal(err)
	}
	if resp, _ = sam.post(plan+"/actions/"+actionID, url.Values{"status": {"doing"}, "version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("under way: %d", resp.StatusCode)
	}
	resp, page = sam.post(plan+"/actions/"+actionID, url.Values{"status": {"dropped"}, "version": {"1"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("the stale change: %d", resp.StatusCode)
	}
	mustSay(t, "the conflict", page, "Someone else changed this", "“Get the boiler mended” is now Under way")
	if resp, _ = sam.post(plan+"/actions/"+actionID, url.Values{"status": {"done"}, "version": {"2"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("done: %d", resp.StatusCode)
	}
	_, page = sam.get("/")
	if strings.Contains(page, "Get the boiler mended") {
		t.Error("the home page still shows a done action")
	}
	// Short-term help and small sums: a bad amount is named and nothing
	// saved; two sums add up.
	resp, page = sam.post(plan+"/help", dateBoxes(url.Values{"help": {"A fan heater"}, "amount": {"twelve pounds"}}, "help_on", 0))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a bad amount: %d", resp.StatusCode)
	}
	mustSay(t, "the refused help", page, "Enter the amount in pounds and pence", `value="A fan heater"`)
	resp, page = sam.post(plan+"/help", dateBoxes(url.Values{"help": {"Groceries"}, "amount": {"9000"}}, "help_on", 0))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a large sum: %d", resp.StatusCode)
	}
	mustSay(t, "the refused sum", page, "A small sum in a crisis is at most £5000.00")
	for _, h := range [][2]string{{"A fan heater", "£19.99"}, {"Groceries", "32.5"}} {
		if resp, page := sam.post(plan+"/help", dateBoxes(url.Values{"help": {h[0]}, "amount": {h[1]}}, "help_on", 0)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("help %s: %d\n%s", h[0], resp.StatusCode, page)
		}
	}
	if resp, _ = sam.post(plan+"/check-ins", dateBoxes(url.Values{"checkin_note": {"Warm again; Tom is staying the week"}}, "checkin_on", 0)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("check-in: %d", resp.StatusCode)
	}
	_, page = sam.get(plan)
	// £19.99 + £32.50 = £52.49
	mustSay(t, "the crisis's help", page, "A fan heater (£19.99)", "Groceries (£32.50)", "Spent in this crisis: £52.49",
		"Warm again; Tom is staying the week")

	// Closing the crisis with how it ended.
	resp, page = sam.post(plan+"/close", dateBoxes(url.Values{"ended": {"resolved"}, "version": {"1"}}, "ended_on", 0))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("closing without a note: %d", resp.StatusCode)
	}
	mustSay(t, "the refused close", page, "Say how the crisis ended, in a few words")
	if resp, _ = sam.post(plan+"/close", dateBoxes(url.Values{"ended": {"resolved"}, "version": {"1"}, "end_note": {"Boiler mended; Tom checks in"}}, "ended_on", 0)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("closing: %d", resp.StatusCode)
	}
	_, page = sam.get(plan)
	mustSay(t, "the ended crisis", page, "They are back in control of their life.", "Boiler mended; Tom checks in")
	// Ending it again from a form drawn before: a conflict that shows how
	// it ended, not a page that is not found.
	resp, page = sam.post(plan+"/close", dateBoxes(url.Values{"ended": {"good_life"}, "version": {"1"}, "end_note": {"Planning more"}}, "ended_on", 0))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("ending an ended crisis from a stale form: %d, want 409", resp.StatusCode)
	}
	mustSay(t, "the stale ending", page, "Someone else ended this crisis while you were writing", "Boiler mended; Tom checks in")

	// Every change is audited against Helen.
	if n := scalar(`SELECT COUNT(*) FROM audit_events WHERE person_id = $1 AND action LIKE 'conversation.%'`, w.Helen.ID); n != 9 {
		t.Errorf("conversation audit rows: %d, want 9 (2 conversations, 1 action, 2 moves, 2 sums, 1 check-in, 1 close)", n)
	}
	// Alys (Hillside) cannot reach Helen's conversations, nor Riverside's directory.
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	if resp, _ := alys.get(plan); resp.StatusCode != http.StatusNotFound {
		t.Errorf("Alys on Helen's crisis: %d", resp.StatusCode)
	}
	if resp, _ := alys.get("/directory/" + entryID); resp.StatusCode != http.StatusNotFound {
		t.Errorf("Alys on Riverside's directory entry: %d", resp.StatusCode)
	}
}

// Two people change one directory entry from the same form: the first is
// saved; the second is refused with what the first saved shown above the
// form, which keeps what they typed and now carries the newer version, so
// saving again is a choice made knowingly.
func TestDirectoryEditConflict(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	entry := dateBoxes(url.Values{"name": {"Riverside Stroke Club"}, "offer": {"Tea, talks and exercise after a stroke"},
		"categories": {"social"}, "opening_times": {"Thursdays 2pm to 4pm"}}, "last_checked_on", -10)
	resp, _ := sam.post("/directory/new", entry)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding the club: %d", resp.StatusCode)
	}
	edit := strings.Split(resp.Header.Get("Location"), "?")[0] + "/edit"
	first, second := url.Values{}, url.Values{}
	for k, v := range entry {
		first[k], second[k] = v, v
	}
	first.Set("version", "1")
	first.Set("opening_times", "Fridays 10am to 12 noon")
	second.Set("version", "1")
	second.Set("opening_times", "Mondays 6pm")
	if resp, _ := sam.post(edit, first); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first change: %d", resp.StatusCode)
	}
	resp, page := sam.post(edit, second)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("the second change from the same version: %d, want 409", resp.StatusCode)
	}
	mustSay(t, "the conflict", page, "Someone else changed this entry", "What they saved", "Fridays 10am to 12 noon",
		`value="Mondays 6pm"`, `name="version" value="2"`)
	_, page = sam.get(strings.TrimSuffix(edit, "/edit"))
	mustSay(t, "the entry after the conflict", page, "Fridays 10am to 12 noon")
	if strings.Contains(page, "Mondays 6pm") {
		t.Error("the refused change was saved")
	}
}
