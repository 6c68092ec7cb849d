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

// coachCheck is the recording coach, asked by htmx as the worker types.
// It only advises: nothing is saved here and a save never waits for it.
func (s *Pages) coachCheck(w http.ResponseWriter, r *http.Request) {
	lang := web.LangOf(r)
	text := r.PostFormValue("body")
	if text == "" {
		text = r.PostFormValue("statement")
	}
	terms, err := coach.Terms(r.Context(), s.DB.Read(), lang)
	if err != nil {
		s.ServerError(w, r, err)
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
	v := s.NewView(r, "coach.title")
	v.Data = out
	s.render(w, r, http.StatusOK, "fragments/coach", v)
}
