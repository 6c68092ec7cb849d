package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/admin"
	"whatmatters/internal/audit"
	"whatmatters/internal/contacts"
	"whatmatters/internal/conversations"
	"whatmatters/internal/people"
	"whatmatters/internal/server"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// The route walks visit every route the domains registered, read from the
// routers rather than from a list kept by hand, so a route added tomorrow
// is walked tomorrow. They check the doors: someone who may not see a
// person gets "not found" and one audit row on every route that names
// them; a grant is obeyed on every route (refused with 403 and nothing
// written where it falls short, served where it reaches); nobody signed
// out gets past the sign-in page or a 401.

// The walk's floor: the routes that name a person when these tests were
// written. A walk over fewer means the routers stopped reporting routes.
const (
	minPersonPages = 30
	minPersonAPI   = 18
)

// route is a page route or an endpoint, as the walks see both.
type route struct {
	api     bool
	pattern string
	access  string // public, signed in, role, token or person
	need    access.Need
}

func (r route) method() string { m, _, _ := strings.Cut(r.pattern, " "); return m }
func (r route) path() string   { _, p, _ := strings.Cut(r.pattern, " "); return p }
func (r route) namesPerson() bool {
	return r.access == "person"
}

// things are ids from one person's record, for the routes that name them.
type things struct{ outcome, entry, attachment, visitor, conversation, action, contact string }

type walker struct {
	t     *testing.T
	w     *testworld.World
	s     *server.Server
	srv   *httptest.Server
	n     int              // makes every value sent new, so a save that gets through visibly changes the record
	admin *account.Account // Riverside's admin, made when a walk needs an invitation
}

func newWalker(t *testing.T) *walker {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	s := server.New(db, server.Options{})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &walker{t: t, w: w, s: s, srv: srv}
}

// routes lists every page route and every endpoint, as registered.
func (wk *walker) routes() []route {
	var out []route
	for _, r := range wk.s.Web.Routes() {
		out = append(out, route{pattern: r.Pattern, access: r.Access, need: r.Need})
	}
	for _, r := range wk.s.API.Routes() {
		out = append(out, route{api: true, pattern: r.Pattern, access: r.Access, need: r.Need})
	}
	return out
}

// checkDoors checks how the routes are registered: whatever names a
// person in its path passes the person gate, the gate is given a person,
// and anything but a GET through the gate needs a change (so a route that
// writes cannot slip past a read-only grant by declaring a read).
func checkDoors(t *testing.T, routes []route) {
	t.Helper()
	for _, r := range routes {
		looksPersonal := strings.Contains(r.path(), "/people/{id}")
		switch {
		case looksPersonal && !r.namesPerson():
			t.Errorf("%s names a person but is registered as %q, not through the person gate", r.pattern, r.access)
		case r.namesPerson() && !strings.Contains(r.path(), "{id}"):
			t.Errorf("%s passes the person gate but has no {id}", r.pattern)
		case r.namesPerson() && r.need.Part == 0:
			t.Errorf("%s passes the person gate needing no part of the record", r.pattern)
		case r.namesPerson() && r.method() != http.MethodGet && !r.need.Change:
			t.Errorf("%s changes things but declares only a read of %s", r.pattern, r.need.Part)
		}
	}
}

// seed adds to a person's record, as by, an outcome and a story entry with
// a photo attached, and returns their ids.
func (wk *walker) seed(by *account.Account, personID string) things {
	t := wk.t
	t.Helper()
	ctx := context.Background()
	op := wk.w.Open(t, by, personID)
	o := &people.Outcome{Statement: "I want to walk to the river and see the heron", Kind: "change", ExpressedBy: "person"}
	if err := people.AddOutcome(ctx, wk.w.DB, op, o); err != nil {
		t.Fatal(err)
	}
	e := &people.Entry{Kind: "photo", OccurredAt: time.Now().Add(-time.Hour), Body: "The heron, drawn at the day centre",
		OutcomeIDs: []string{o.ID}}
	if err := people.AddEntry(ctx, wk.w.DB, op, e, people.NewFile{Name: "heron.png", Data: png1x1}); err != nil {
		t.Fatal(err)
	}
	var att string
	if err := wk.w.DB.Read().QueryRowContext(ctx, `SELECT id FROM attachments WHERE entry_id = $1`, e.ID).Scan(&att); err != nil {
		t.Fatal(err)
	}
	c := &conversations.Conversation{HeldOn: valid.Today(), TookPart: "Helen and her son", WhatMatters: "Heating before the frost"}
	if err := conversations.StartCrisis(ctx, wk.w.DB, op, c); err != nil {
		t.Fatal(err)
	}
	a := &conversations.Action{ConversationID: c.ID, What: "Get the boiler mended", OwnerName: "Sam", DueOn: valid.Today().AddDays(2)}
	if err := conversations.AddAction(ctx, wk.w.DB, op, a); err != nil {
		t.Fatal(err)
	}
	return things{outcome: o.ID, entry: e.ID, attachment: att, visitor: by.ID, conversation: c.ID, action: a.ID, contact: wk.seedContact(by, personID)}
}

