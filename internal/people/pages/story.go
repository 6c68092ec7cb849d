package pages

import (
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/people"
)

// timelineData is the whole story, filtered.
type timelineData struct {
	Person   *people.Person
	Story    storyView
	Outcomes []people.Outcome
	Kinds    []people.EntryKind
	Kind     people.EntryKind
	Outcome  string
	History  bool
	Notice   string // after a correction or removal
}

func (s *Pages) timeline(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	q := r.URL.Query()
	d := &timelineData{Person: p, Kinds: people.EntryKinds, Kind: people.EntryKind(q.Get("kind")), Outcome: q.Get("outcome"), History: q.Get("history") == "1"}
	switch {
	case q.Get("conflict") == "1":
		d.Notice = "change.conflict"
	case q.Get("saved") == "1":
		d.Notice = "change.saved"
	}
	var err error
	if d.Outcomes, err = people.Outcomes(r.Context(), s.DB.Read(), op); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if d.Outcome != "" && findOutcome(d.Outcomes, d.Outcome) == nil {
		d.Outcome = "" // not this person's: show everything rather than nothing
	}
	if d.Kind != "" && !slices.Contains(people.EntryKinds, d.Kind) {
		d.Kind = ""
	}
	entries, err := people.Timeline(r.Context(), s.DB.Read(), op, people.TimelineFilter{Kind: d.Kind, OutcomeID: d.Outcome, History: d.History})
	if err == nil {
		d.Story, err = withFiles(r.Context(), s, op, entries)
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := s.NewView(r, "timeline.title")
	v.Data = d
	s.render(w, r, http.StatusOK, "timeline", v)
}

// attachment sends a file attached to a story entry, after the access
// rule and a read audit. Images are shown in the page; anything else is a
// download. The sandbox CSP stops a crafted file from running anything
// even if a browser were tricked into rendering it.
func (s *Pages) attachment(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	a, err := people.GetAttachment(r.Context(), s.DB.Read(), op, r.PathValue("attachment"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	disposition := "attachment"
	if strings.HasPrefix(a.ContentType, "image/") {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	_, _ = w.Write(a.Data)
}
