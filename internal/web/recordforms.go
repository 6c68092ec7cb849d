package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// The forms that add to a person's record. Each GET opens the record (so
// it is checked and audited like any read), each POST hands the form to
// the domain package, and a refused form comes back with everything typed.

// formPage is what every record form template receives in view.Data.
type formPage struct {
	Person    *people.Person
	Outcome   *people.Outcome        // the outcome being changed, or the progress form's
	Outcomes  []people.Outcome       // outcomes a story entry may concern
	Strengths []people.Strength      // strengths an outcome may build on
	Risks     []people.RiskAgreement // risk agreements that may go with an outcome
	Theirs    any                    // on a conflict: what was saved meanwhile
	Chosen    map[string]bool        // checked boxes
	Kinds     []string               // story entry kinds
}

func (s *Server) formView(r *http.Request, titleKey string, p *people.Person) (*view, *formPage) {
	v := s.newView(r, titleKey)
	d := &formPage{Person: p, Chosen: map[string]bool{}, Kinds: people.EntryKinds}
	v.Data = d
	return v, d
}

// keepForm copies the posted fields into the view, so a refused form
// shows what was typed.
func keepForm(v *view, r *http.Request, fields ...string) {
	for _, f := range fields {
		v.Form[f] = r.PostFormValue(f)
	}
}

// saved sends the browser back to the record, to the section just added.
func saved(w http.ResponseWriter, r *http.Request, personID, what, anchor string) {
	http.Redirect(w, r, "/people/"+personID+"?saved="+what+"#"+anchor, http.StatusSeeOther)
}

// refused shows a form again after a domain error: 422 with field errors,
// 404 if the person went out of reach, 500 otherwise.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, v *view, page string, err error) {
	if v.problems(err) {
		s.render(w, r, http.StatusUnprocessableEntity, page, v)
		return
	}
	s.fail(w, r, err)
}

var aboutMeFields = []string{"what_matters", "good_day", "bad_day", "how_to_support", "important", "talk_about",
	"dont_talk_about", "in_words_of", "version"}

func (s *Server) aboutMePage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	a, err := people.GetAboutMe(r.Context(), s.db.Read(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v, _ := s.formView(r, "aboutme.edit_title", p)
	fillAboutMe(v.Form, a)
	s.render(w, r, http.StatusOK, "aboutme", v)
}

func fillAboutMe(form map[string]string, a *people.AboutMe) {
	form["what_matters"], form["good_day"], form["bad_day"] = a.WhatMatters, a.GoodDay, a.BadDay
	form["how_to_support"], form["important"] = a.HowToSupport, a.Important
	form["talk_about"], form["dont_talk_about"], form["in_words_of"] = a.TalkAbout, a.DontTalkAbout, a.InWordsOf
	form["version"] = strconv.Itoa(a.Version)
}

func (s *Server) saveAboutMe(w http.ResponseWriter, r *http.Request) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	v, d := s.formView(r, "aboutme.edit_title", p)
	keepForm(v, r, aboutMeFields...)
	version, _ := strconv.Atoi(v.Form["version"])
	a := &people.AboutMe{PersonID: p.ID, Version: version, WhatMatters: v.Form["what_matters"], GoodDay: v.Form["good_day"],
		BadDay: v.Form["bad_day"], HowToSupport: v.Form["how_to_support"], Important: v.Form["important"],
		TalkAbout: v.Form["talk_about"], DontTalkAbout: v.Form["dont_talk_about"], InWordsOf: v.Form["in_words_of"]}
	err := people.SaveAboutMe(r.Context(), s.db, subject(r), a)
	if errors.Is(err, store.ErrConflict) {
		// Show what was saved meanwhile beside what this person typed,
		// and let them save again on top of it.
		theirs, lerr := people.GetAboutMe(r.Context(), s.db.Read(), p.ID)
		if lerr != nil {
			s.serverError(w, r, lerr)
			return
		}
		d.Theirs = theirs
		v.Form["version"] = strconv.Itoa(theirs.Version)
		v.Errors = append(v.Errors, fieldError{"what_matters", i18n.T(v.Lang, "aboutme.conflict", theirs.WrittenByLabel)})
		s.render(w, r, http.StatusConflict, "aboutme", v)
		return
	}
	if err != nil {
		s.refused(w, r, v, "aboutme", err)
		return
	}
	saved(w, r, p.ID, "about-me", "about-me")
}