// seedContact records an open contact for the person, as by, if by is a
// council worker who records contacts, and returns its id ("" otherwise).
func (wk *walker) seedContact(by *account.Account, personID string) string {
	t := wk.t
	t.Helper()
	if !contacts.MayRecord(by.Role) || by.TeamID == "" {
		return ""
	}
	n := &contacts.New{Person: *wk.person(personID), SamePerson: personID,
		Contact: contacts.Contact{On: valid.Today(), Method: contacts.MethodPhone, Asker: contacts.AskerPerson,
			Reason: "Asked about the lunch club", Route: "community"},
		Allocation: contacts.Allocation{TeamID: by.TeamID, Priority: contacts.PriorityHigh, Reason: "Lives in the north"}}
	if _, err := contacts.Record(context.Background(), wk.w.DB, testworld.Subject(by), n); err != nil {
		t.Fatal(err)
	}
	return n.Contact.ID
}

// invitationCode invites someone new to Riverside, as its admin would,
// and returns the code.
func (wk *walker) invitationCode() string {
	wk.t.Helper()
	ctx := context.Background()
	if wk.admin == nil {
		wk.admin = &account.Account{OrganisationID: wk.w.Sam.OrganisationID, Email: "walk-admin@riverside.test", DisplayName: "Walk Admin", Role: account.RoleAdmin}
		if err := account.CreateAccount(ctx, wk.w.DB, audit.System, wk.admin, testworld.Password); err != nil {
			wk.t.Fatal(err)
		}
	}
	wk.n++
	inv, err := admin.Invite(ctx, wk.w.DB, testworld.Subject(wk.admin), admin.NewMember{OrganisationID: wk.admin.OrganisationID,
		Name: "Invited " + strconv.Itoa(wk.n), Email: "invited" + strconv.Itoa(wk.n) + "@riverside.test", Role: account.RolePractitioner}, time.Now())
	if err != nil {
		wk.t.Fatal(err)
	}
	return inv.Code
}

var pathValue = regexp.MustCompile(`\{([A-Za-z]+)(\.\.\.)?\}`)

// fill puts real ids in a route's path: the person's, and their things'.
// A path value the walk does not know fails the test, so a new kind of
// route is walked with a real id, not with one that answers 404 anyway.
func (wk *walker) fill(r route, personID string, th things) string {
	wk.t.Helper()
	path := strings.ReplaceAll(r.path(), "{$}", "")
	return pathValue.ReplaceAllStringFunc(path, func(m string) string {
		name := pathValue.FindStringSubmatch(m)[1]
		if r.namesPerson() {
			switch name {
			case "id":
				return personID
			case "outcome":
				return th.outcome
			case "entry":
				return th.entry
			case "attachment":
				return th.attachment
			case "who": // one visitor's times in the access log: whoever wrote the things
				return th.visitor
			case "conversation":
				return th.conversation
			case "action":
				return th.action
			case "contact": // a contact, open, where the seeder records contacts
				if th.contact == "" {
					return "nothing-here"
				}
				return th.contact
			}
		} else {
			switch name {
			case "lang":
				return "cy"
			case "id", "term", "entry": // a token, a use of emergency access, a coach term, a directory entry: none needed by the walks
				return "nothing-here"
			case "model", "scenario": // planning models hold no person's data; planning_test.go walks them
				return "nothing-here"
			case "org": // administration: real things, which only an admin of Riverside may see
				return wk.w.Sam.OrganisationID
			case "team":
				return wk.w.NorthTeam.ID
			case "acc":
				return wk.w.Sam.ID
			case "link": // a link between organisations: none in the test world
				return "nothing-here"
			case "upload": // a checked import file: import_test.go confirms real ones
				return "nothing-here"
			case "code": // a fresh invitation each time, so the public page is served
				return wk.invitationCode()
			}
		}
		wk.t.Fatalf("%s: the walk does not know what to put in {%s}: teach fill", r.pattern, name)
		return ""
	})
}

