package pages

import (
	"errors"
	"net/http"
	"net/url"

	"whatmatters/internal/access"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
)

// A story entry is never edited in place: a correction is a new version
// that says why, and a removal keeps the entry in the history with its
// reason. Both are on one page.

// changeData is the correct-or-remove page.
type changeData struct {
	Person *people.Person
	Entry  *people.Entry
	Kinds  []people.EntryKind
}

// MaxBody is the longest story entry, for the form's character count.
func (*changeData) MaxBody() int { return people.MaxEntryBody }

// findEntry opens the record and finds one of its current entries.
func (s *Pages) findEntry(w http.ResponseWriter, r *http.Request, op *access.Opened) (*people.Person, *people.Entry, bool) {
	p, ok := s.load(w, r, op)
	if !ok {
		return nil, nil, false
	}
	entries, err := people.Timeline(r.Context(), s.DB.Read(), op, people.TimelineFilter{EntryID: r.PathValue("entry")})
	if err != nil {
		s.ServerError(w, r, err)
		return nil, nil, false
	}
	if len(entries) == 1 {
		return p, &entries[0], true
	}
	s.NotFound(w, r) // not this person's, or already corrected or removed
	return nil, nil, false
}

func (s *Pages) changeEntryPage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, e, ok := s.findEntry(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "change.title")
	v.Form["kind"], v.Form["place"], v.Form["who"], v.Form["body"] = string(e.Kind), e.Place, e.Who, e.Body
	fillWhen(v, e.OccurredAt)
	v.Data = &changeData{Person: p, Entry: e, Kinds: people.EntryKinds}
	s.Page(w, r, http.StatusOK, "change", v)
}

func (s *Pages) correctEntry(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, old, ok := s.findEntry(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "change.title")
	v.Data = &changeData{Person: p, Entry: old, Kinds: people.EntryKinds}
	v.Keep(r, "kind", "time", "place", "who", "body", "correction_reason")
	e := &people.Entry{Kind: people.EntryKind(v.Form["kind"]), Place: v.Form["place"], Who: v.Form["who"], Body: v.Form["body"],
		OutcomeIDs: old.OutcomeIDs}
	if e.OccurredAt, ok = readWhen(v, r); !ok {
		// Nothing is saved: the correction's other problems show too.
		err := people.CheckCorrection(e, v.Form["correction_reason"])
		renameField(err, "occurred_at", "date")
		s.unread(w, r, v, "change", err)
		return
	}
	err := people.CorrectEntry(r.Context(), s.DB, op, old.ID, e, v.Form["correction_reason"])
	shown := e.ID // the correction; on a conflict, the entry as it was
	if err != nil {
		shown = old.ID
	}
	s.afterChange(w, r, op, v, p.ID, shown, err)
}

func (s *Pages) removeEntry(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, old, ok := s.findEntry(w, r, op)
	if !ok {
		return
	}
	v := s.NewView(r, "change.title")
	v.Data = &changeData{Person: p, Entry: old, Kinds: people.EntryKinds}
	v.Keep(r, "removed_reason")
	v.Form["kind"], v.Form["place"], v.Form["who"], v.Form["body"] = string(old.Kind), old.Place, old.Who, old.Body
	fillWhen(v, old.OccurredAt)
	err := people.RemoveEntry(r.Context(), s.DB, op, old.ID, v.Form["removed_reason"])
	s.afterChange(w, r, op, v, p.ID, old.ID, err)
}

// afterChange answers a correction or removal. If someone else corrected
// or removed the entry first, nothing is written and the story says what
// happened. Either way the story opens at the page that shows the entry
// (entryID), wherever it is in a long story.
func (s *Pages) afterChange(w http.ResponseWriter, r *http.Request, op *access.Opened, v *web.View, personID, entryID string, err error) {
	at := "&at=" + url.QueryEscape(entryID) + "#entry-" + url.QueryEscape(entryID)
	switch {
	case err == nil:
		http.Redirect(w, r, "/people/"+personID+"/story?history=1&saved=1"+at, http.StatusSeeOther)
	case errors.Is(err, store.ErrConflict):
		http.Redirect(w, r, "/people/"+personID+"/story?history=1&conflict=1"+at, http.StatusSeeOther)
	default:
		renameField(err, "occurred_at", "date")
		s.refused(w, r, v, "change", err)
	}
}