// findOutcome returns one of the person's outcomes, or nil.
func findOutcome(list []people.Outcome, id string) *people.Outcome {
	for i := range list {
		if list[i].ID == id {
			return &list[i]
		}
	}
	return nil
}

func (s *Server) progressPage(w http.ResponseWriter, r *http.Request) {
	s.progress(w, r, false)
}

func (s *Server) addProgress(w http.ResponseWriter, r *http.Request) {
	s.progress(w, r, true)
}

func (s *Server) progress(w http.ResponseWriter, r *http.Request, post bool) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	outcomes, err := people.Outcomes(r.Context(), s.db.Read(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v, d := s.formView(r, "progress.title", p)
	if d.Outcome = findOutcome(outcomes, r.PathValue("outcome")); d.Outcome == nil {
		s.notFound(w, r)
		return
	}
	if !post {
		v.Form["on_date"] = time.Now().In(london).Format("2006-01-02")
		s.render(w, r, http.StatusOK, "progress", v)
		return
	}
	keepForm(v, r, "on_date", "movement", "note", "contributors")
	pr := &people.Progress{OutcomeID: d.Outcome.ID, OnDate: v.Form["on_date"], Movement: v.Form["movement"],
		Note: v.Form["note"], Contributors: v.Form["contributors"]}
	if err := people.AddProgress(r.Context(), s.db, subject(r), pr); err != nil {
		s.refused(w, r, v, "progress", err)
		return
	}
	saved(w, r, p.ID, "progress", "outcomes")
}

func (s *Server) newStrengthPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	v, _ := s.formView(r, "strength.new_title", p)
	v.Form["last_confirmed_on"] = time.Now().In(london).Format("2006-01-02")
	s.render(w, r, http.StatusOK, "strength", v)
}

func (s *Server) addStrength(w http.ResponseWriter, r *http.Request) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	v, _ := s.formView(r, "strength.new_title", p)
	keepForm(v, r, "strength", "meaning", "named_by", "last_confirmed_on")
	st := &people.Strength{PersonID: p.ID, Strength: v.Form["strength"], Meaning: v.Form["meaning"],
		NamedBy: v.Form["named_by"], LastConfirmedOn: v.Form["last_confirmed_on"]}
	if err := people.AddStrength(r.Context(), s.db, subject(r), st); err != nil {
		s.refused(w, r, v, "strength", err)
		return
	}
	saved(w, r, p.ID, "strength", "strengths")
}

var riskFields = []string{"wants_to", "risk", "likelihood", "impact", "mitigation", "persons_view", "agreed_by", "review_on"}

func (s *Server) newRiskPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	v, _ := s.formView(r, "risk.new_title", p)
	v.Form["review_on"] = time.Now().In(london).AddDate(0, 3, 0).Format("2006-01-02")
	s.render(w, r, http.StatusOK, "risk", v)
}

func (s *Server) addRisk(w http.ResponseWriter, r *http.Request) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	v, _ := s.formView(r, "risk.new_title", p)
	keepForm(v, r, riskFields...)
	ra := &people.RiskAgreement{PersonID: p.ID, WantsTo: v.Form["wants_to"], Risk: v.Form["risk"],
		Likelihood: v.Form["likelihood"], Impact: v.Form["impact"], Mitigation: v.Form["mitigation"],
		PersonsView: v.Form["persons_view"], AgreedBy: v.Form["agreed_by"], ReviewOn: v.Form["review_on"]}
	if err := people.AddRiskAgreement(r.Context(), s.db, subject(r), ra); err != nil {
		s.refused(w, r, v, "risk", err)
		return
	}
	saved(w, r, p.ID, "risk", "risks")
}

