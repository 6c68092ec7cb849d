// Package pages is the conversations on a person's record in the browser:
// hold a listen-and-connect conversation (what matters becomes one of the
// person's outcomes in their words; a group from the community directory
// is a connection), and work through a crisis with its emergency plan.
// Every route names a person and passes the person gate.
package pages

import (
	"embed"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"whatmatters/internal/access"
	"whatmatters/internal/conversations"
	"whatmatters/internal/directory"
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

// Pages serves the conversations' pages.
type Pages struct{ web.Pages }

// New makes the conversations' pages.
func New(shell *web.Shell) *Pages { return &Pages{shell.Pages(templates)} }

// Routes adds the conversations' pages, all through the person gate.
func (s *Pages) Routes(rt *web.Router) {
	rd, ch := access.Reads(access.PartConversations), access.Changes(access.PartConversations)
	rt.Person("GET /people/{id}/conversations/new", ch, s.newPage)
	rt.Person("POST /people/{id}/conversations/new", ch, s.create)
	rt.Person("GET /people/{id}/conversations/{conversation}", rd, s.show)
	rt.Person("POST /people/{id}/conversations/{conversation}/actions", ch, s.addAction)
	rt.Person("POST /people/{id}/conversations/{conversation}/actions/{action}", ch, s.setStatus)
	rt.Person("POST /people/{id}/conversations/{conversation}/help", ch, s.addHelp)
	rt.Person("POST /people/{id}/conversations/{conversation}/check-ins", ch, s.addCheckIn)
	rt.Person("POST /people/{id}/conversations/{conversation}/close", ch, s.close)
}

// newData is the listen-and-connect form.
type newData struct {
	Person          *people.Person
	Find            string // words the directory was searched for
	Entries         []directory.Entry
	Endings         []conversations.Ending
	ConnectionKinds []string
	OutcomeKinds    []people.OutcomeKind
	Expressers      []people.Expresser
}

// otherConnections are the kinds offered beside the directory's choice.
// "none" first: a connection beside the directory's is optional, and a
// radio once chosen cannot otherwise be cleared.
var otherConnections = []string{"none", string(conversations.Information), string(conversations.Equipment),
	string(conversations.Neighbour), string(conversations.Circle), string(conversations.Other)}

var newFields = []string{"took_part", "what_matters", "add_outcome", "outcome_kind", "expressed_by", "expressed_by_name",
	"strengths_noticed", "can_do", "directory_entry", "connection_kind", "connection_detail", "ended", "find"}

func (s *Pages) newData(w http.ResponseWriter, r *http.Request, op *access.Opened, find string) (*newData, bool) {
	p, err := people.Load(r.Context(), s.DB.Read(), op)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	entries, err := directory.Search(r.Context(), s.DB.Read(), web.Subject(r), find, "")
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return &newData{Person: p, Find: find, Entries: entries, Endings: conversations.Endings, ConnectionKinds: otherConnections,
		OutcomeKinds: people.OutcomeKinds, Expressers: people.Expressers}, true
}

// newPage is the conversation's form. Ending resolved is chosen already:
// most conversations end there, and the page makes that the easy path.
func (s *Pages) newPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	find := r.URL.Query().Get("find")
	d, ok := s.newData(w, r, op, find)
	if !ok {
		return
	}
	v := s.NewView(r, "conversation.new_title")
	v.FillDate("held_on", valid.Today())
	v.Form["ended"], v.Form["add_outcome"], v.Form["outcome_kind"] = string(conversations.Resolved), "yes", string(people.OutcomeChange)
	v.Form["expressed_by"], v.Form["find"], v.Form["connection_kind"] = string(people.ExpressedByPerson), find, "none"
	v.Data = d
	s.Page(w, r, http.StatusOK, "new", v)
}

