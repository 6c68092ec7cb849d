package contacts_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/contacts"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

type fixture struct {
	*testworld.World
	ctx       context.Context
	South     *account.Team
	Kit       *account.Account // a practitioner in Riverside's South team
	Mo        *account.Account // a manager of Riverside's North team
	Riverside string
}

func setUp(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	w := testworld.New(t, db)
	f := &fixture{World: w, ctx: context.Background(), Riverside: w.Sam.OrganisationID}
	f.South = &account.Team{OrganisationID: f.Riverside, Name: "South Community Team"}
	must(t, account.CreateTeam(f.ctx, db, audit.System, f.South))
	f.Kit = &account.Account{OrganisationID: f.Riverside, TeamID: f.South.ID, Email: "kit@riverside.test",
		DisplayName: "Kit Ward", Role: account.RolePractitioner}
	must(t, account.CreateAccount(f.ctx, db, audit.System, f.Kit, testworld.Password))
	f.Mo = &account.Account{OrganisationID: f.Riverside, TeamID: w.NorthTeam.ID, Email: "mo@riverside.test",
		DisplayName: "Mo Begum", Role: account.RoleManager}
	must(t, account.CreateAccount(f.ctx, db, audit.System, f.Mo, testworld.Password))
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newContact is a complete contact for a person not yet known, allocated
// to team.
func newContact(given, family, dob, nhs, team string, on valid.Date) *contacts.New {
	p := people.Person{GivenName: given, FamilyName: family, NHSNumber: nhs}
	if dob != "" {
		p.DateOfBirth = valid.MustDate(dob)
	}
	return &contacts.New{
		Person: p,
		Contact: contacts.Contact{On: on, Method: contacts.MethodPhone, Asker: contacts.AskerHospitalWard,
			AskerName: "Ward 7, Riverside General", Reason: "Going home after a stroke; wants to manage", Route: "hospital_discharge"},
		Allocation: contacts.Allocation{TeamID: team, Priority: contacts.PriorityHigh, Reason: "Discharge on Friday"},
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	must(t, db.Read().QueryRowContext(context.Background(), q, args...).Scan(&n))
	return n
}

func TestNewPersonIsCreatedAllocatedAndSeen(t *testing.T) {
	f := setUp(t)
	sam := testworld.Subject(f.Sam)
	kit := testworld.Subject(f.Kit)
	today := valid.Today()
	n := newContact("Yusuf", "Ahmed", "1944-03-09", "", f.NorthTeam.ID, today.AddDays(-3))
	id, err := contacts.Record(f.ctx, f.DB, sam, n)
	must(t, err)
	// Allocation wrote the team link: Sam's team sees him, the South team
	// does not.
	if ok, _ := access.CanSee(f.ctx, f.DB.Read(), sam, id); !ok {
		t.Fatal("Sam cannot see the person he just allocated to his own team")
	}
	if ok, _ := access.CanSee(f.ctx, f.DB.Read(), kit, id); ok {
		t.Fatal("Kit of the South team sees someone allocated to North")
	}
	// One person, one contact, one allocation, one current team link, each
	// written with its audit row.
	if got := count(t, f.DB, `SELECT COUNT(*) FROM people WHERE family_name = 'Ahmed'`); got != 1 {
		t.Errorf("%d people named Ahmed, want 1", got)
	}
	for action, want := range map[string]int{"person.create": 1, "contact.create": 1, "allocation.start": 1, "person.link.add": 1} {
		if got := count(t, f.DB, `SELECT COUNT(*) FROM audit_events WHERE person_id = $1 AND action = $2`, id, action); got != want {
			t.Errorf("%d %s audit rows, want %d", got, action, want)
		}
	}
	op := f.Open(t, f.Sam, id)
	cs, err := contacts.Contacts(f.ctx, f.DB.Read(), op)
	must(t, err)
	if len(cs) != 1 || !cs[0].Open() || cs[0].RouteCLD() != "Discharge from Hospital" || cs[0].AskerName != "Ward 7, Riverside General" {
		t.Fatalf("contacts = %+v", cs)
	}
}

func TestMatchingBeforeASecondRecord(t *testing.T) {
	f := setUp(t)
	sam := testworld.Subject(f.Sam)
	alys := testworld.Subject(f.Alys)
	today := valid.Today()
	// Helen Marsh, 1938-05-04, NHS 943 476 5919, is Riverside's (Sam's).
	cases := []struct {
		name                    string
		given, family, dob, nhs string
		wantHelen, wantByNHS    bool
	}{
		{"same NHS number, other name", "Nell", "Smith", "", "943 476 5919", true, true},
		{"same date of birth and family name", "Ellen", "marsh", "1938-05-04", "", true, false},
		{"same date of birth, given name a prefix", "Hel", "Marshall", "1938-05-04", "", true, false},
		{"same date of birth, given name longer", "Helena", "Jones", "1938-05-04", "", true, false},
		{"same date of birth, nothing else alike", "Ruth", "Jones", "1938-05-04", "", false, false},
		{"same name, other date of birth", "Helen", "Marsh", "1938-05-05", "", false, false},
	}
	for _, c := range cases {
		p := contacts.MatchFromTyped(people.Person{GivenName: c.given, FamilyName: c.family, NHSNumber: c.nhs})
		if c.dob != "" {
			p.DateOfBirth = valid.MustDate(c.dob)
		}
		found, err := contacts.Matches(f.ctx, f.DB, sam, p)
		must(t, err)
		got := len(found) == 1 && found[0].Person.ID == f.Helen.ID
		if got != c.wantHelen || (got && found[0].ByNHSNumber != c.wantByNHS) || (!c.wantHelen && len(found) != 0) {
			t.Errorf("%s: matches %+v, want Helen %v (by NHS number %v)", c.name, found, c.wantHelen, c.wantByNHS)
		}
		// Hillside's Alys never learns Riverside holds Helen.
		other, err := contacts.Matches(f.ctx, f.DB, alys, p)
		must(t, err)
		if len(other) != 0 {
			t.Errorf("%s: another council's worker is shown %+v", c.name, other)
		}
	}
	// Each match shown is in Helen's access log.
	if got := count(t, f.DB, `SELECT COUNT(*) FROM audit_events WHERE action = 'contact.match' AND person_id = $1`, f.Helen.ID); got != 4 {
		t.Errorf("%d match audit rows for Helen, want 4", got)
	}

	// Recording a contact for a new person who matches Helen is refused
	// until the worker says it is someone else; nothing is written.
	before := count(t, f.DB, `SELECT COUNT(*) FROM people`)
	n := newContact("Helen", "Marsh", "1938-05-04", "", f.NorthTeam.ID, today)
	if _, err := contacts.Record(f.ctx, f.DB, sam, n); !errors.Is(err, contacts.ErrMatchesFound) {
		t.Fatalf("recording over a match: %v, want ErrMatchesFound", err)
	}
	if got := count(t, f.DB, `SELECT COUNT(*) FROM people`); got != before {
		t.Fatalf("people %d, want %d: a record was made before the matches were seen", got, before)
	}
	// "This is the same person": the contact goes on Helen's record.
	n = newContact("Helen", "Marsh", "1938-05-04", "", f.NorthTeam.ID, today)
	n.SamePerson = f.Helen.ID
	id, err := contacts.Record(f.ctx, f.DB, sam, n)
	must(t, err)
	if id != f.Helen.ID || count(t, f.DB, `SELECT COUNT(*) FROM people`) != before {
		t.Fatalf("the same person made a new record: id %s", id)
	}
	// Naming a record that does not match what was typed is refused.
	n = newContact("Ruth", "Jones", "1950-01-01", "", f.NorthTeam.ID, today)
	n.SamePerson = f.Helen.ID
	if _, err := contacts.Record(f.ctx, f.DB, sam, n); !testworld.HasProblem(err, "same_person", "contact.same_person.not_a_match") {
		t.Fatalf("a chosen record that does not match: %v", err)
	}
	// "A new person": a second Helen Marsh is made, on purpose.
	n = newContact("Helen", "Marsh", "1938-05-04", "", f.NorthTeam.ID, today)
	n.NewPerson = true
	id, err = contacts.Record(f.ctx, f.DB, sam, n)
	must(t, err)
	if id == f.Helen.ID || count(t, f.DB, `SELECT COUNT(*) FROM people`) != before+1 {
		t.Fatal("a new person was asked for and not made")
	}
}

func TestAllOrNothing(t *testing.T) {
	f := setUp(t)
	sam := testworld.Subject(f.Sam)
	people0 := count(t, f.DB, `SELECT COUNT(*) FROM people`)
	audit0 := count(t, f.DB, `SELECT COUNT(*) FROM audit_events`)
	// Another council's team: refused before anything is written.
	hillside := &account.Team{OrganisationID: f.Alys.OrganisationID, Name: "Hillside Team"}
	must(t, account.CreateTeam(f.ctx, f.DB, audit.System, hillside))
	audit0++
	n := newContact("Ann", "Lee", "1950-02-02", "", hillside.ID, valid.Today())
	_, err := contacts.Record(f.ctx, f.DB, sam, n)
	if !testworld.HasProblem(err, "team", "allocation.team.unknown") {
		t.Fatalf("another council's team: %v", err)
	}
	// An NHS number someone else has: the insert of the person fails
	// inside the transaction.
	n = newContact("Ann", "Lee", "1950-02-02", "9434765870", f.NorthTeam.ID, valid.Today()) // Gwen's, Hillside's
	n.NewPerson = true
	if _, err := contacts.Record(f.ctx, f.DB, sam, n); !testworld.HasProblem(err, "nhs_number", "person.nhs_number.taken_new") {
		t.Fatalf("a taken NHS number: %v", err)
	}
	if got := count(t, f.DB, `SELECT COUNT(*) FROM people`); got != people0 {
		t.Errorf("people %d, want %d", got, people0)
	}
	if got := count(t, f.DB, `SELECT COUNT(*) FROM audit_events`); got != audit0 {
		t.Errorf("audit rows %d, want %d: a refused contact left rows", got, audit0)
	}
	for _, table := range []string{"contacts", "allocations"} {
		if got := count(t, f.DB, `SELECT COUNT(*) FROM `+table); got != 0 {
			t.Errorf("%s has %d rows after refused contacts", table, got)
		}
	}
	// Bad input is named field by field, every problem at once.
	bad := &contacts.New{Contact: contacts.Contact{On: valid.Today().AddDays(1), Method: "pigeon", Asker: contacts.AskerGP}}
	_, err = contacts.Record(f.ctx, f.DB, sam, bad)
	ps, _ := valid.From(err)
	want := map[string]string{"given_name": "person.given_name.required", "family_name": "person.family_name.required",
		"contact_on": "contact.on.future", "method": "contact.method.required", "asker_name": "contact.asker_name.required",
		"reason": "contact.reason.required", "route": "contact.route.required", "team": "allocation.team.required",
		"priority": "allocation.priority.required", "allocation_reason": "allocation.reason.required"}
	got := map[string]string{}
	for _, p := range ps {
		got[p.Field] = p.Code
	}
	for field, code := range want {
		if got[field] != code {
			t.Errorf("field %s: %q, want %q", field, got[field], code)
		}
	}
	// Only practitioners and managers record contacts.
	if _, err := contacts.Record(f.ctx, f.DB, testworld.Subject(f.Jo), newContact("A", "B", "", "", f.NorthTeam.ID, valid.Today())); !errors.Is(err, access.ErrNotAllowed) {
		t.Errorf("care home staff recording a contact: %v", err)
	}
}

// The allocation is the last thing a contact writes: when the database
// refuses it (a trigger standing in for any failure there), the new
// person, their contact, the access links and the audit rows already
// written in the transaction are undone with it.
func TestRefusedAllocationUndoesPersonAndContact(t *testing.T) {
	f := setUp(t)
	sam := testworld.Subject(f.Sam)
	refuse := []string{`CREATE TRIGGER refuse_allocation BEFORE INSERT ON allocations BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`}
	if f.DB.Dialect == store.Postgres {
		refuse = []string{`CREATE FUNCTION refuse_allocation() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
			`CREATE TRIGGER refuse_allocation BEFORE INSERT ON allocations FOR EACH ROW EXECUTE FUNCTION refuse_allocation()`}
	}
	exec := func(qs ...string) {
		t.Helper()
		must(t, f.DB.Tx(f.ctx, func(tx *sql.Tx) error {
			for _, q := range qs {
				if _, err := tx.ExecContext(f.ctx, q); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	exec(refuse...)
	tables := []string{"people", "contacts", "person_links", "audit_events"}
	before := map[string]int{}
	for _, table := range tables {
		before[table] = count(t, f.DB, `SELECT COUNT(*) FROM `+table)
	}
	n := newContact("Ann", "Lee", "1950-02-02", "", f.NorthTeam.ID, valid.Today())
	if _, err := contacts.Record(f.ctx, f.DB, sam, n); err == nil || !strings.Contains(err.Error(), "refused by the test") {
		t.Fatalf("recording with the allocation refused: %v", err)
	}
	for _, table := range tables {
		if got := count(t, f.DB, `SELECT COUNT(*) FROM `+table); got != before[table] {
			t.Errorf("%s: %d rows after the refused allocation, want %d", table, got, before[table])
		}
	}
	// Without the trigger the same contact is written whole: the trigger
	// was the only thing in the way.
	drop := `DROP TRIGGER refuse_allocation`
	if f.DB.Dialect == store.Postgres {
		drop += ` ON allocations`
	}
	exec(drop)
	n = newContact("Ann", "Lee", "1950-02-02", "", f.NorthTeam.ID, valid.Today())
	id, err := contacts.Record(f.ctx, f.DB, sam, n)
	must(t, err)
	if got := count(t, f.DB, `SELECT COUNT(*) FROM allocations WHERE person_id = $1`, id); got != 1 {
		t.Errorf("allocations after the trigger went: %d, want 1", got)
	}
}

func TestTransferMovesAccessAndKeepsHistory(t *testing.T) {
	f := setUp(t)
	sam, kit := testworld.Subject(f.Sam), testworld.Subject(f.Kit)
	n := newContact("Yusuf", "Ahmed", "1944-03-09", "", f.NorthTeam.ID, valid.Today())
	n.Allocation.AccountID = f.Sam.ID
	id, err := contacts.Record(f.ctx, f.DB, sam, n)
	must(t, err)
	if got := count(t, f.DB, `SELECT COUNT(*) FROM person_links WHERE person_id = $1 AND ended_at IS NULL`, id); got != 2 {
		t.Fatalf("%d current links, want 2 (team and worker)", got)
	}
	op := f.Open(t, f.Sam, id)
	to := &contacts.Allocation{TeamID: f.South.ID, Priority: contacts.PriorityRoutine, Reason: "Lives in the south of the borough"}
	must(t, contacts.Allocate(f.ctx, f.DB, op, to))
	if ok, _ := access.CanSee(f.ctx, f.DB.Read(), sam, id); ok {
		t.Error("Sam still sees the person after the transfer to South ended his allocation")
	}
	if ok, _ := access.CanSee(f.ctx, f.DB.Read(), kit, id); !ok {
		t.Error("Kit of the South team does not see the person transferred to South")
	}
	if got := count(t, f.DB, `SELECT COUNT(*) FROM person_links WHERE person_id = $1 AND ended_at IS NOT NULL`, id); got != 2 {
		t.Errorf("%d ended links, want 2: links are ended, never deleted", got)
	}
	hist, err := contacts.Allocations(f.ctx, f.DB.Read(), f.Open(t, f.Kit, id))
	must(t, err)
	if len(hist) != 2 || hist[0].TeamName != "South Community Team" || hist[0].EndedAt != nil ||
		hist[1].TeamName != "North Community Team" || hist[1].WorkerName != "Sam Okafor" || hist[1].EndedAt == nil {
		t.Fatalf("history = %+v", hist)
	}
	// A stale form: Sam can no longer change the record he lost sight of.
	if err := contacts.Allocate(f.ctx, f.DB, op, &contacts.Allocation{TeamID: f.NorthTeam.ID, Priority: contacts.PriorityUrgent,
		Reason: "back"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("allocating a person out of reach: %v, want not found", err)
	}
}

func TestWaitingListOldestFirstAndClosing(t *testing.T) {
	f := setUp(t)
	sam := testworld.Subject(f.Sam)
	today := valid.Today()
	// Three people for North: waited 10, 3 and 21 days; one for South.
	ids := map[string]string{}
	for _, c := range []struct {
		given string
		days  int
		team  string
		pri   contacts.Priority
	}{{"Ten", 10, f.NorthTeam.ID, contacts.PriorityRoutine}, {"Three", 3, f.NorthTeam.ID, contacts.PriorityUrgent},
		{"TwentyOne", 21, f.NorthTeam.ID, contacts.PriorityHigh}, {"South", 30, f.South.ID, contacts.PriorityHigh}} {
		n := newContact(c.given, "Waiting", "1940-01-01", "", c.team, today.AddDays(-c.days))
		n.Allocation.Priority = c.pri
		n.NewPerson = true
		id, err := contacts.Record(f.ctx, f.DB, testworld.Subject(f.Mo), n)
		must(t, err)
		ids[c.given] = id
	}
	list, err := contacts.TeamWaiting(f.ctx, f.DB.Read(), sam, f.NorthTeam.ID, today)
	must(t, err)
	var got []string
	for _, w := range list.People {
		got = append(got, w.Name+" "+string(w.Priority)+" "+strconv.Itoa(w.Days))
	}
	want := []string{"TwentyOne Waiting high 21", "Ten Waiting routine 10", "Three Waiting urgent 3"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || list.Hidden != 0 {
		t.Fatalf("North's list = %v (hidden %d), want %v", got, list.Hidden, want)
	}
	// Kit of South reads North's list: everyone is counted, no one named.
	list, err = contacts.TeamWaiting(f.ctx, f.DB.Read(), testworld.Subject(f.Kit), f.NorthTeam.ID, today)
	must(t, err)
	if len(list.People) != 0 || list.Hidden != 3 {
		t.Errorf("another team's reader: %d named, %d hidden; want 0 and 3", len(list.People), list.Hidden)
	}
	// Another council's team is not found.
	if _, err := contacts.TeamWaiting(f.ctx, f.DB.Read(), testworld.Subject(f.Alys), f.NorthTeam.ID, today); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside reading Riverside's list: %v", err)
	}
	// Closing TwentyOne's contact takes them off the list; a second close
	// from the same (now stale) form is a conflict.
	op := f.Open(t, f.Sam, ids["TwentyOne"])
	cs, err := contacts.Contacts(f.ctx, f.DB.Read(), op)
	must(t, err)
	must(t, contacts.Close(f.ctx, f.DB, op, cs[0].ID, cs[0].Version, contacts.OutcomeSignposted, "Told about the stroke club"))
	if err := contacts.Close(f.ctx, f.DB, op, cs[0].ID, cs[0].Version, contacts.OutcomeNoFurtherAction, ""); !errors.Is(err, store.ErrConflict) {
		t.Errorf("closing twice: %v, want a conflict", err)
	}
	if err := contacts.Close(f.ctx, f.DB, op, cs[0].ID, 2, "gone fishing", ""); !testworld.HasProblem(err, "outcome", "contact.outcome.required") {
		t.Errorf("an unknown outcome: %v", err)
	}
	n, ok, err := contacts.TeamWaitingCount(f.ctx, f.DB.Read(), sam)
	must(t, err)
	if !ok || n != 2 {
		t.Errorf("North waiting count %d (%v), want 2", n, ok)
	}
	c, err := contacts.Get(f.ctx, f.DB.Read(), op, cs[0].ID)
	must(t, err)
	if c.Open() || c.Outcome != contacts.OutcomeSignposted || c.OutcomeNote != "Told about the stroke club" {
		t.Errorf("closed contact = %+v", c)
	}
}

func TestMyPeople(t *testing.T) {
	f := setUp(t)
	today := valid.Today()
	n := newContact("Yusuf", "Ahmed", "1944-03-09", "", f.NorthTeam.ID, today.AddDays(-5))
	n.Allocation.AccountID = f.Sam.ID
	_, err := contacts.Record(f.ctx, f.DB, testworld.Subject(f.Mo), n)
	must(t, err)
	n = newContact("Ann", "Lee", "1950-02-02", "", f.NorthTeam.ID, today)
	_, err = contacts.Record(f.ctx, f.DB, testworld.Subject(f.Mo), n) // to the team, no one by name
	must(t, err)
	mine, err := contacts.MyPeople(f.ctx, f.DB.Read(), testworld.Subject(f.Sam))
	must(t, err)
	if len(mine) != 1 || mine[0].Name != "Yusuf Ahmed" || mine[0].LastContact != today.AddDays(-5) || mine[0].Open != 1 {
		t.Fatalf("Sam's people = %+v", mine)
	}
}

// A contact answered there and then is recorded closed: it keeps no one
// waiting.
func TestClosedAsRecorded(t *testing.T) {
	f := setUp(t)
	n := newContact("Ann", "Lee", "1950-02-02", "", f.NorthTeam.ID, valid.Today())
	n.Contact.Outcome, n.Contact.OutcomeNote = contacts.OutcomeInformation, "Told about the lunch club"
	id, err := contacts.Record(f.ctx, f.DB, testworld.Subject(f.Sam), n)
	must(t, err)
	if n, _, _ := contacts.TeamWaitingCount(f.ctx, f.DB.Read(), testworld.Subject(f.Sam)); n != 0 {
		t.Errorf("%d waiting after a contact closed as recorded, want 0", n)
	}
	cs, err := contacts.Contacts(f.ctx, f.DB.Read(), f.Open(t, f.Sam, id))
	must(t, err)
	if len(cs) != 1 || cs[0].Open() || cs[0].Outcome != contacts.OutcomeInformation {
		t.Errorf("contacts = %+v", cs)
	}
}
