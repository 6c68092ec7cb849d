package demo

import (
	"context"
	"fmt"

	"whatmatters/internal/contacts"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// demoContact is a request for help in the demo: for whom, by whom, and
// where it was allocated; closed, if it has an outcome.
type demoContact struct {
	Given, Family string
	By            string // the worker who recorded it
	DaysAgo       int
	Method        contacts.Method
	Asker         contacts.Asker
	AskerName     string
	Reason, Route string
	Team          string
	Worker        string // email, or "" for the team alone
	Priority      contacts.Priority
	Why           string
	Outcome       contacts.Outcome // "" leaves it open: waiting
	Note          string
}

// demoContacts are Mr Y's hospital request (closed: the conversation on
// the ward was held), Mrs X going home and her daughter's call since, and
// a few people waiting for the North team, so the waiting page and the
// home page are not empty on first run.
var demoContacts = []demoContact{
	{Given: "Geoffrey", Family: "Young", By: "priya@riverside.example", DaysAgo: 33, Method: contacts.MethodReferral,
		Asker: contacts.AskerHospitalWard, AskerName: "Ward 7, Riverside General",
		Reason: "Ready to go home after a stroke; the ward has proposed four care visits a day.", Route: "hospital_discharge",
		Team: HospitalTeam, Worker: "priya@riverside.example", Priority: contacts.PriorityHigh, Why: "Discharge being planned",
		Outcome: contacts.OutcomeConversationHeld, Note: "Met Mr and Mrs Young on the ward; started again from what they need."},
	{Given: "Margaret", Family: "Exton", By: "priya@riverside.example", DaysAgo: 40, Method: contacts.MethodPhone,
		Asker: contacts.AskerHospitalWard, AskerName: "Ward 3, Riverside General",
		Reason: "Wants to go home, not to a care home; the ward asks what support she would need.", Route: "hospital_discharge",
		Team: HospitalTeam, Priority: contacts.PriorityUrgent, Why: "Decision on discharge this week",
		Outcome: contacts.OutcomeConversationHeld, Note: "Home with support that reduces as she manages."},
	{Given: "Margaret", Family: "Exton", By: "priya@riverside.example", DaysAgo: 3, Method: contacts.MethodPhone,
		Asker: contacts.AskerFamilyFriend, AskerName: "Ann Exton (daughter)",
		Reason: "Mum is managing mornings herself now; can we talk about dropping the morning call?", Route: "community",
		Team: HospitalTeam, Priority: contacts.PriorityRoutine, Why: "Her support is reducing as she manages"},
	{Given: "Alice", Family: "Barker", By: "sam@riverside.example", DaysAgo: 12, Method: contacts.MethodPhone,
		Asker: contacts.AskerFamilyFriend, AskerName: "Tom Barker (son)",
		Reason: "Mum has stopped going to her lunch club and seems low.", Route: "community",
		Team: NorthTeam, Priority: contacts.PriorityRoutine, Why: "Lives in the north of the borough"},
	{Given: "Edward", Family: "Lloyd", By: "sam@riverside.example", DaysAgo: 5, Method: contacts.MethodEmail,
		Asker: contacts.AskerGP, AskerName: "Dr Rhys, Riverside Surgery",
		Reason: "Two falls at home this month; he would like to stay living on his own.", Route: "community",
		Team: NorthTeam, Worker: "sam@riverside.example", Priority: contacts.PriorityHigh, Why: "Falls: soon, before a third"},
	{Given: "Rhodri", Family: "Price", By: "sam@riverside.example", DaysAgo: 1, Method: contacts.MethodInPerson,
		Asker: contacts.AskerPerson, Reason: "Asked at the library drop-in about help getting back to work.", Route: "community",
		Team: NorthTeam, Priority: contacts.PriorityRoutine, Why: "Known to the team"},
}

// seedContacts records the demo contacts once: a person who already has a
// contact is left alone, so nothing anyone has since done is touched.
func seedContacts(ctx context.Context, db *store.DB, w *world) error {
	for _, c := range demoContacts {
		if err := w.contact(ctx, db, c); err != nil {
			return fmt.Errorf("demo: contact for %s %s: %w", c.Given, c.Family, err)
		}
	}
	return nil
}

func (w *world) contact(ctx context.Context, db *store.DB, c demoContact) error {
	var p people.Person
	err := db.Read().QueryRowContext(ctx, `SELECT id, given_name, family_name, date_of_birth, COALESCE(nhs_number, '')
		FROM people WHERE given_name = $1 AND family_name = $2`, c.Given, c.Family).
		Scan(&p.ID, &p.GivenName, &p.FamilyName, &p.DateOfBirth, &p.NHSNumber)
	if err != nil {
		return err
	}
	on := valid.Today().AddDays(-c.DaysAgo)
	var n int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts WHERE person_id = $1 AND contact_on = $2`, p.ID, on).Scan(&n); err != nil || n > 0 {
		return err
	}
	alloc := contacts.Allocation{TeamID: w.teams[c.Team].ID, Priority: c.Priority, Reason: c.Why}
	if c.Worker != "" {
		alloc.AccountID = w.accounts[c.Worker].ID
	}
	n1 := &contacts.New{Person: p, SamePerson: p.ID, Allocation: alloc,
		Contact: contacts.Contact{On: on, Method: c.Method, Asker: c.Asker, AskerName: c.AskerName, Reason: c.Reason, Route: c.Route,
			Outcome: c.Outcome, OutcomeNote: c.Note}}
	_, err = contacts.Record(ctx, db, w.subject(c.By), n1)
	return err
}