func (wk *walker) scalar(q string, args ...any) int {
	wk.t.Helper()
	var n int
	if err := wk.w.DB.Read().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		wk.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (wk *walker) personVersion(id string) string {
	return strconv.Itoa(wk.scalar(`SELECT version FROM people WHERE id = $1`, id))
}

func (wk *walker) aboutMeVersion(id string) string {
	return strconv.Itoa(wk.scalar(`SELECT COALESCE(MAX(version), 0) FROM about_me_versions WHERE person_id = $1`, id))
}

func (wk *walker) outcomeVersion(id string) string {
	return strconv.Itoa(wk.scalar(`SELECT version FROM outcomes WHERE id = $1`, id))
}

// currentAllocation is what the allocation form shows as the person's
// current allocation: its id, or contacts.NoAllocation.
func (wk *walker) currentAllocation(personID string) string {
	wk.t.Helper()
	var id string
	err := wk.w.DB.Read().QueryRowContext(context.Background(), `SELECT COALESCE(MAX(id), $2) FROM allocations
		WHERE person_id = $1 AND ended_at IS NULL`, personID, contacts.NoAllocation).Scan(&id)
	if err != nil {
		wk.t.Fatal(err)
	}
	return id
}

func (wk *walker) person(id string) *people.Person {
	for _, p := range []*people.Person{wk.w.Helen, wk.w.Gwen, wk.w.Hugh} {
		if p.ID == id {
			return p
		}
	}
	wk.t.Fatalf("no person %s in the test world", id)
	return nil
}

// withDate adds the three boxes of a GOV.UK date input for the day offset
// days from today.
func withDate(v url.Values, name string, offset int) url.Values {
	d := time.Now().In(valid.London).AddDate(0, 0, offset)
	v.Set(name+"-day", strconv.Itoa(d.Day()))
	v.Set(name+"-month", strconv.Itoa(int(d.Month())))
	v.Set(name+"-year", strconv.Itoa(d.Year()))
	return v
}

func day(offset int) string {
	return time.Now().In(valid.London).AddDate(0, 0, offset).Format("2006-01-02")
}

// pageForm is what someone would send to a page route that takes a form:
// valid, so a refusal can only come from the door, and new each time, so
// a save that gets through changes the record. A form route the walk has
// no form for fails the test.
func (wk *walker) pageForm(r route, personID string, th things) url.Values {
	wk.t.Helper()
	if r.method() == http.MethodGet {
		return nil
	}
	wk.n++
	n := strconv.Itoa(wk.n)
	switch r.pattern {
	case "POST /sign-in":
		return url.Values{"email": {wk.w.Sam.Email}, "password": {testworld.Password}, "next": {"/"}}
	case "POST /sign-out":
		return url.Values{}
	case "POST /invite/{code}":
		return url.Values{"password": {testworld.Password}, "confirm": {testworld.Password}}
	case "POST /sign-in/code", "POST /sign-in/two-factor", "POST /account/two-factor/set-up",
		"POST /account/two-factor/recovery-codes", "POST /account/two-factor/off":
		return url.Values{"code": {"000000"}} // a wrong code: it changes nothing
	case "POST /people/{id}/edit":
		p := wk.person(personID)
		dob := strings.Split(p.DateOfBirth.String(), "-")
		return url.Values{"given_name": {p.GivenName}, "family_name": {p.FamilyName}, "preferred_name": {"Nell " + n},
			"nhs_number": {p.NHSNumber}, "date_of_birth-day": {dob[2]}, "date_of_birth-month": {dob[1]}, "date_of_birth-year": {dob[0]},
			"version": {wk.personVersion(personID)}}
	case "POST /people/{id}/about-me":
		return url.Values{"what_matters": {"My garden, and the heron " + n}, "version": {wk.aboutMeVersion(personID)}}
	case "POST /people/{id}/profile":
		return url.Values{"pronouns": {"she/her"}, "first_language": {"Welsh"}, "communication_helps": {"Quiet mornings " + n},
			"version": {wk.personVersion(personID)}}
	case "POST /people/{id}/addresses/new":
		return url.Values{"kind": {"home"}, "lines": {n + " River View"}, "postcode": {"CF10 1AA"}}
	case "POST /people/{id}/relationships/new":
		return url.Values{"name": {"Tom " + n}, "relationship": {"son"}}
	case "POST /people/{id}/outcomes/new":
		return url.Values{"statement": {"I want to sing in the choir " + n}, "kind": {"change"}, "expressed_by": {"person"}}
	case "POST /people/{id}/outcomes/{outcome}/edit":
		return url.Values{"statement": {"I want to walk to the river " + n}, "kind": {"change"}, "expressed_by": {"person"},
			"status": {"working_on_it"}, "version": {wk.outcomeVersion(th.outcome)}}
	case "POST /people/{id}/outcomes/{outcome}/progress":
		return withDate(url.Values{"movement": {"closer"}, "note": {"Walked to the gate " + n}}, "on_date", -1)
	case "POST /people/{id}/strengths/new":
		return withDate(url.Values{"strength": {"Knows every bird by its song " + n}, "meaning": {"It gets her out in the garden"},
			"named_by": {"Helen"}}, "last_confirmed_on", -1)
	case "POST /people/{id}/risks/new":
		return withDate(url.Values{"wants_to": {"Walk to the river alone " + n}, "risk": {"A fall on the path"}, "likelihood": {"medium"},
			"impact": {"medium"}, "mitigation": {"A phone and a stick"}, "persons_view": {"I know the path"},
			"agreed_by": {"Helen and her son"}}, "review_on", 90)
	case "POST /people/{id}/story/new":
		return withDate(url.Values{"kind": {"note"}, "time": {"10:30"}, "body": {"We talked about the heron " + n}}, "date", -1)
	case "POST /people/{id}/story/{entry}/correct":
		return withDate(url.Values{"kind": {"note"}, "time": {"10:30"}, "body": {"We talked about the herons " + n},
			"correction_reason": {"More than one heron"}}, "date", -1)
	case "POST /people/{id}/story/{entry}/remove":
		return url.Values{"removed_reason": {"Written in the wrong record " + n}}
	case "POST /people/{id}/conversations/new":
		return withDate(url.Values{"took_part": {"Helen, at home"}, "what_matters": {"Seeing the heron again " + n},
			"add_outcome": {"yes"}, "outcome_kind": {"change"}, "expressed_by": {"person"}, "connection_kind": {"neighbour"},
			"connection_detail": {"Mrs Jones will call in " + n}, "ended": {"resolved"}}, "held_on", 0)
	case "POST /people/{id}/conversations/{conversation}/actions":
		return withDate(url.Values{"what": {"Fix the boiler " + n}, "owner_name": {"Sam"}}, "due_on", 3)
	case "POST /people/{id}/conversations/{conversation}/actions/{action}":
		return url.Values{"status": {"done"}, "version": {strconv.Itoa(wk.scalar(`SELECT version FROM crisis_actions WHERE id = $1`, th.action))}}
	case "POST /people/{id}/conversations/{conversation}/help":
		return withDate(url.Values{"help": {"A fan heater " + n}, "amount": {"12.50"}}, "help_on", 0)
	case "POST /people/{id}/conversations/{conversation}/check-ins":
		return withDate(url.Values{"checkin_note": {"Warmer today " + n}}, "checkin_on", 0)
	case "POST /people/{id}/conversations/{conversation}/close":
		return withDate(url.Values{"ended": {"resolved"}, "end_note": {"Warm again " + n},
			"version": {strconv.Itoa(wk.scalar(`SELECT version FROM conversations WHERE id = $1`, th.conversation))}}, "ended_on", 0)
	case "POST /people/{id}/allocation":
		// Alternating priorities: each save differs from the allocation
		// before it, so it visibly changes the record.
		priority := map[bool]string{true: "urgent", false: "routine"}[wk.n%2 == 0]
		return url.Values{"team": {wk.w.NorthTeam.ID}, "priority": {priority}, "allocation_reason": {"Lives in the north " + n},
			"seen": {wk.currentAllocation(personID)}}
	case "POST /people/{id}/contacts/{contact}/close":
		return url.Values{"outcome": {"signposted"}, "note": {"Told about the lunch club " + n}, "version": {"1"}}
	}
	if r.namesPerson() || r.access == "public" {
		wk.t.Fatalf("the walk has no form for %s: add one to pageForm", r.pattern)
	}
	return url.Values{} // the walks reach other routes only signed out, or with a GET
}

// apiBody is the JSON body (and headers) an API client would send.
func (wk *walker) apiBody(r route, personID string) (string, []string) {
	wk.t.Helper()
	if r.method() == http.MethodGet {
		return "", nil
	}
	wk.n++
	n := strconv.Itoa(wk.n)
	switch r.pattern {
	case "PATCH /api/v1/people/{id}":
		return `{"preferred_name":"Nell ` + n + `"}`, []string{"If-Match", `"` + wk.personVersion(personID) + `"`}
	case "PUT /api/v1/people/{id}/about-me":
		return `{"what_matters":"My garden, and the heron ` + n + `"}`, []string{"If-Match", `"` + wk.aboutMeVersion(personID) + `"`}
	case "POST /api/v1/people/{id}/outcomes":
		return `{"statement":"I want to sing in the choir ` + n + `","kind":"change","expressed_by":"person"}`, nil
	case "POST /api/v1/people/{id}/outcomes/{outcome}/progress":
		return `{"on_date":"` + day(-1) + `","movement":"closer","note":"Walked to the gate ` + n + `"}`, nil
	case "POST /api/v1/people/{id}/strengths":
		return `{"strength":"Knows every bird by its song ` + n + `","meaning":"It gets her out in the garden","named_by":"Helen","last_confirmed_on":"` + day(-1) + `"}`, nil
	case "POST /api/v1/people/{id}/risks":
		return `{"wants_to":"Walk to the river alone ` + n + `","risk":"A fall","likelihood":"low","impact":"medium","persons_view":"I know the path","agreed_by":"Helen","review_on":"` + day(90) + `"}`, nil
	case "POST /api/v1/people/{id}/story":
		return `{"kind":"note","occurred_at":"` + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) + `","body":"We talked about the heron ` + n + `"}`, nil
	}
	if r.namesPerson() {
		wk.t.Fatalf("the walk has no body for %s: add one to apiBody", r.pattern)
	}
	return "{}", nil
}