func (s *Server) newEntryPage(w http.ResponseWriter, r *http.Request) {
	s.entry(w, r, false)
}

func (s *Server) addEntry(w http.ResponseWriter, r *http.Request) {
	s.entry(w, r, true)
}

func (s *Server) entry(w http.ResponseWriter, r *http.Request, post bool) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	v, d := s.formView(r, "story.new_title", p)
	var err error
	if d.Outcomes, err = people.Outcomes(r.Context(), s.db.Read(), p.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if !post {
		now := time.Now().In(london)
		v.Form["kind"], v.Form["date"], v.Form["time"] = "conversation", now.Format("2006-01-02"), now.Format("15:04")
		s.render(w, r, http.StatusOK, "story", v)
		return
	}
	file, filename, tooBig := uploaded(r)
	keepForm(v, r, "kind", "date", "time", "place", "who", "body")
	e := &people.Entry{PersonID: p.ID, Kind: v.Form["kind"], Place: v.Form["place"], Who: v.Form["who"], Body: v.Form["body"]}
	for _, id := range r.PostForm["outcome_ids"] {
		d.Chosen[id] = true
		e.OutcomeIDs = append(e.OutcomeIDs, id)
	}
	when, ok := parseWhen(v.Form["date"], v.Form["time"])
	if !ok {
		v.Errors = append(v.Errors, fieldError{"date", i18n.T(v.Lang, "story.error.when")})
	}
	// Check the file before saving anything, so a refused file leaves no
	// entry without it.
	if tooBig {
		v.problems(valid.Problems{people.ErrAttachmentTooLarge})
	} else if file != nil {
		v.problems(people.CheckAttachment(file))
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "story", v)
		return
	}
	e.OccurredAt = when
	sub := subject(r)
	if err := people.AddEntry(r.Context(), s.db, sub, e); err != nil {
		renameField(err, "occurred_at", "date")
		s.refused(w, r, v, "story", err)
		return
	}
	if file != nil {
		if _, err := people.AddAttachment(r.Context(), s.db, sub, e.ID, filename, file); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	saved(w, r, p.ID, "story", "story")
}

// uploaded returns the story form's file, if one was chosen. tooBig says
// the form was cut off at the size limit.
func uploaded(r *http.Request) (data []byte, name string, tooBig bool) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, "", false
	}
	if err := r.ParseMultipartForm(maxFormBody); err != nil {
		var tooLarge *http.MaxBytesError
		return nil, "", errors.As(err, &tooLarge)
	}
	f, h, err := r.FormFile("file")
	if err != nil { // no file chosen
		return nil, "", false
	}
	defer f.Close()
	data, err = io.ReadAll(f)
	if err != nil {
		return nil, "", true
	}
	return data, h.Filename, false
}

// parseWhen reads the date and time boxes as UK local time.
func parseWhen(date, clock string) (time.Time, bool) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	if clock == "" {
		clock = "12:00"
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, london)
	return t, err == nil
}

// renameField points a domain field error at the form field that holds it.
func renameField(err error, from, to string) {
	var ps valid.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			if p.Field == from {
				p.Field = to
			}
		}
	}
	var fe *valid.FieldError
	if errors.As(err, &fe) && fe.Field == from {
		fe.Field = to
	}
}

// aboutMeHistory lists every version of About me, newest first: who wrote
// each, and when.
func (s *Server) aboutMeHistory(w http.ResponseWriter, r *http.Request) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	versions, err := people.AboutMeHistory(r.Context(), s.db.Read(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := s.newView(r, "aboutme.history_title")
	v.Data = struct {
		Person   *people.Person
		Versions []people.AboutMe
	}{p, versions}
	s.render(w, r, http.StatusOK, "aboutmehistory", v)
}
