// Package testworld builds a small, known world for handler tests: two
// councils' workers and a care home, each linked to different people, so
// tests can check who sees whom. Only tests import it.
package testworld

import (
	"context"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Password is every test account's password.
const Password = "correct horse battery staple"

// World is what New made.
type World struct {
	DB *store.DB
	// Sam works for Riverside Council's North team and is allocated Helen.
	// Alys works for Hillside Council and is allocated Gwen. Jo works at
	// Oakfield House, where Hugh lives. Planner sees no one. Dee is
	// Riverside's data protection officer.
	Sam, Alys, Jo, Planner, Dee *account.Account
	Helen, Gwen, Hugh           *people.Person
	NorthTeam                   *account.Team
}

// New builds the world in db.
func New(t testing.TB, db *store.DB) *World {
	t.Helper()
	ctx := context.Background()
	w := &World{DB: db}
	riverside := org(t, db, "Riverside Council", account.OrgCouncil)
	hillside := org(t, db, "Hillside Council", account.OrgCouncil)
	oakfield := org(t, db, "Oakfield House", account.OrgCareHome)
	w.NorthTeam = &account.Team{OrganisationID: riverside.ID, Name: "North Community Team"}
	must(t, account.CreateTeam(ctx, db, audit.System, w.NorthTeam))
	w.Sam = newAccount(t, db, "sam@riverside.test", "Sam Okafor", account.RolePractitioner, riverside.ID, w.NorthTeam.ID)
	w.Alys = newAccount(t, db, "alys@hillside.test", "Alys Pryce", account.RolePractitioner, hillside.ID, "")
	w.Jo = newAccount(t, db, "jo@oakfield.test", "Jo Evans", account.RoleCareHomeStaff, oakfield.ID, "")
	w.Planner = newAccount(t, db, "pat@riverside.test", "Pat Lewis", account.RolePlanner, riverside.ID, "")
	w.Dee = newAccount(t, db, "dee@riverside.test", "Dee Powell", account.RoleDPO, riverside.ID, "")
	w.Helen = person(t, db, "Helen", "Marsh", "1938-05-04", "9434765919")
	w.Gwen = person(t, db, "Gwen", "Tudor", "1941-11-30", "9434765870")
	w.Hugh = person(t, db, "Hugh", "Bevan", "1936-02-14", "")
	link(t, db, &access.Link{PersonID: w.Helen.ID, Kind: access.LinkAllocatedWorker, AccountID: w.Sam.ID})
	link(t, db, &access.Link{PersonID: w.Gwen.ID, Kind: access.LinkAllocatedWorker, AccountID: w.Alys.ID})
	link(t, db, &access.Link{PersonID: w.Hugh.ID, Kind: access.LinkCareHome, OrganisationID: oakfield.ID})
	return w
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func org(t testing.TB, db *store.DB, name string, kind account.OrgKind) *account.Organisation {
	o := &account.Organisation{Name: name, Kind: kind}
	must(t, account.CreateOrganisation(context.Background(), db, audit.System, o))
	return o
}

func newAccount(t testing.TB, db *store.DB, email, name string, role account.Role, orgID, teamID string) *account.Account {
	a := &account.Account{OrganisationID: orgID, TeamID: teamID, Email: email, DisplayName: name, Role: role}
	must(t, account.CreateAccount(context.Background(), db, audit.System, a, Password))
	return a
}

func person(t testing.TB, db *store.DB, given, family, dob, nhs string) *people.Person {
	p := &people.Person{GivenName: given, FamilyName: family, DateOfBirth: valid.MustDate(dob), NHSNumber: nhs}
	must(t, people.Create(context.Background(), db, audit.System, p))
	return p
}

func link(t testing.TB, db *store.DB, l *access.Link) {
	must(t, access.AddLink(context.Background(), db, audit.System, l))
}

// Subject is an account as the domain packages see it.
func Subject(a *account.Account) account.Subject { return account.NewSubject(a, "192.0.2.1", "test") }

// Open opens a person's record as the account would through the gate
// (access.Open: the rule, the grant and a read audit row), failing the
// test if the account may not see them. Tests of refusals call access.Open
// themselves and expect store.ErrNotFound.
func (w *World) Open(t testing.TB, a *account.Account, personID string) *access.Opened {
	t.Helper()
	op, err := access.Open(context.Background(), w.DB, Subject(a), personID, "test")
	if err != nil {
		t.Fatalf("%s opening person %s: %v", a.Email, personID, err)
	}
	return op
}

// HasProblem reports whether err names code on field: for tests of a
// domain's validation.
func HasProblem(err error, field, code string) bool {
	ps, _ := valid.From(err)
	for _, p := range ps {
		if p.Field == field && p.Code == code {
			return true
		}
	}
	return false
}
