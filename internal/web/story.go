package web

import (
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"whatmatters/internal/coach"
	"whatmatters/internal/people"
)

// timelineData is the whole story, filtered.
type timelineData struct {
	Person   *people.Person
	Story    storyView
	Outcomes []people.Outcome
	Kinds    []string
	Kind     string
	Outcome  string
	History  bool
	Notice   string // after a correction or removal
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	p, ok := s.openPerson(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	d := &timelineData{Person: p, Kinds: people.EntryKinds, Kind: q.Get("kind"), Outcome: q.Get("outcome"), History: q.Get("history") == "1"}
	switch {
	case q.Get("conflict") == "1":
		d.Notice = "change.conflict"
	case q.Get("saved") == "1":
		d.Notice = "change.saved"
	}
	var err error
	if d.Outcomes, err = people.Outcomes(r.Context(), s.db.Read(), p.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Outcome != "" && findOutcome(d.Outcomes, d.Outcome) == nil {
		d.Outcome = "" // not this person's: show everything rather than nothing
	}
	if d.Kind != "" && !slices.Contains(people.EntryKinds, d.Kind) {
		d.Kind = ""
	}
	entries, err := people.Timeline(r.Context(), s.db.Read(), p.ID, people.TimelineFilter{Kind: d.Kind, OutcomeID: d.Outcome, History: d.History})
	if err == nil {
		d.Story, err = withFiles(r.Context(), s, p.ID, entries)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := s.newView(r, "timeline.title")
	v.Data = d
	s.render(w, r, http.StatusOK, "timeline", v)
}

// attachment sends a file attached to a story entry, after the access
// rule and a read audit. Images are shown in the page; anything else is a
// download. The sandbox CSP stops a crafted file from running anything
// even if a browser were tricked into rendering it.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) {
	a, err := people.GetAttachment(r.Context(), s.db, subject(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	disposition := "attachment"
	if strings.HasPrefix(a.ContentType, "image/") {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	_, _ = w.Write(a.Data)
}

// searchData is the results of searching people and their stories.
type searchData struct {
	Query  string
	People []people.Person
	Hits   []people.StoryHit
}

// search finds people by name, NHS number or date of birth, and story
// entries by their words, only among the people the searcher may see.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	d := &searchData{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d.Query != "" {
		sub := subject(r)
		var err error
		if d.People, err = people.List(r.Context(), s.db, sub, d.Query); err != nil {
			s.serverError(w, r, err)
			return
		}
		if d.Hits, err = people.SearchStory(r.Context(), s.db, sub, d.Query); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	v := s.newView(r, "search.title")
	v.Data = d
	s.render(w, r, http.StatusOK, "search", v)
}

// coachFlag is one thing the coach noticed, ready to show.
type coachFlag struct {
	Text       string
	Suggestion string
}

// coachCheck is the recording coach, asked by htmx as the worker types.
// It only advises: nothing is saved here and a save never waits for it.
func (s *Server) coachCheck(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	text := r.PostFormValue("body")
	if text == "" {
		text = r.PostFormValue("statement")
	}
	terms, err := coach.Terms(r.Context(), s.db.Read(), lang)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var flags []coach.Flag
	if r.URL.Query().Get("for") == "outcome" {
		flags = coach.CheckOutcome(text, lang, terms)
	} else {
		flags = coach.Check(text, terms)
	}
	out := make([]coachFlag, 0, len(flags))
	for _, f := range flags {
		switch f.Kind {
		case "term":
			out = append(out, coachFlag{Text: f.Text, Suggestion: f.Suggestion})
		default: // "long", "third_person": the coach's own advice, in the page's language
			out = append(out, coachFlag{Suggestion: "coach." + f.Kind})
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.pages.coach[lang].Execute(w, out); err != nil {
		s.log.Error("coach render", "err", err)
	}
}