// create saves the conversation. What matters is checked with the rest
// before anything is saved; then the outcome (through the record's own
// outcome rules), the conversation, its connections and the link between
// them are saved in one transaction.
func (s *Pages) create(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	v := s.NewView(r, "conversation.new_title")
	v.Keep(r, newFields...)
	d, ok := s.newData(w, r, op, v.Form["find"])
	if !ok {
		return
	}
	v.Data = d
	heldOn, dateOK := v.Date(r, "held_on", true)
	if r.PostFormValue("do") == "find" {
		// A search of the directory: the form again, as typed, with what
		// was found. Nothing is saved, and nothing typed goes in an address.
		v.Errors = nil
		s.Page(w, r, http.StatusOK, "new", v)
		return
	}
	c := &conversations.Conversation{Kind: conversations.ListenConnect, HeldOn: heldOn, TookPart: v.Form["took_part"],
		WhatMatters: v.Form["what_matters"], StrengthsNoticed: v.Form["strengths_noticed"], CanDo: v.Form["can_do"],
		Ended: conversations.Ending(v.Form["ended"])}
	if id := v.Form["directory_entry"]; id != "" {
		c.Connections = append(c.Connections, conversations.Connection{Kind: conversations.Directory, DirectoryEntryID: id})
	}
	if k := v.Form["connection_kind"]; k != "" && k != "none" {
		c.Connections = append(c.Connections, conversations.Connection{Kind: conversations.ConnectionKind(k), Detail: v.Form["connection_detail"]})
	}
	problems, _ := valid.From(c.Check())
	var outcomes []*people.Outcome
	if v.Form["add_outcome"] != "" {
		o := &people.Outcome{Statement: c.WhatMatters, Kind: people.OutcomeKind(v.Form["outcome_kind"]),
			ExpressedBy: people.Expresser(v.Form["expressed_by"]), ExpressedByName: v.Form["expressed_by_name"]}
		if o.ExpressedBy == people.ExpressedByWorker {
			// Only the person's words, or those of someone speaking for them.
			o.ExpressedBy = ""
		}
		outcomes = append(outcomes, o)
		problems = append(problems, outcomeProblems(o.Check(), problems)...)
	}
	if !dateOK || len(problems) > 0 {
		v.Problems(problems.Err())
		s.Page(w, r, http.StatusUnprocessableEntity, "new", v)
		return
	}
	err := conversations.Start(r.Context(), s.DB, op, c, outcomes...)
	if ps, bad := valid.From(err); bad {
		v.Problems(outcomeProblems(ps, nil).Err())
		s.Page(w, r, http.StatusUnprocessableEntity, "new", v)
		return
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	to := c.ID
	if c.NextID != "" {
		to = c.NextID // a crisis: straight to its emergency plan
	}
	http.Redirect(w, r, "/people/"+op.PersonID()+"/conversations/"+to+"?saved=1", http.StatusSeeOther)
}

// outcomeProblems are the problems of the outcome a conversation adds, by
// the conversation form's names for its fields, less any field that
// already has a problem (an empty "what matters" is said once).
func outcomeProblems(err error, have valid.Problems) valid.Problems {
	ps, _ := valid.From(err)
	ps.Rename("statement", "what_matters")
	ps.Rename("kind", "outcome_kind")
	var out valid.Problems
	for _, p := range ps {
		if !slices.ContainsFunc(have, func(h *valid.FieldError) bool { return h.Field == p.Field }) {
			out = append(out, p)
		}
	}
	return out
}

// showData is a conversation's page.
type showData struct {
	Person        *people.Person
	Conversation  *conversations.Conversation
	Outcomes      []people.Outcome // those it added to the record
	Today         valid.Date
	Statuses      []conversations.ActionStatus
	CrisisEndings []conversations.Ending
	Saved         bool
	Theirs        *conversations.Action // an action someone else changed meanwhile
}

func (s *Pages) showData(w http.ResponseWriter, r *http.Request, op *access.Opened) (*showData, bool) {
	p, err := people.Load(r.Context(), s.DB.Read(), op)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	c, err := conversations.Get(r.Context(), s.DB.Read(), op, r.PathValue("conversation"))
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	d := &showData{Person: p, Conversation: c, Today: valid.Today(), Statuses: conversations.ActionStatuses,
		CrisisEndings: conversations.CrisisEndings}
	if len(c.OutcomeIDs) > 0 && op.Reads(access.PartOutcomes) == nil {
		all, err := people.Outcomes(r.Context(), s.DB.Read(), op)
		if err != nil {
			s.Fail(w, r, err)
			return nil, false
		}
		for _, o := range all {
			for _, id := range c.OutcomeIDs {
				if o.ID == id {
					d.Outcomes = append(d.Outcomes, o)
				}
			}
		}
	}
	return d, true
}

// titleKeys are the pages' titles by kind of conversation.
var titleKeys = map[conversations.Kind]string{conversations.ListenConnect: "conversation.title.listen_connect",
	conversations.Crisis: "conversation.title.crisis"}

func (s *Pages) view(r *http.Request, d *showData) *web.View {
	v := s.NewView(r, titleKeys[d.Conversation.Kind])
	v.Data = d
	if d.Conversation.Kind == conversations.Crisis {
		v.Form["ended"] = string(conversations.Resolved)
		v.Form["version"] = strconv.Itoa(d.Conversation.Version)
	}
	return v
}

// page is a conversation's page with its forms as they start: the
// closing date today. A form posted to it then keeps what was typed.
func (s *Pages) page(w http.ResponseWriter, r *http.Request, op *access.Opened) (*showData, *web.View, bool) {
	d, ok := s.showData(w, r, op)
	if !ok {
		return nil, nil, false
	}
	v := s.view(r, d)
	v.FillDate("ended_on", valid.Today())
	return d, v, true
}

// show is one conversation: what was said and done, and for a crisis its
// emergency plan, overdue actions marked, with the forms to keep it going.
func (s *Pages) show(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, v, ok := s.page(w, r, op)
	if !ok {
		return
	}
	d.Saved = r.URL.Query().Get("saved") != ""
	s.Page(w, r, http.StatusOK, "conversation", v)
}

func (s *Pages) back(w http.ResponseWriter, r *http.Request, op *access.Opened, anchor string) {
	http.Redirect(w, r, "/people/"+op.PersonID()+"/conversations/"+r.PathValue("conversation")+"?saved=1#"+anchor, http.StatusSeeOther)
}

// refused shows the conversation's page again with the problems of the
// form just sent, and what was typed in it.
func (s *Pages) refused(w http.ResponseWriter, r *http.Request, op *access.Opened, v *web.View, err error) {
	if !v.Problems(err) {
		s.Fail(w, r, err)
		return
	}
	s.Page(w, r, http.StatusUnprocessableEntity, "conversation", v)
}

// addAction adds one of the things that must change now to the plan.
func (s *Pages) addAction(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, v, ok := s.page(w, r, op)
	if !ok {
		return
	}
	v.Keep(r, "what", "owner_name")
	due, dateOK := v.Date(r, "due_on", true)
	a := &conversations.Action{ConversationID: d.Conversation.ID, What: v.Form["what"], OwnerName: v.Form["owner_name"], DueOn: due}
	if !dateOK {
		v.Problems(a.Check())
		s.Page(w, r, http.StatusUnprocessableEntity, "conversation", v)
		return
	}
	if err := conversations.AddAction(r.Context(), s.DB, op, a); err != nil {
		s.refused(w, r, op, v, err)
		return
	}
	s.back(w, r, op, "plan")
}

// setStatus moves an action on. Two people moving the same action: the
// second sees what the first did, and nothing is overwritten.
func (s *Pages) setStatus(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	_, v, ok := s.page(w, r, op) // a conversation of this person's, or not found before anything changes
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	status := conversations.ActionStatus(r.PostFormValue("status"))
	err := conversations.SetActionStatus(r.Context(), s.DB, op, r.PathValue("action"), version, status)
	switch {
	case err == nil:
		s.back(w, r, op, "plan")
	case errors.Is(err, store.ErrConflict):
		// Read again, to show what the other person did: their change may
		// have landed after the first read.
		d, v, ok := s.page(w, r, op)
		if !ok {
			return
		}
		for i := range d.Conversation.Actions {
			if d.Conversation.Actions[i].ID == r.PathValue("action") {
				d.Theirs = &d.Conversation.Actions[i]
			}
		}
		v.Errors = append(v.Errors, web.FieldError{Field: "plan", Message: i18n.T(v.Lang, "conversation.action.conflict")})
		s.Page(w, r, http.StatusConflict, "conversation", v)
	default:
		s.refused(w, r, op, v, err)
	}
}

// close ends the crisis with how it ended.
func (s *Pages) close(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, ok := s.showData(w, r, op)
	if !ok {
		return
	}
	v := s.view(r, d)
	v.Keep(r, "ended", "end_note", "version")
	on, dateOK := v.Date(r, "ended_on", true)
	version, _ := strconv.Atoi(v.Form["version"])
	err := conversations.Close(r.Context(), s.DB, op, d.Conversation.ID, version, conversations.Ending(v.Form["ended"]), on, v.Form["end_note"])
	switch {
	case !dateOK:
		v.Problems(err)
		s.Page(w, r, http.StatusUnprocessableEntity, "conversation", v)
	case err == nil:
		s.back(w, r, op, "ended")
	case errors.Is(err, store.ErrConflict):
		// Read again: the other change may have landed after the first
		// read. What was typed stays in the form.
		if d, ok = s.showData(w, r, op); !ok {
			return
		}
		v.Data, v.Form["version"] = d, strconv.Itoa(d.Conversation.Version)
		field, key := "end_note", "conversation.close.conflict"
		if !d.Conversation.IsOpen() {
			field, key = "ended", "conversation.close.closed" // no form to try again: it has ended
		}
		v.Errors = append(v.Errors, web.FieldError{Field: field, Message: i18n.T(v.Lang, key)})
		s.Page(w, r, http.StatusConflict, "conversation", v)
	default:
		s.refused(w, r, op, v, err)
	}
}

// addHelp records short-term help arranged and what it cost.
func (s *Pages) addHelp(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, v, ok := s.page(w, r, op)
	if !ok {
		return
	}
	v.Keep(r, "help", "amount")
	on, dateOK := v.Date(r, "help_on", true)
	pence, amountErr := conversations.ParsePounds("amount", v.Form["amount"])
	h := &conversations.Help{OnDate: on, Help: v.Form["help"], Pence: pence}
	if !dateOK || amountErr != nil {
		// Nothing is saved; the other problems show beside these.
		v.Problems(amountErr)
		v.Problems(h.Check())
		s.Page(w, r, http.StatusUnprocessableEntity, "conversation", v)
		return
	}
	if err := conversations.AddHelp(r.Context(), s.DB, op, d.Conversation.ID, h); err != nil {
		s.refused(w, r, op, v, err)
		return
	}
	s.back(w, r, op, "help")
}

// addCheckIn records a check-in with the person.
func (s *Pages) addCheckIn(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	d, v, ok := s.page(w, r, op)
	if !ok {
		return
	}
	v.Keep(r, "checkin_note")
	on, dateOK := v.Date(r, "checkin_on", true)
	err := conversations.AddCheckIn(r.Context(), s.DB, op, d.Conversation.ID, &conversations.CheckIn{OnDate: on, Note: v.Form["checkin_note"]})
	switch {
	case !dateOK:
		v.Problems(err)
		s.Page(w, r, http.StatusUnprocessableEntity, "conversation", v)
	case err != nil:
		s.refused(w, r, op, v, err)
	default:
		s.back(w, r, op, "check-ins")
	}
}
