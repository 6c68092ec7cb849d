package pages

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
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
	Kinds     []people.EntryKind     // story entry kinds
	Choices   *choices
}

// choices are the domain's own lists the record forms offer as radios.
type choices struct {
	OutcomeKinds    []people.OutcomeKind
	OutcomeStatuses []people.OutcomeStatus
	Expressers      []people.Expresser
	Movements       []people.Movement
	Levels          []people.Level
}

var recordChoices = &choices{OutcomeKinds: people.OutcomeKinds, OutcomeStatuses: people.OutcomeStatuses,
	Expressers: people.Expressers, Movements: people.Movements, Levels: people.Levels}

// MaxBody is the longest story entry, for the form's character count.
func (*formPage) MaxBody() int { return people.MaxEntryBody }

func (s *Pages) formView(r *http.Request, titleKey string, p *people.Person) (*web.View, *formPage) {
	v := s.NewView(r, titleKey)
	d := &formPage{Person: p, Chosen: map[string]bool{}, Kinds: people.EntryKinds, Choices: recordChoices}
	v.Data = d
	return v, d
}

// keepForm copies the posted fields into the view, so a refused form

// saved sends the browser back to the record, to the section just added.
func saved(w http.ResponseWriter, r *http.Request, personID, what, anchor string) {
	http.Redirect(w, r, "/people/"+personID+"?saved="+what+"#"+anchor, http.StatusSeeOther)
}

// refused shows a form again after a domain error: 422 with field errors,
// 404 if the person went out of reach, 500 otherwise.
func (s *Pages) refused(w http.ResponseWriter, r *http.Request, v *web.View, page string, err error) {
	if v.Problems(err) {
		s.Page(w, r, http.StatusUnprocessableEntity, page, v)
		return
	}
	s.Fail(w, r, err)
}

// unread shows a form again whose dates could not be read: nothing is
// saved, and the form's other problems (the domain's own check of what
// was typed) show beside the dates'.
func (s *Pages) unread(w http.ResponseWriter, r *http.Request, v *web.View, page string, check error) {
	v.Problems(check)
	s.Page(w, r, http.StatusUnprocessableEntity, page, v)
}

var aboutMeFields = []string{"what_matters", "good_day", "bad_day", "how_to_support", "important", "talk_about",
	"dont_talk_about", "in_words_of", "version"}

func (s *Pages) aboutMePage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	a, err := people.GetAboutMe(r.Context(), s.DB.Read(), op)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v, _ := s.formView(r, "aboutme.edit_title", p)
	fillAboutMe(v.Form, a)
	s.Page(w, r, http.StatusOK, "aboutme", v)
}

func fillAboutMe(form map[string]string, a *people.AboutMe) {
	form["what_matters"], form["good_day"], form["bad_day"] = a.WhatMatters, a.GoodDay, a.BadDay
	form["how_to_support"], form["important"] = a.HowToSupport, a.Important
	form["talk_about"], form["dont_talk_about"], form["in_words_of"] = a.TalkAbout, a.DontTalkAbout, a.InWordsOf
	form["version"] = strconv.Itoa(a.Version)
}

func (s *Pages) saveAboutMe(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v, d := s.formView(r, "aboutme.edit_title", p)
	v.Keep(r, aboutMeFields...)
	version, _ := strconv.Atoi(v.Form["version"])
	a := &people.AboutMe{PersonID: p.ID, Version: version, WhatMatters: v.Form["what_matters"], GoodDay: v.Form["good_day"],
		BadDay: v.Form["bad_day"], HowToSupport: v.Form["how_to_support"], Important: v.Form["important"],
		TalkAbout: v.Form["talk_about"], DontTalkAbout: v.Form["dont_talk_about"], InWordsOf: v.Form["in_words_of"]}
	merge, err := people.MergeAboutMe(r.Context(), s.DB, op, a)
	var conflict *people.AboutMeConflict
	if errors.As(err, &conflict) {
		s.aboutMeConflict(w, r, v, d, conflict)
		return
	}
	if err != nil {
		s.refused(w, r, v, "aboutme", err)
		return
	}
	if merge != nil && len(merge.Kept()) > 0 {
		saved(w, r, p.ID, "about-me-merged", "about-me")
		return
	}
	saved(w, r, p.ID, "about-me", "about-me")
}

