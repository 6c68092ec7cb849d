package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"whatmatters/internal/valid"
)

// contactForm is the contact form filled in for a person, allocated to team.
func contactForm(given, family, dob, nhs, team string, daysAgo int) url.Values {
	on := valid.Today().AddDays(-daysAgo)
	f := url.Values{"given_name": {given}, "family_name": {family}, "nhs_number": {nhs},
		"contact_on-day": {strconv.Itoa(on.Day())}, "contact_on-month": {strconv.Itoa(int(on.Month()))}, "contact_on-year": {strconv.Itoa(on.Year())},
		"method": {"phone"}, "asker": {"hospital_ward"}, "asker_name": {"Ward 7, Riverside General"},
		"reason": {"Going home on Friday after a stroke"}, "route": {"hospital_discharge"},
		"team": {team}, "priority": {"high"}, "allocation_reason": {"Discharge planned for Friday"}}
	if dob != "" {
		d := valid.MustDate(dob)
		f.Set("date_of_birth-day", strconv.Itoa(d.Day()))
		f.Set("date_of_birth-month", strconv.Itoa(int(d.Month())))
		f.Set("date_of_birth-year", strconv.Itoa(d.Year()))
	}
	return f
}

var personPath = regexp.MustCompile(`^/people/([0-9a-f-]{36})\?saved=contact#contacts$`)

