package pages

import (
	"net/http"

	"whatmatters/internal/coach"
	"whatmatters/internal/web"
)

// coachFlag is one thing the coach noticed, ready to show.
type coachFlag struct {
	Text       string
	Suggestion string
}

// coachAdvice is what the coach says about one note.
type coachAdvice struct {
	Flags []coachFlag
	// CheckedAs names the language the note was checked in, when it is
	// not the page's: the reader sees why the words flagged are English
	// on a Welsh page, or Welsh on an English one.
	CheckedAs string
}

// checkedAs says which language a note was checked in.
var checkedAs = map[string]string{"en": "coach.checked_as.en", "cy": "coach.checked_as.cy"}

// coachCheck is the recording coach, asked by htmx as the worker types.
// It only advises: nothing is saved here and a save never waits for it.
//
// The note is checked against the word list (and, for an outcome, the
// first-person words) of the language it is written in, told from its
// words (coach.DetectLanguage), falling back to the page's language when
// the note is short or mixed. What the coach says is in the page's
// language; a suggested wording is in the note's, as it is to go in it.
func (s *Pages) coachCheck(w http.ResponseWriter, r *http.Request) {
	pageLang := web.LangOf(r)
	text := r.PostFormValue("body")
	if text == "" {
		text = r.PostFormValue("statement")
	}
	noteLang := coach.DetectLanguage(text, pageLang).Lang
	terms, err := coach.Terms(r.Context(), s.DB.Read(), noteLang)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	var flags []coach.Flag
	if r.URL.Query().Get("for") == "outcome" {
		flags = coach.CheckOutcome(text, noteLang, terms)
	} else {
		flags = coach.Check(text, terms)
	}
	out := coachAdvice{Flags: make([]coachFlag, 0, len(flags))}
	for _, f := range flags {
		switch f.Kind {
		case "term":
			out.Flags = append(out.Flags, coachFlag{Text: f.Text, Suggestion: f.Suggestion})
		default: // "long", "third_person": the coach's own advice, in the page's language
			out.Flags = append(out.Flags, coachFlag{Suggestion: "coach." + f.Kind})
		}
	}
	if noteLang != pageLang {
		out.CheckedAs = checkedAs[noteLang]
	}
	v := s.NewView(r, "coach.title")
	v.Data = out
	s.Page(w, r, http.StatusOK, "fragments/coach", v)
}