// aboutMeLabels are the message keys of About me's sections, by form name.
var aboutMeLabels = map[string]string{"what_matters": "aboutme.what_matters", "good_day": "aboutme.good_day",
	"bad_day": "aboutme.bad_day", "how_to_support": "aboutme.how_to_support", "important": "aboutme.important",
	"talk_about": "aboutme.talk_about", "dont_talk_about": "aboutme.dont_talk_about", "in_words_of": "aboutme.in_words_of_label"}

// aboutMeConflictView is the conflict page's comparison: every section,
// what happened to it, and both versions where both changed it.
type aboutMeConflictView struct {
	By       string // who saved meanwhile
	Sections []aboutMeSectionView
}

type aboutMeSectionView struct {
	people.SectionMerge
	Label string // message key
}

// aboutMeConflict shows every section of About me after someone else
// changed a section this writer changed too. The form holds the merge:
// sections only one of them changed have that change, sections both
// changed have both versions, and the version is the newer one, so that
// saving the page as it stands loses nothing either person wrote.
func (s *Pages) aboutMeConflict(w http.ResponseWriter, r *http.Request, v *web.View, d *formPage, c *people.AboutMeConflict) {
	cv := &aboutMeConflictView{By: c.Theirs.WrittenBy.Name}
	for _, sec := range c.Sections {
		cv.Sections = append(cv.Sections, aboutMeSectionView{SectionMerge: sec, Label: aboutMeLabels[sec.Name]})
		if sec.State == people.SectionBoth {
			v.Errors = append(v.Errors, web.FieldError{Field: sec.Name,
				Message: i18n.T(v.Lang, "aboutme.conflict.section", i18n.T(v.Lang, aboutMeLabels[sec.Name]), cv.By)})
		}
	}
	d.Theirs = cv
	fillAboutMe(v.Form, c.Draft())
	s.Page(w, r, http.StatusConflict, "aboutme", v)
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

func (s *Pages) progressPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.progress(w, r, op, false)
}

func (s *Pages) addProgress(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.progress(w, r, op, true)
}

func (s *Pages) progress(w http.ResponseWriter, r *http.Request, op *access.Opened, post bool) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	outcomes, err := people.Outcomes(r.Context(), s.DB.Read(), op)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v, d := s.formView(r, "progress.title", p)
	if d.Outcome = findOutcome(outcomes, r.PathValue("outcome")); d.Outcome == nil {
		s.NotFound(w, r)
		return
	}
	if !post {
		v.FillDate("on_date", valid.Today())
		s.Page(w, r, http.StatusOK, "progress", v)
		return
	}
	v.Keep(r, "movement", "note", "contributors")
	on, ok := v.Date(r, "on_date", true)
	pr := &people.Progress{OutcomeID: d.Outcome.ID, OnDate: on, Movement: people.Movement(v.Form["movement"]),
		Note: v.Form["note"], Contributors: v.Form["contributors"]}
	if !ok {
		s.unread(w, r, v, "progress", pr.Check())
		return
	}
	if err := people.AddProgress(r.Context(), s.DB, op, pr); err != nil {
		s.refused(w, r, v, "progress", err)
		return
	}
	saved(w, r, p.ID, "progress", "outcomes")
}

func (s *Pages) newStrengthPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v, _ := s.formView(r, "strength.new_title", p)
	v.FillDate("last_confirmed_on", valid.Today())
	s.Page(w, r, http.StatusOK, "strength", v)
}

func (s *Pages) addStrength(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v, _ := s.formView(r, "strength.new_title", p)
	v.Keep(r, "strength", "meaning", "named_by")
	confirmed, ok := v.Date(r, "last_confirmed_on", true)
	st := &people.Strength{PersonID: p.ID, Strength: v.Form["strength"], Meaning: v.Form["meaning"],
		NamedBy: v.Form["named_by"], LastConfirmedOn: confirmed}
	if !ok {
		s.unread(w, r, v, "strength", st.Check())
		return
	}
	if err := people.AddStrength(r.Context(), s.DB, op, st); err != nil {
		s.refused(w, r, v, "strength", err)
		return
	}
	saved(w, r, p.ID, "strength", "strengths")
}

var riskFields = []string{"wants_to", "risk", "likelihood", "impact", "mitigation", "persons_view", "agreed_by"}

func (s *Pages) newRiskPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v, _ := s.formView(r, "risk.new_title", p)
	today := valid.Today()
	v.FillDate("review_on", valid.NewDate(today.Year(), today.Month()+3, today.Day())) // a first review in three months
	s.Page(w, r, http.StatusOK, "risk", v)
}

