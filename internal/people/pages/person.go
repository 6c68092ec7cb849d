package pages

import (
	"errors"
	"net/http"
	"strconv"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

// load reads the opened person's details for a page; the gate has
// already opened the record.
func (s *Pages) load(w http.ResponseWriter, r *http.Request, op *access.Opened) (*people.Person, bool) {
	p, err := people.Load(r.Context(), s.DB.Read(), op)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return p, true
}

// accessEntry is one row of a visitor's times in the access log.
type accessEntry struct {
	audit.Event
	WhatKey string
}

var actionKeys = map[string]string{
	"person.read":           "access.action.read",
	"person.create":         "access.action.create",
	"person.update":         "access.action.update",
	"person.link.add":       "access.action.link",
	"breakglass.start":      "access.action.breakglass",
	"breakglass.review":     "access.action.review",
	"about_me.update":       "access.action.about_me",
	"person.profile.update": "access.action.update",
}

// accessLogData is the summary of who has looked at a record: one card
// per visitor, a page at a time.
type accessLogData struct {
	Person   *people.Person
	Visitors []people.Visitor
	Page     int
	Pages    int
	Pager    numberedPager
}

// accessLog sums up who has opened, changed or tried to open the record:
// each visitor once, however often they came, with the times behind a
// link. It fits a phone: GOV.UK summary cards, whose lists stack.
func (s *Pages) accessLog(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	visitors, total, err := people.AccessSummary(r.Context(), s.DB.Read(), op, page)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := &accessLogData{Person: p, Visitors: visitors, Page: max(page, 1), Pages: max((total+people.VisitorsPageSize-1)/people.VisitorsPageSize, 1)}
	d.Page = min(d.Page, d.Pages)
	d.Pager = numbered(d.Page, d.Pages, "/people/"+p.ID+"/access-log")
	v := s.NewView(r, "accesslog.title")
	v.Data = d
	s.Page(w, r, http.StatusOK, "accesslog", v)
}

// accessVisitorData is one visitor's times, a page at a time.
type accessVisitorData struct {
	Person  *people.Person
	Visitor people.Visitor
	Rows    []accessEntry
	Pager   pager
}

// accessVisitor lists each time one visitor (an account id, or "system")
// opened, changed or tried to open the record, newest first, in pages.
func (s *Pages) accessVisitor(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	who := r.PathValue("who")
	if who == "system" {
		who = ""
	}
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	times, err := people.AccessTimes(r.Context(), s.DB.Read(), op, who, audit.Page{Before: before, After: after})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := &accessVisitorData{Person: p, Visitor: times.Visitor,
		Pager: pager{Label: "accesslog.times_pages", PrevKey: "accesslog.newer", NextKey: "accesslog.older"}}
	base := r.URL.Path
	if times.Newer > 0 {
		d.Pager.PrevHref = base + "?after=" + strconv.FormatInt(times.Newer, 10)
	}
	if times.Older > 0 {
		d.Pager.NextHref = base + "?before=" + strconv.FormatInt(times.Older, 10)
	}
	for _, e := range times.Events {
		key := actionKeys[e.Action]
		if key == "" {
			key = "access.action.other"
		}
		if e.Outcome == audit.Denied {
			key = "access.action.denied"
		}
		d.Rows = append(d.Rows, accessEntry{Event: e, WhatKey: key})
	}
	v := s.NewView(r, "accesslog.title")
	v.Data = d
	s.Page(w, r, http.StatusOK, "accessvisitor", v)
}

func (s *Pages) editPerson(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "edit.title")
	v.Form["given_name"], v.Form["family_name"], v.Form["preferred_name"] = p.GivenName, p.FamilyName, p.PreferredName
	v.Form["nhs_number"], v.Form["version"] = p.NHSNumberDisplay(), strconv.Itoa(p.Version)
	v.FillDate("date_of_birth", p.DateOfBirth)
	v.Data = p
	s.Page(w, r, http.StatusOK, "edit", v)
}

func (s *Pages) savePerson(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	current, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "edit.title")
	v.Keep(r, "given_name", "family_name", "preferred_name", "nhs_number", "version")
	dob, dobOK := v.Date(r, "date_of_birth", false)
	version, _ := strconv.Atoi(v.Form["version"])
	p := &people.Person{ID: current.ID, GivenName: v.Form["given_name"], FamilyName: v.Form["family_name"],
		PreferredName: v.Form["preferred_name"], NHSNumber: v.Form["nhs_number"], Version: version, DateOfBirth: dob}
	if !dobOK {
		// Nothing is saved: the form shows the other problems beside the
		// date's.
		v.Problems(p.Normalise())
		v.Data = current
		s.Page(w, r, http.StatusUnprocessableEntity, "edit", v)
		return
	}
	err := people.Update(r.Context(), s.DB, op, p)
	switch {
	case err == nil:
		http.Redirect(w, r, "/people/"+p.ID+"?saved=1", http.StatusSeeOther)
	case errors.Is(err, store.ErrConflict):
		// Show both versions side by side: what was saved meanwhile and
		// what this person typed, so neither is silently lost.
		v.Title = i18n.T(v.Lang, "conflict.title")
		v.Data = struct{ Theirs, Yours *people.Person }{current, p}
		s.Page(w, r, http.StatusConflict, "conflict", v)
	case v.Problems(err):
		v.Data = current
		s.Page(w, r, http.StatusUnprocessableEntity, "edit", v)
	default:
		s.ServerError(w, r, err)
	}
}