// callAPI sends one request to the API with a bearer token (none if empty).
func (wk *walker) callAPI(token, method, path, body string, header []string) (*http.Response, string) {
	wk.t.Helper()
	req, err := http.NewRequest(method, wk.srv.URL+path, strings.NewReader(body))
	if err != nil {
		wk.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		wk.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

// visit sends the route's request, filled for personID, as the browser
// (pages) or the token (API).
func (wk *walker) visit(b *browser, token string, r route, personID string, th things) (*http.Response, string) {
	wk.t.Helper()
	path := wk.fill(r, personID, th)
	if r.api {
		body, header := wk.apiBody(r, personID)
		return wk.callAPI(token, r.method(), path, body, header)
	}
	return b.send(r.method(), path, wk.pageForm(r, personID, th))
}

func (wk *walker) token(a *account.Account) string {
	wk.t.Helper()
	_, secret, err := account.CreateToken(context.Background(), wk.w.DB, audit.System, a.ID, "route walk")
	if err != nil {
		wk.t.Fatal(err)
	}
	return secret
}

// recordTables hold the people's records. The snapshot covers every row
// of every one of them, not only the walked person's: a write to anyone's
// record is a change.
var recordTables = []string{"people", "person_links", "about_me_versions", "outcomes", "outcome_progress",
	"outcome_strengths", "outcome_risks", "strengths", "risk_agreements", "story_entries", "story_entry_outcomes",
	"attachments", "person_addresses", "person_relationships", "conversations", "conversation_connections",
	"conversation_record_links", "crisis_actions", "crisis_help", "crisis_checkins", "contacts", "allocations"}

// snapshot is a digest of each record table's rows.
func (wk *walker) snapshot() map[string]string {
	wk.t.Helper()
	out := map[string]string{}
	for _, table := range recordTables {
		rows, err := wk.w.DB.Read().QueryContext(context.Background(), `SELECT * FROM `+table)
		if err != nil {
			wk.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				wk.t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		if err := rows.Close(); err != nil {
			wk.t.Fatal(err)
		}
		sort.Strings(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[table] = strconv.Itoa(len(lines)) + " rows " + hex.EncodeToString(sum[:8])
	}
	return out
}

// changed names the tables that differ between two snapshots.
func changed(before, after map[string]string) []string {
	var out []string
	for _, table := range recordTables {
		if before[table] != after[table] {
			out = append(out, table)
		}
	}
	return out
}

type auditRow struct {
	action, outcome, personID, accountID, target string
}

func (wk *walker) lastSeq() int { return wk.scalar(`SELECT COALESCE(MAX(seq), 0) FROM audit_events`) }

// auditSince lists the audit rows written after seq.
func (wk *walker) auditSince(seq int) []auditRow {
	wk.t.Helper()
	rows, err := wk.w.DB.Read().QueryContext(context.Background(), `SELECT action, outcome, COALESCE(person_id, ''),
		COALESCE(account_id, ''), target FROM audit_events WHERE seq > $1 ORDER BY seq`, seq)
	if err != nil {
		wk.t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var a auditRow
		if err := rows.Scan(&a.action, &a.outcome, &a.personID, &a.accountID, &a.target); err != nil {
			wk.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// Someone who may not see Helen (Alys, at another council) asks every
// route that names a person about Helen, with real ids of Helen's things
// and a plausible body: every one answers "not found" exactly as for
// nobody, writes one audit row (a refused read of Helen's record by Alys)
// and changes nothing. She then asks every other route she may use for
// Helen by name and NHS number, and finds nothing.
func TestRouteWalkOutsider(t *testing.T) {
	wk := newWalker(t)
	w := wk.w
	routes := wk.routes()
	checkDoors(t, routes)
	th := wk.seed(w.Sam, w.Helen.ID)
	alys := newBrowser(t, wk.srv)
	alys.signIn(w.Alys)
	token := wk.token(w.Alys)

	visited := map[string]bool{}
	var pages, endpoints int
	for _, r := range routes {
		if !r.namesPerson() {
			continue
		}
		seq, before := wk.lastSeq(), wk.snapshot()
		resp, body := wk.visit(alys, token, r, w.Helen.ID, th)
		visited[r.pattern] = true
		if r.api {
			endpoints++
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "There is no person with this id that you can see.") {
				t.Errorf("%s as Alys: %d %s, want the 404 problem", r.pattern, resp.StatusCode, body)
			}
		} else {
			pages++
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") {
				t.Errorf("%s as Alys: %d, want the Page not found page", r.pattern, resp.StatusCode)
			}
		}
		if strings.Contains(body, "Marsh") || strings.Contains(body, "heron") {
			t.Errorf("%s as Alys: the answer shows something of Helen's record", r.pattern)
		}
		rows := wk.auditSince(seq)
		want := auditRow{action: "person.read", outcome: audit.Denied, personID: w.Helen.ID, accountID: w.Alys.ID,
			target: wk.fill(r, w.Helen.ID, th)}
		if len(rows) != 1 || rows[0] != want {
			t.Errorf("%s as Alys: audit rows %+v, want exactly one: %+v", r.pattern, rows, want)
		}
		if diff := changed(before, wk.snapshot()); diff != nil {
			t.Errorf("%s as Alys changed %v", r.pattern, diff)
		}
	}
	// Every route whose path names a person was visited (checkDoors has
	// made sure each of them passes the gate), and the walk was not empty.
	for _, r := range routes {
		if strings.Contains(r.path(), "/people/{id}") && !visited[r.pattern] {
			t.Errorf("the walk missed %s", r.pattern)
		}
	}
	if pages < minPersonPages || endpoints < minPersonAPI {
		t.Errorf("the walk visited %d pages and %d endpoints that name a person, want at least %d and %d",
			pages, endpoints, minPersonPages, minPersonAPI)
	}
	t.Logf("outsider walk: %d pages and %d endpoints that name a person", pages, endpoints)

	// Every other route she may read, asked for Helen.
	for _, r := range routes {
		if r.namesPerson() || r.method() != http.MethodGet {
			continue
		}
		for _, q := range []string{"Marsh", "9434765919", w.Helen.ID} {
			path := wk.fill(r, "", things{}) + "?q=" + url.QueryEscape(q)
			var resp *http.Response
			var body string
			if r.api {
				resp, body = wk.callAPI(token, "GET", path, "", nil)
			} else {
				resp, body = alys.get(path)
			}
			if resp.StatusCode >= 500 {
				t.Errorf("GET %s as Alys: %d", path, resp.StatusCode)
			}
			// The query comes back in the search box; anything else of
			// Helen's is a leak.
			for _, leak := range []string{"Helen Marsh", w.Helen.ID, "9434765919", "943 476 5919"} {
				if leak != q && strings.Contains(body, leak) {
					t.Errorf("GET %s as Alys shows %q", path, leak)
				}
			}
		}
	}
}

// grantCase is an account walking every person route on someone it sees
// with a known grant.
type grantCase struct {
	name     string
	as       *account.Account
	personID string
	seeder   *account.Account // who adds the things the walk needs to the record
	grant    access.Grant
	lang     string
}

// TestRouteWalkGrants walks every route that names a person as each kind
// of account that may see them: practitioner, manager, NHS clinician,
// care home worker, the person themselves, and a practitioner of another
// council through emergency access alone. Whatever the grant allows is
// served (pages 200 or a redirect back to the record, endpoints 200 or
// 201, and a save changes the record); whatever it does not is refused
// with 403 before anything is read from the request, and nothing in
// anyone's record changes.
func TestRouteWalkGrants(t *testing.T) {
	wk := newWalker(t)
	w := wk.w
	ctx := context.Background()
	checkDoors(t, wk.routes())
	manager := extraAccount(t, w, "mo@riverside.test", account.RoleManager, w.Sam.OrganisationID, w.NorthTeam.ID, "")
	trust := &account.Organisation{Name: "Riverside NHS Trust", Kind: account.OrgNHSTrust}
	if err := account.CreateOrganisation(ctx, w.DB, audit.System, trust); err != nil {
		t.Fatal(err)
	}
	clinician := extraAccount(t, w, "nia@nhs.test", account.RoleNHSClinician, trust.ID, "", "")
	if err := access.AddLink(ctx, w.DB, audit.System, &access.Link{PersonID: w.Helen.ID, Kind: access.LinkAllocatedWorker, AccountID: clinician.ID}); err != nil {
		t.Fatal(err)
	}
	helen := extraAccount(t, w, "helen@home.test", account.RolePerson, w.Sam.OrganisationID, "", w.Helen.ID)
	if _, err := access.StartBreakGlass(ctx, w.DB, testworld.Subject(w.Alys), w.Helen.ID, "Called to A&E, she cannot tell us her medication"); err != nil {
		t.Fatal(err)
	}
	cases := []grantCase{
		{"practitioner", w.Sam, w.Helen.ID, w.Sam, access.RoleGrant(account.RolePractitioner), "en"},
		{"manager", manager, w.Helen.ID, w.Sam, access.RoleGrant(account.RoleManager), "en"},
		{"NHS clinician", clinician, w.Helen.ID, w.Sam, access.RoleGrant(account.RoleNHSClinician), "en"},
		{"care home staff", w.Jo, w.Hugh.ID, w.Jo, access.RoleGrant(account.RoleCareHomeStaff), "en"},
		{"the person", helen, w.Helen.ID, w.Sam, access.RoleGrant(account.RolePerson), "en"},
		{"emergency access", w.Alys, w.Helen.ID, w.Sam, access.EmergencyGrant, "cy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parent := wk.t
			wk.t = t
			defer func() { wk.t = parent }()
			if got := w.Open(t, c.as, c.personID).Grant(); got != c.grant {
				t.Fatalf("the gate gives %s %q, want %q", c.as.Email, got, c.grant)
			}
			wk.walkGrant(c)
		})
	}
}

func extraAccount(t *testing.T, w *testworld.World, email string, role account.Role, orgID, teamID, personID string) *account.Account {
	t.Helper()
	a := &account.Account{OrganisationID: orgID, TeamID: teamID, Email: email, DisplayName: email, Role: role, PersonID: personID}
	if err := account.CreateAccount(context.Background(), w.DB, audit.System, a, testworld.Password); err != nil {
		t.Fatal(err)
	}
	return a
}

// notAllowed is the 403 page's heading in each language.
var notAllowed = map[string]string{"en": "You cannot do this", "cy": "Ni allwch wneud hyn"}

func (wk *walker) walkGrant(c grantCase) {
	t := wk.t
	b := newBrowser(t, wk.srv)
	b.signIn(c.as)
	if c.lang != "en" {
		b.get("/language/" + c.lang + "?next=/")
	}
	token := wk.token(c.as)
	shared := wk.seed(c.seeder, c.personID)
	family := wk.person(c.personID).FamilyName
	var served, refused int
	for _, r := range wk.routes() {
		if !r.namesPerson() {
			continue
		}
		allowed := c.grant.Allows(r.need)
		th := shared
		if allowed && r.need.Change {
			// A change may use up what it changes (a corrected entry
			// cannot be corrected again): each gets things of its own.
			th = wk.seed(c.seeder, c.personID)
		}
		seq, before := wk.lastSeq(), wk.snapshot()
		resp, body := wk.visit(b, token, r, c.personID, th)
		diff := changed(before, wk.snapshot())
		status := resp.StatusCode
		if status >= 500 {
			t.Errorf("%s: %d", r.pattern, status)
			continue
		}
		if !allowed {
			refused++
			if status != http.StatusForbidden {
				t.Errorf("%s needs to %s: %d, want 403", r.pattern, need(r.need), status)
			} else if r.api && (resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":403`)) {
				t.Errorf("%s: the 403 is not a problem document: %s", r.pattern, body)
			} else if !r.api && (!strings.Contains(body, notAllowed[c.lang]) || !strings.Contains(body, `lang="`+c.lang+`"`)) {
				t.Errorf("%s: the 403 page does not say %q", r.pattern, notAllowed[c.lang])
			}
			if diff != nil {
				t.Errorf("%s, refused, changed %v", r.pattern, diff)
			}
			for _, a := range wk.auditSince(seq) {
				if a.action != "person.read" {
					t.Errorf("%s, refused, audited %+v", r.pattern, a)
				}
			}
			continue
		}
		served++
		switch {
		case r.api && r.method() == http.MethodPost:
			if status != http.StatusCreated {
				t.Errorf("%s: %d, want 201\n%s", r.pattern, status, body)
			}
		case r.api || r.method() == http.MethodGet:
			if status != http.StatusOK {
				t.Errorf("%s: %d, want 200\n%s", r.pattern, status, short(body))
			}
		default:
			loc := resp.Header.Get("Location")
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/people/"+c.personID) {
				t.Errorf("%s: %d to %q, want a redirect back to the record\n%s", r.pattern, status, loc, short(body))
			}
		}
		if !r.api && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && status == http.StatusOK && !strings.Contains(body, family) {
			t.Errorf("%s: the page does not name the person", r.pattern)
		}
		if r.method() == http.MethodGet && diff != nil {
			t.Errorf("%s, a GET, changed %v", r.pattern, diff)
		}
		if r.method() != http.MethodGet && diff == nil {
			t.Errorf("%s answered %d but changed nothing", r.pattern, status)
		}
	}
	t.Logf("%s (%s): %d routes served, %d refused", c.as.Email, c.grant, served, refused)
	if served+refused < minPersonPages+minPersonAPI {
		t.Errorf("walked %d routes, want at least %d", served+refused, minPersonPages+minPersonAPI)
	}
	if c.grant.ReadOnly() && refused == 0 {
		t.Errorf("a read-only grant was refused nothing")
	}
}

func need(n access.Need) string {
	if n.Change {
		return "change " + n.Part.String()
	}
	return "read " + n.Part.String()
}

func short(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// Grants by role, in the words a person reads: a care home worker adds to
// the story of someone living in the home but may not change their name,
// date of birth or NHS number; a person reads their own record and writes
// About me, and nothing else, and nobody else's record is there for them.
func TestGrantsByRoleThroughHTTP(t *testing.T) {
	wk := newWalker(t)
	w := wk.w
	hugh := "/people/" + w.Hugh.ID

	jo := newBrowser(t, wk.srv)
	jo.signIn(w.Jo)
	if resp, _ := jo.post(hugh+"/story/new", withDate(url.Values{"kind": {"visit"}, "time": {"15:00"},
		"body": {"Hugh showed me his allotment photographs"}}, "date", -1)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Jo adding to Hugh's story: %d", resp.StatusCode)
	}
	if _, story := jo.get(hugh + "/story"); !strings.Contains(story, "Hugh showed me his allotment photographs") {
		t.Errorf("Jo's entry is not in Hugh's story")
	}
	before := wk.snapshot()
	for _, method := range []string{"GET", "POST"} {
		resp, body := jo.send(method, hugh+"/edit", editForm(w.Hugh, wk.personVersion(w.Hugh.ID)))
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "You cannot do this") ||
			!strings.Contains(body, "Your role does not allow this") {
			t.Errorf("%s %s/edit as Jo: %d, want the not-allowed page", method, hugh, resp.StatusCode)
		}
	}
	resp, body := wk.callAPI(wk.token(w.Jo), "PATCH", "/api/v1/people/"+w.Hugh.ID, `{"family_name":"Jones"}`, []string{"If-Match", `"1"`})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "may read this record but not change this part") {
		t.Errorf("PATCH Hugh as Jo: %d %s", resp.StatusCode, body)
	}
	if diff := changed(before, wk.snapshot()); diff != nil {
		t.Errorf("Jo's refused changes to Hugh's details changed %v", diff)
	}

	self := extraAccount(t, w, "helen@home.test", account.RolePerson, w.Sam.OrganisationID, "", w.Helen.ID)
	helen := newBrowser(t, wk.srv)
	helen.signIn(self)
	base := "/people/" + w.Helen.ID
	if resp, page := helen.get(base); resp.StatusCode != 200 || !strings.Contains(page, "Helen Marsh") || !strings.Contains(page, "943 476 5919") {
		t.Errorf("Helen reading her own record: %d", resp.StatusCode)
	}
	if resp, _ := helen.post(base+"/about-me", url.Values{"what_matters": {"My garden, and seeing the heron"}, "version": {"0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Helen saving About me: %d", resp.StatusCode)
	}
	if _, page := helen.get(base); !strings.Contains(page, "My garden, and seeing the heron") {
		t.Errorf("Helen's own words are not on her record")
	}
	before = wk.snapshot()
	for _, c := range []struct {
		method, path string
		form         url.Values
	}{
		{"POST", base + "/story/new", withDate(url.Values{"kind": {"note"}, "time": {"09:00"}, "body": {"I went to the river"}}, "date", -1)},
		{"POST", base + "/outcomes/new", url.Values{"statement": {"I want to go home"}, "kind": {"change"}, "expressed_by": {"person"}}},
		{"POST", base + "/strengths/new", withDate(url.Values{"strength": {"Stubborn"}, "meaning": {"I keep going"}, "named_by": {"Helen"}}, "last_confirmed_on", -1)},
		{"GET", base + "/edit", nil},
	} {
		if resp, body := helen.send(c.method, c.path, c.form); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "You cannot do this") {
			t.Errorf("%s %s as Helen: %d, want the not-allowed page", c.method, c.path, resp.StatusCode)
		}
	}
	if diff := changed(before, wk.snapshot()); diff != nil {
		t.Errorf("Helen's refused changes changed %v", diff)
	}
	if resp, body := helen.get("/people/" + w.Gwen.ID); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Tudor") {
		t.Errorf("Gwen's record as Helen: %d, want Page not found", resp.StatusCode)
	}
}

// Signed out, every page but the public ones sends the browser to sign
// in and back, and every endpoint but the OpenAPI document is a 401
// problem. Nothing anywhere is a server error.
func TestRouteWalkAnonymous(t *testing.T) {
	wk := newWalker(t)
	th := wk.seed(wk.w.Sam, wk.w.Helen.ID)
	var counts = map[string]int{}
	for _, r := range wk.routes() {
		kind := "page"
		if r.api {
			kind = "endpoint"
		}
		counts[kind+" "+r.access]++
		path := wk.fill(r, wk.w.Helen.ID, th)
		resp, body := wk.visit(newBrowser(t, wk.srv), "", r, wk.w.Helen.ID, th)
		status, loc := resp.StatusCode, resp.Header.Get("Location")
		switch {
		case status >= 500:
			t.Errorf("%s signed out: %d", r.pattern, status)
		case r.api && r.access == "public":
			if status != http.StatusOK {
				t.Errorf("%s signed out: %d, want 200", r.pattern, status)
			}
		case r.api:
			if status != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(body, "Send a personal access token") {
				t.Errorf("%s without a token: %d %s, want the 401 problem", r.pattern, status, body)
			}
		case r.access == "public":
			if status >= 400 {
				t.Errorf("%s signed out: %d, want it served", r.pattern, status)
			}
		default:
			if status != http.StatusSeeOther || loc != "/sign-in?next="+url.QueryEscape(path) {
				t.Errorf("%s signed out: %d to %q, want to sign in and come back", r.pattern, status, loc)
			}
		}
	}
	t.Logf("signed-out walk: %v", counts)
	if counts["page person"] < minPersonPages || counts["endpoint person"] < minPersonAPI || counts["page public"] == 0 {
		t.Errorf("the walk was short: %v", counts)
	}
}

// Linking two people both ways writes to both records, so it needs the
// right to change the other person's relationships too: someone who sees
// them only through emergency access (read-only) cannot write to their
// record by way of someone else's.
func TestRelationshipToSomeoneSeenInEmergencyWritesNothing(t *testing.T) {
	wk := newWalker(t)
	w := wk.w
	if _, err := access.StartBreakGlass(context.Background(), w.DB, testworld.Subject(w.Alys), w.Helen.ID,
		"Called to A&E, she cannot tell us her medication"); err != nil {
		t.Fatal(err)
	}
	alys := newBrowser(t, wk.srv)
	alys.signIn(w.Alys)
	before := wk.scalar(`SELECT COUNT(*) FROM person_relationships WHERE person_id = $1`, w.Helen.ID)
	resp, body := alys.post("/people/"+w.Gwen.ID+"/relationships/new", url.Values{"related_person_id": {w.Helen.ID},
		"relationship": {"sister"}, "inverse": {"sister"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#related_person_id"`) {
		t.Errorf("linking Gwen to Helen, seen only in an emergency: %d", resp.StatusCode)
	}
	if after := wk.scalar(`SELECT COUNT(*) FROM person_relationships WHERE person_id = $1`, w.Helen.ID); after != before {
		t.Errorf("Helen's record gained %d relationships through Gwen's", after-before)
	}
}