// Sam records a contact for someone new, is shown Helen as a possible
// match for a second contact, says it is her, and the team's list and his
// home page show who waits.
func TestContactPages(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	_, page := sam.get("/contacts/new")
	mustSay(t, "the contact form", page, "Record a contact", "Who asked, and why", "Discharge from Hospital",
		"Transfer from Other LA", "North Community Team", "Sam Okafor")

	// Bad input: every problem named, what was typed kept, nothing saved.
	bad := contactForm("Yusuf", "", "", "123", w.NorthTeam.ID, -2)
	bad.Set("reason", "")
	resp, page := sam.post("/contacts/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad contact: %d", resp.StatusCode)
	}
	mustSay(t, "the refused form", page, "There is a problem", "Enter why they asked",
		"When they asked must be today or in the past", `value="Yusuf"`, "Ward 7, Riverside General")

	// A new person: no one alike, so the record is made and Sam sees it.
	resp, _ = sam.post("/contacts/new", contactForm("Yusuf", "Ahmed", "1944-03-09", "", w.NorthTeam.ID, 4))
	m := personPath.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("new person: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = sam.get(resp.Header.Get("Location"))
	mustSay(t, "the new record", page, "Yusuf Ahmed", "The contact is saved and allocated.", "Contacts and who holds them",
		"North Community Team", "A hospital ward (Ward 7, Riverside General)</strong>", "Going home on Friday after a stroke", "Close this contact")

	// Helen again, by NHS number under another name: the match is shown
	// before any record is made.
	resp, page = sam.post("/contacts/new", contactForm("Nell", "Smith", "", "943 476 5919", w.NorthTeam.ID, 0))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("possible match: %d", resp.StatusCode)
	}
	mustSay(t, "the match page", page, "Is this someone we already know?", "Yes, this is Helen Marsh",
		"NHS number 943 476 5919", "(the same NHS number)", "No, this is someone else: make a new record", `value="Nell"`)
	f := contactForm("Nell", "Smith", "", "943 476 5919", w.NorthTeam.ID, 0)
	f.Set("same_person", w.Helen.ID)
	resp, _ = sam.post("/contacts/new", f)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/people/"+w.Helen.ID) {
		t.Fatalf("same person: %d to %q", resp.StatusCode, loc)
	}

	// The team's list, oldest first, with how long and the priority.
	_, page = sam.get("/teams/" + w.NorthTeam.ID + "/waiting")
	mustSay(t, "North's list", page, "Waiting for a first conversation", "2 people waiting", "4 days", "0 days", "High",
		"Yusuf Ahmed", "Helen Marsh")
	if strings.Index(page, "Yusuf Ahmed") > strings.Index(page, "Helen Marsh") {
		t.Error("the list is not oldest first: Yusuf (4 days) after Helen (today)")
	}
	// Sam's home: the count links to the list.
	_, page = sam.get("/")
	mustSay(t, "Sam's home", page, "2 people waiting for your team", "/teams/"+w.NorthTeam.ID+"/waiting", "My people")

	// Allocating Yusuf to Sam by name puts him in My people. The form
	// carries the allocation it showed; sent again once that has been
	// replaced, it changes nothing and says so.
	_, page = sam.get("/people/" + m[1] + "/allocation")
	seen := regexp.MustCompile(`name="seen" value="([0-9a-f-]{36})"`).FindStringSubmatch(page)
	if seen == nil {
		t.Fatal("the allocation form does not carry the allocation it shows")
	}
	toSam := url.Values{"team": {w.NorthTeam.ID}, "worker": {w.Sam.ID}, "priority": {"urgent"},
		"allocation_reason": {"Sam knows the family"}, "seen": {seen[1]}}
	resp, _ = sam.post("/people/"+m[1]+"/allocation", toSam)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("allocate to Sam: %d", resp.StatusCode)
	}
	toSam.Set("priority", "routine")
	resp, page = sam.post("/people/"+m[1]+"/allocation", toSam)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("a transfer from a stale form: %d, want 409", resp.StatusCode)
	}
	mustSay(t, "the stale transfer", page, "Someone else changed who holds this person", "Named worker: Sam Okafor.")
	if regexp.MustCompile(`name="seen" value="` + seen[1]).MatchString(page) {
		t.Error("the refused form still carries the replaced allocation: saving again would be refused again")
	}
	_, page = sam.get("/")
	mustSay(t, "Sam's home", page, "Yusuf Ahmed", "Waiting for a first conversation", "(Urgent)")
	_, page = sam.get("/people/" + m[1])
	mustSay(t, "Yusuf's record", page, "Earlier allocations", "Sam Okafor", "Urgent")

	// Closing Yusuf's contact: refused without an outcome, then saved; he
	// leaves the list.
	id := regexp.MustCompile(`/contacts/([0-9a-f-]{36})/close`).FindStringSubmatch(page)
	if id == nil {
		t.Fatal("no close link on Yusuf's record")
	}
	closePath := "/people/" + m[1] + "/contacts/" + id[1] + "/close"
	resp, page = sam.post(closePath, url.Values{"version": {"1"}, "note": {"Told about the stroke club"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("close without an outcome: %d", resp.StatusCode)
	}
	mustSay(t, "the refused close", page, "Choose an outcome", "Told about the stroke club")
	resp, _ = sam.post(closePath, url.Values{"version": {"1"}, "outcome": {"signposted"}, "note": {"Told about the stroke club"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", resp.StatusCode)
	}
	resp, page = sam.post(closePath, url.Values{"version": {"1"}, "outcome": {"no_further_action"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("closing again from a stale form: %d", resp.StatusCode)
	}
	mustSay(t, "the conflict", page, "Someone else closed this contact while you were writing",
		"Put in touch with someone else who can help")
	_, page = sam.get("/teams/" + w.NorthTeam.ID + "/waiting")
	mustSay(t, "North's list after closing", page, "1 person waiting", "Helen Marsh")
	if strings.Contains(page, "Yusuf Ahmed") {
		t.Error("Yusuf is still waiting after his contact was closed")
	}

	// Another council: the team is not found, and the form is not theirs
	// to match Riverside's people.
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	if resp, _ := alys.get("/teams/" + w.NorthTeam.ID + "/waiting"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("Hillside reading North's list: %d", resp.StatusCode)
	}
	resp, page = alys.post("/contacts/new", contactForm("Helen", "Marsh", "1938-05-04", "", w.NorthTeam.ID, 0))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("Hillside allocating to Riverside's team: %d, want 422", resp.StatusCode)
	}
	if strings.Contains(page, "Yes, this is Helen Marsh") {
		t.Error("Hillside was shown Riverside's Helen as a match")
	}
	mustSay(t, "Hillside allocating to Riverside's team", page, "Choose one of your council’s teams")
	// A care home worker may not record contacts.
	jo := newBrowser(t, srv)
	jo.signIn(w.Jo)
	if resp, _ := jo.get("/contacts/new"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("care home staff on the contact form: %d", resp.StatusCode)
	}
}