func (s *Pages) addRisk(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v, _ := s.formView(r, "risk.new_title", p)
	v.Keep(r, riskFields...)
	review, ok := v.Date(r, "review_on", true)
	ra := &people.RiskAgreement{PersonID: p.ID, WantsTo: v.Form["wants_to"], Risk: v.Form["risk"],
		Likelihood: people.Level(v.Form["likelihood"]), Impact: people.Level(v.Form["impact"]), Mitigation: v.Form["mitigation"],
		PersonsView: v.Form["persons_view"], AgreedBy: v.Form["agreed_by"], ReviewOn: review}
	if !ok {
		s.unread(w, r, v, "risk", ra.Check())
		return
	}
	if err := people.AddRiskAgreement(r.Context(), s.DB, op, ra); err != nil {
		s.refused(w, r, v, "risk", err)
		return
	}
	saved(w, r, p.ID, "risk", "risks")
}

func (s *Pages) newEntryPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.entry(w, r, op, false)
}

func (s *Pages) addEntry(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.entry(w, r, op, true)
}

func (s *Pages) entry(w http.ResponseWriter, r *http.Request, op *access.Opened, post bool) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	v, d := s.formView(r, "story.new_title", p)
	var err error
	if d.Outcomes, err = people.Outcomes(r.Context(), s.DB.Read(), op); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if !post {
		v.Form["kind"] = string(people.KindConversation)
		fillWhen(v, time.Now())
		s.Page(w, r, http.StatusOK, "story", v)
		return
	}
	file, filename, tooBig := uploaded(r)
	v.Keep(r, "kind", "time", "place", "who", "body")
	e := &people.Entry{PersonID: p.ID, Kind: people.EntryKind(v.Form["kind"]), Place: v.Form["place"], Who: v.Form["who"], Body: v.Form["body"]}
	for _, id := range r.PostForm["outcome_ids"] {
		d.Chosen[id] = true
		e.OutcomeIDs = append(e.OutcomeIDs, id)
	}
	e.OccurredAt, _ = readWhen(v, r)
	// Check the file before saving anything, so a refused file leaves no
	// entry without it.
	if tooBig {
		v.Problems(people.AttachmentTooLarge())
	} else if file != nil {
		v.Problems(people.CheckAttachment(filename, file))
	}
	if len(v.Errors) > 0 {
		// Nothing is saved: the entry's other problems show too.
		err := e.Check()
		renameField(err, "occurred_at", "date")
		s.unread(w, r, v, "story", err)
		return
	}
	var files []people.NewFile
	if file != nil {
		files = append(files, people.NewFile{Name: filename, Data: file})
	}
	// The entry and its file are saved together or not at all.
	if err := people.AddEntry(r.Context(), s.DB, op, e, files...); err != nil {
		renameField(err, "occurred_at", "date")
		s.refused(w, r, v, "story", err)
		return
	}
	saved(w, r, p.ID, "story", "story")
}

// uploaded returns the story form's file, if one was chosen. tooBig says
// the form was cut off at the size limit.
func uploaded(r *http.Request) (data []byte, name string, tooBig bool) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, "", false
	}
	if err := r.ParseMultipartForm(web.MaxFormBody); err != nil {
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

// readWhen reads when a story entry happened, as UK local time: the date
// from the shared date input called "date" and the time from the "time"
// box, like 14:30 (left empty, midday). A problem with either is added
// to the view, on its own field, and ok is false.
func readWhen(v *web.View, r *http.Request) (when time.Time, ok bool) {
	day, ok := v.Date(r, "date", true)
	clock := strings.TrimSpace(v.Form["time"])
	if clock == "" {
		clock = "12:00"
	}
	t, err := time.Parse("15:04", clock)
	if err != nil {
		v.Problems(valid.New("time", "story.time.real"))
		return time.Time{}, false
	}
	if !ok {
		return time.Time{}, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, valid.London), true
}

// fillWhen shows a time in the story form's date and time boxes.
func fillWhen(v *web.View, when time.Time) {
	when = when.In(valid.London)
	v.FillDate("date", valid.DateOf(when))
	v.Form["time"] = when.Format("15:04")
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
func (s *Pages) aboutMeHistory(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	versions, err := people.AboutMeHistory(r.Context(), s.DB.Read(), op)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := s.NewView(r, "aboutme.history_title")
	v.Data = struct {
		Person   *people.Person
		Versions []people.AboutMe
	}{p, versions}
	s.Page(w, r, http.StatusOK, "aboutmehistory", v)
}
