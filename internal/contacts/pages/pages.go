// Package pages is contacts in the browser: recording that someone asked
// for help, with the possible matches shown before a second record is
// made; allocating and transferring a person; closing a contact with its
// outcome; and a team's list of the people waiting for a first
// conversation.
package pages

import (
	"embed"
	"errors"
	"net/http"
	"strconv"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/contacts"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves the contact pages.
type Pages struct{ web.Pages }

// New makes this domain's pages.
func New(shell *web.Shell) *Pages { return &Pages{shell.Pages(templates)} }

const workers = "practitioners, managers"

// Routes adds the contact pages.
func (s *Pages) Routes(rt *web.Router) {
	rt.Menu(web.MenuItem{Href: "/contacts/new", Key: "layout.nav.contact", Order: 12,
		For: func(a *account.Account) bool { return contacts.MayRecord(a.Role) }})
	rt.ForRoles("GET /contacts/new", workers, contacts.MayRecord, s.newPage)
	rt.ForRoles("POST /contacts/new", workers, contacts.MayRecord, s.record)
	rt.ForRoles("GET /teams/{team}/waiting", workers, contacts.MayRecord, s.waiting)
	ch := access.Changes(access.PartIdentity)
	rt.Person("GET /people/{id}/allocation", ch, s.allocationPage)
	rt.Person("POST /people/{id}/allocation", ch, s.allocate)
	rt.Person("GET /people/{id}/contacts/{contact}/close", ch, s.closePage)
	rt.Person("POST /people/{id}/contacts/{contact}/close", ch, s.close)
}

// formData is what the contact form shows: the choices, and the matches
// once they have been found.
type formData struct {
	Methods    []contacts.Method
	Askers     []contacts.Asker
	Routes     []string // route of access keys
	Priorities []contacts.Priority
	Teams      []account.Team
	Workers    []contacts.Worker
	Matches    []contacts.Match
}

// contactFields are the form's fields besides the dates.
var contactFields = []string{"given_name", "family_name", "nhs_number", "method", "asker", "asker_name", "reason",
	"route", "team", "worker", "priority", "allocation_reason"}

func (s *Pages) choices(w http.ResponseWriter, r *http.Request) (*formData, bool) {
	teams, ws, err := contacts.Choices(r.Context(), s.DB.Read(), web.Subject(r))
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return &formData{Methods: contacts.Methods, Askers: contacts.Askers, Routes: routeKeys(),
		Priorities: contacts.Priorities, Teams: teams, Workers: ws}, true
}

// newPage is the empty contact form: today's date, the worker's own team,
// routine priority.
func (s *Pages) newPage(w http.ResponseWriter, r *http.Request) {
	d, ok := s.choices(w, r)
	if !ok {
		return
	}
	v := s.NewView(r, "contact.new.title")
	v.FillDate("contact_on", valid.Today())
	v.FillDate("date_of_birth", valid.Date{})
	v.Form["team"] = web.AccountFrom(r.Context()).TeamID
	v.Form["priority"] = string(contacts.PriorityRoutine)
	v.Data = d
	s.Page(w, r, http.StatusOK, "new", v)
}

// record takes the posted contact. The first time, it looks for records
// that may be the same person and, if any, shows them for the worker to
// choose; the form posted again carries the choice ("same_person": a
// record's id, or "new").
func (s *Pages) record(w http.ResponseWriter, r *http.Request) {
	d, ok := s.choices(w, r)
	if !ok {
		return
	}
	v := s.NewView(r, "contact.new.title")
	v.Data = d
	v.Keep(r, contactFields...)
	dob, dobOK := v.Date(r, "date_of_birth", false)
	on, onOK := v.Date(r, "contact_on", true)
	n := &contacts.New{
		Person: people.Person{GivenName: v.Form["given_name"], FamilyName: v.Form["family_name"], NHSNumber: v.Form["nhs_number"],
			DateOfBirth: dob},
		Contact: contacts.Contact{On: on, Method: contacts.Method(v.Form["method"]), Asker: contacts.Asker(v.Form["asker"]),
			AskerName: v.Form["asker_name"], Reason: v.Form["reason"], Route: v.Form["route"]},
		Allocation: contacts.Allocation{TeamID: v.Form["team"], AccountID: v.Form["worker"],
			Priority: contacts.Priority(v.Form["priority"]), Reason: v.Form["allocation_reason"]},
	}
	switch choice := r.PostFormValue("same_person"); {
	case choice == "new":
		n.NewPerson = true
	case valid.IsID(choice):
		n.SamePerson = choice
	}
	// Check everything before matching, so a form with problems shows
	// them all at once and no search is made on half a name.
	err := n.Check(valid.Today())
	if !dobOK || !onOK || err != nil {
		v.Problems(err)
		s.Page(w, r, http.StatusUnprocessableEntity, "new", v)
		return
	}
	id, err := contacts.Record(r.Context(), s.DB, web.Subject(r), n)
	switch {
	case errors.Is(err, contacts.ErrMatchesFound):
		found, err := contacts.Matches(r.Context(), s.DB, web.Subject(r), n.Person)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		d.Matches = found
		v.Title = i18n.T(v.Lang, "contact.match.title")
		s.Page(w, r, http.StatusOK, "match", v)
	case errors.Is(err, store.ErrConflict):
		v.Errors = append(v.Errors, web.FieldError{Field: "team", Message: i18n.T(v.Lang, "allocation.conflict")})
		s.Page(w, r, http.StatusConflict, "new", v)
	case v.Problems(err):
		s.Page(w, r, http.StatusUnprocessableEntity, "new", v)
	case err != nil:
		s.Fail(w, r, err)
	default:
		s.afterRecord(w, r, id, n.Allocation.TeamID)
	}
}

// afterRecord shows the record, with what is open for the person, or the
// team's list when the worker allocated to a team they cannot see into.
func (s *Pages) afterRecord(w http.ResponseWriter, r *http.Request, personID, teamID string) {
	sees, err := access.CanSee(r.Context(), s.DB.Read(), web.Subject(r), personID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if sees {
		http.Redirect(w, r, "/people/"+personID+"?saved=contact#contacts", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/teams/"+teamID+"/waiting?saved=1", http.StatusSeeOther)
}

type waitingData struct {
	List  *contacts.WaitingList
	Saved bool
}

// waiting is a team's list of the people waiting for a first
// conversation, oldest first.
func (s *Pages) waiting(w http.ResponseWriter, r *http.Request) {
	list, err := contacts.TeamWaiting(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("team"), valid.Today())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "waiting.title")
	v.Title = i18n.T(v.Lang, "waiting.title_for", list.Team.Name)
	v.Data = waitingData{List: list, Saved: r.URL.Query().Get("saved") == "1"}
	s.Page(w, r, http.StatusOK, "waiting", v)
}

type allocationData struct {
	Name       string
	PersonID   string
	Current    *contacts.Allocation
	Teams      []account.Team
	Workers    []contacts.Worker
	Priorities []contacts.Priority
}

// person reads the opened person and what the page shows of theirs with
// them (read); false once the error page is written.
func (s *Pages) person(w http.ResponseWriter, r *http.Request, op *access.Opened, read func() error) (*people.Person, bool) {
	p, err := people.Load(r.Context(), s.DB.Read(), op)
	if err == nil {
		err = read()
	}
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (s *Pages) allocationData(w http.ResponseWriter, r *http.Request, op *access.Opened) (*allocationData, bool) {
	var cur *contacts.Allocation
	var teams []account.Team
	var ws []contacts.Worker
	p, ok := s.person(w, r, op, func() (err error) {
		if cur, err = contacts.Current(r.Context(), s.DB.Read(), op); err != nil {
			return err
		}
		teams, ws, err = contacts.Choices(r.Context(), s.DB.Read(), web.Subject(r))
		return err
	})
	if !ok {
		return nil, false
	}
	return &allocationData{Name: p.Name(), PersonID: p.ID, Current: cur, Teams: teams, Workers: ws, Priorities: contacts.Priorities}, true
}

// allocationPage is the form to allocate or transfer a person.
func (s *Pages) allocationPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, ok := s.allocationData(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "allocation.title")
	if d.Current != nil {
		v.Form["team"], v.Form["worker"], v.Form["priority"] = d.Current.TeamID, d.Current.AccountID, string(d.Current.Priority)
	} else {
		v.Form["priority"] = string(contacts.PriorityRoutine)
	}
	v.Form["seen"] = seen(d.Current)
	v.Data = d
	s.Page(w, r, http.StatusOK, "allocation", v)
}

// allocate saves an allocation or transfer. After a transfer to a team
// the worker is not in, the record is out of their sight: they go to the
// new team's list instead.
func (s *Pages) allocate(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, ok := s.allocationData(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "allocation.title")
	v.Keep(r, "team", "worker", "priority", "allocation_reason", "seen")
	v.Data = d
	a := &contacts.Allocation{TeamID: v.Form["team"], AccountID: v.Form["worker"], Priority: contacts.Priority(v.Form["priority"]),
		Reason: v.Form["allocation_reason"], Seen: v.Form["seen"]}
	if a.Seen == "" {
		a.Seen = contacts.NoAllocation // a form without it saw nothing current
	}
	err := contacts.Allocate(r.Context(), s.DB, op, a)
	switch {
	case err == nil:
		sees, err := access.CanSee(r.Context(), s.DB.Read(), web.Subject(r), op.PersonID())
		if err != nil {
			s.Fail(w, r, err)
		} else if sees {
			http.Redirect(w, r, "/people/"+op.PersonID()+"?saved=allocation#contacts", http.StatusSeeOther)
		} else {
			http.Redirect(w, r, "/teams/"+a.TeamID+"/waiting?saved=1", http.StatusSeeOther)
		}
	case errors.Is(err, store.ErrConflict):
		// The page shows who holds them now; saving again replaces that.
		if d, ok = s.allocationData(w, r, op); !ok {
			return
		}
		v.Data, v.Form["seen"] = d, seen(d.Current)
		v.Errors = append(v.Errors, web.FieldError{Field: "team", Message: i18n.T(v.Lang, "allocation.changed")})
		s.Page(w, r, http.StatusConflict, "allocation", v)
	case v.Problems(err):
		s.Page(w, r, http.StatusUnprocessableEntity, "allocation", v)
	default:
		s.Fail(w, r, err)
	}
}

type closeData struct {
	Name, PersonID string
	Contact        *contacts.Contact
	Outcomes       []contacts.Outcome
	Conflict       bool
}

func (s *Pages) closeData(w http.ResponseWriter, r *http.Request, op *access.Opened) (*closeData, bool) {
	var c *contacts.Contact
	p, ok := s.person(w, r, op, func() (err error) {
		c, err = contacts.Get(r.Context(), s.DB.Read(), op, r.PathValue("contact"))
		return err
	})
	if !ok {
		return nil, false
	}
	return &closeData{Name: p.Name(), PersonID: p.ID, Contact: c, Outcomes: contacts.Outcomes}, true
}

// closePage is the form to close a contact with its outcome.
func (s *Pages) closePage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, ok := s.closeData(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "close.title")
	v.Form["version"] = strconv.Itoa(d.Contact.Version)
	v.Data = d
	s.Page(w, r, http.StatusOK, "close", v)
}

// close saves the outcome. Someone else closing it first is a conflict
// shown with what they recorded; what was typed here is kept.
func (s *Pages) close(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, ok := s.closeData(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "close.title")
	v.Keep(r, "outcome", "note", "version")
	v.Data = d
	version, _ := strconv.Atoi(v.Form["version"])
	err := contacts.Close(r.Context(), s.DB, op, d.Contact.ID, version, contacts.Outcome(v.Form["outcome"]), v.Form["note"])
	switch {
	case err == nil:
		http.Redirect(w, r, "/people/"+op.PersonID()+"?saved=contact-closed#contacts", http.StatusSeeOther)
	case errors.Is(err, store.ErrConflict):
		// Read again, to show what the other person recorded: their close
		// may have landed after the first read.
		if d, ok = s.closeData(w, r, op); !ok {
			return
		}
		d.Conflict, v.Data = true, d
		v.Form["version"] = strconv.Itoa(d.Contact.Version)
		s.Page(w, r, http.StatusConflict, "close", v)
	case v.Problems(err):
		s.Page(w, r, http.StatusUnprocessableEntity, "close", v)
	default:
		s.Fail(w, r, err)
	}
}

// seen is what the allocation form sends back as the allocation it showed.
func seen(cur *contacts.Allocation) string {
	if cur == nil {
		return contacts.NoAllocation
	}
	return cur.ID
}

func routeKeys() []string {
	var out []string
	for _, rt := range contacts.Routes {
		out = append(out, rt.Key)
	}
	return out
}
