package pages

import (
	"errors"
	"net/http"
	"strconv"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
)

// profileData is the profile form: the person and the GP practices.
type profileData struct {
	Person      *people.Person
	GPPractices []account.Organisation
	Theirs      *people.Profile // on a conflict: what was saved meanwhile
}

var profileFields = []string{"pronouns", "first_language", "prefers_welsh", "communication", "communication_helps",
	"communication_aids", "best_time", "gp_practice_id", "nhs_number_verified", "version"}

func (s *Pages) profilePage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	pr, err := people.GetProfile(r.Context(), s.DB.Read(), op)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v, _, ok := s.profileView(w, r, op, p)
	if !ok {
		return
	}
	fillProfile(v.Form, pr)
	s.Page(w, r, http.StatusOK, "profile", v)
}

func (s *Pages) profileView(w http.ResponseWriter, r *http.Request, op *access.Opened, p *people.Person) (*web.View, *profileData, bool) {
	gps, err := account.OrganisationsOfKind(r.Context(), s.DB.Read(), account.OrgGPPractice)
	if err != nil {
		s.ServerError(w, r, err)
		return nil, nil, false
	}
	v := s.NewView(r, "profile.edit_title")
	d := &profileData{Person: p, GPPractices: gps}
	v.Data = d
	return v, d, true
}

func fillProfile(form map[string]string, pr *people.Profile) {
	form["pronouns"], form["first_language"], form["communication"] = pr.Pronouns, pr.FirstLanguage, pr.Communication
	form["communication_helps"], form["communication_aids"], form["best_time"] = pr.CommunicationHelps, pr.CommunicationAids, pr.BestTime
	form["gp_practice_id"], form["version"] = pr.GPPracticeID, strconv.Itoa(pr.Version)
	form["prefers_welsh"], form["nhs_number_verified"] = checkbox(pr.PrefersWelsh), checkbox(pr.NHSNumberVerified)
}

func checkbox(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func (s *Pages) saveProfile(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v, d, ok := s.profileView(w, r, op, p)
	if !ok {
		return
	}
	v.Keep(r, profileFields...)
	version, _ := strconv.Atoi(v.Form["version"])
	pr := &people.Profile{PersonID: p.ID, Pronouns: v.Form["pronouns"], FirstLanguage: v.Form["first_language"],
		PrefersWelsh: v.Form["prefers_welsh"] == "yes", Communication: v.Form["communication"],
		CommunicationHelps: v.Form["communication_helps"], CommunicationAids: v.Form["communication_aids"],
		BestTime: v.Form["best_time"], GPPracticeID: v.Form["gp_practice_id"],
		NHSNumberVerified: v.Form["nhs_number_verified"] == "yes", Version: version}
	err := people.UpdateProfile(r.Context(), s.DB, op, pr)
	if errors.Is(err, store.ErrConflict) {
		theirs, lerr := people.GetProfile(r.Context(), s.DB.Read(), op)
		if lerr != nil {
			s.ServerError(w, r, lerr)
			return
		}
		d.Theirs = theirs
		v.Form["version"] = strconv.Itoa(theirs.Version)
		v.Errors = append(v.Errors, web.FieldError{Field: "pronouns", Message: i18n.T(v.Lang, "profile.conflict")})
		s.Page(w, r, http.StatusConflict, "profile", v)
		return
	}
	if err != nil {
		s.refused(w, r, v, "profile", err)
		return
	}
	saved(w, r, p.ID, "profile", "profile")
}

// relationshipData is the form for someone who matters to the person.
type relationshipData struct {
	Person *people.Person
	People []people.Person // others the worker supports, who may be linked both ways
}

func (s *Pages) relationshipPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.relationship(w, r, op, false)
}

func (s *Pages) addRelationship(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.relationship(w, r, op, true)
}

func (s *Pages) relationship(w http.ResponseWriter, r *http.Request, op *access.Opened, post bool) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	others, err := people.List(r.Context(), s.DB, web.Subject(r), "")
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	d := &relationshipData{Person: p}
	for _, o := range others {
		if o.ID != p.ID {
			d.People = append(d.People, o)
		}
	}
	v := s.NewView(r, "relationship.title")
	v.Data = d
	if !post {
		s.Page(w, r, http.StatusOK, "relationship", v)
		return
	}
	v.Keep(r, "name", "relationship", "related_person_id", "inverse", "contact", "is_carer", "is_main_carer", "is_key_contact")
	rel := &people.Relationship{PersonID: p.ID, Name: v.Form["name"], Relationship: v.Form["relationship"],
		RelatedPersonID: v.Form["related_person_id"], Contact: v.Form["contact"], IsCarer: v.Form["is_carer"] == "yes",
		IsMainCarer: v.Form["is_main_carer"] == "yes", IsKeyContact: v.Form["is_key_contact"] == "yes"}
	if err := people.AddRelationship(r.Context(), s.DB, op, rel, v.Form["inverse"]); err != nil {
		s.refused(w, r, v, "relationship", err)
		return
	}
	saved(w, r, p.ID, "relationship", "profile")
}

// addressData is the address form.
type addressData struct {
	Person *people.Person
	Kinds  []people.AddressKind
}

func (s *Pages) addressPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.address(w, r, op, false)
}

func (s *Pages) addAddress(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.address(w, r, op, true)
}

func (s *Pages) address(w http.ResponseWriter, r *http.Request, op *access.Opened, post bool) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "address.title")
	v.Data = &addressData{Person: p, Kinds: people.AddressKinds}
	if !post {
		v.Form["kind"] = string(people.AddressHome)
		s.Page(w, r, http.StatusOK, "address", v)
		return
	}
	v.Keep(r, "kind", "lines", "postcode")
	from, fromOK := v.Date(r, "from_date", false)
	to, toOK := v.Date(r, "to_date", false)
	a := &people.Address{PersonID: p.ID, Kind: people.AddressKind(v.Form["kind"]), Lines: v.Form["lines"], Postcode: v.Form["postcode"],
		FromDate: from, ToDate: to}
	if !fromOK || !toOK {
		s.unread(w, r, v, "address", a.Check())
		return
	}
	if err := people.AddAddress(r.Context(), s.DB, op, a); err != nil {
		s.refused(w, r, v, "address", err)
		return
	}
	saved(w, r, p.ID, "address", "profile")
}
