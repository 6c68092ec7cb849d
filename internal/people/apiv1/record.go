package apiv1

import (
	"net/http"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/api"
	"whatmatters/internal/people"
)

func (a *Endpoints) getProfile(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, err := people.GetProfile(r.Context(), a.DB.Read(), op)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, p)
}

func (a *Endpoints) listRelationships(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	l, err := people.Relationships(r.Context(), a.DB.Read(), op)
	items(a, w, r, l, err)
}

func (a *Endpoints) listAddresses(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	l, err := people.Addresses(r.Context(), a.DB.Read(), op)
	items(a, w, r, l, err)
}

func (a *Endpoints) listOutcomes(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	l, err := people.Outcomes(r.Context(), a.DB.Read(), op)
	items(a, w, r, l, err)
}

func (a *Endpoints) listStrengths(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	l, err := people.Strengths(r.Context(), a.DB.Read(), op)
	items(a, w, r, l, err)
}

func (a *Endpoints) listRisks(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	l, err := people.RiskAgreements(r.Context(), a.DB.Read(), op)
	items(a, w, r, l, err)
}

func (a *Endpoints) listStory(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	q := r.URL.Query()
	l, err := people.Timeline(r.Context(), a.DB.Read(), op, people.TimelineFilter{Kind: people.EntryKind(q.Get("kind")),
		OutcomeID: q.Get("outcome"), History: q.Get("history") == "true"})
	items(a, w, r, l, err)
}

func (a *Endpoints) listAttachments(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	byEntry, err := people.Attachments(r.Context(), a.DB.Read(), op)
	var all []people.Attachment
	for _, l := range byEntry {
		all = append(all, l...)
	}
	items(a, w, r, all, err)
}

func (a *Endpoints) getAboutMe(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	am, err := people.GetAboutMe(r.Context(), a.DB.Read(), op)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	w.Header().Set("ETag", api.ETag(am.Version))
	api.WriteJSON(w, http.StatusOK, am)
}

// putAboutMe saves a new version of About me. If-Match must carry the
// version it was written from ("0" for the first), so a version saved
// meanwhile by someone else is never overwritten.
func (a *Endpoints) putAboutMe(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	version, ok := a.IfMatch(w, r)
	if !ok {
		return
	}
	var am people.AboutMe
	if !a.Decode(w, r, &am) {
		return
	}
	am.Version = version
	err := people.SaveAboutMe(r.Context(), a.DB, op, &am)
	if a.WriteFailed(w, r, err) {
		return
	}
	w.Header().Set("ETag", api.ETag(am.Version))
	api.WriteJSON(w, http.StatusOK, am)
}

// items answers a part's list as {"items": [...]}.
func items[T any](a *Endpoints, w http.ResponseWriter, r *http.Request, l []T, err error) {
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, api.Items(l))
}

// create decodes a new item, clears what the server sets, and saves it
// with add (which takes the person from the opened record).
func create[T any](a *Endpoints, w http.ResponseWriter, r *http.Request, clear func(*T), add func(v *T) error) {
	var v T
	if !a.Decode(w, r, &v) {
		return
	}
	clear(&v)
	if a.WriteFailed(w, r, add(&v)) {
		return
	}
	api.WriteJSON(w, http.StatusCreated, &v)
}

func (a *Endpoints) postOutcome(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	create(a, w, r, func(o *people.Outcome) { o.ID, o.Progress = "", nil },
		func(o *people.Outcome) error { return people.AddOutcome(r.Context(), a.DB, op, o) })
}

func (a *Endpoints) postStrength(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	create(a, w, r, func(s *people.Strength) { s.ID = "" },
		func(s *people.Strength) error { return people.AddStrength(r.Context(), a.DB, op, s) })
}

func (a *Endpoints) postRisk(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	create(a, w, r, func(ra *people.RiskAgreement) { ra.ID = "" },
		func(ra *people.RiskAgreement) error { return people.AddRiskAgreement(r.Context(), a.DB, op, ra) })
}

// postProgress adds progress to one of the person's own outcomes; an
// outcome of anyone else is a 404.
func (a *Endpoints) postProgress(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	create(a, w, r, func(p *people.Progress) { p.ID, p.OutcomeID = "", r.PathValue("outcome") },
		func(p *people.Progress) error { return people.AddProgress(r.Context(), a.DB, op, p) })
}

// entryJSON is a new story entry as the API accepts it.
type entryJSON struct {
	Kind       people.EntryKind `json:"kind"`
	OccurredAt time.Time        `json:"occurred_at"`
	Place      string           `json:"place"`
	Who        string           `json:"who"`
	Body       string           `json:"body"`
	OutcomeIDs []string         `json:"outcome_ids"`
}

func (a *Endpoints) postEntry(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	var in entryJSON
	if !a.Decode(w, r, &in) {
		return
	}
	e := &people.Entry{Kind: in.Kind, OccurredAt: in.OccurredAt, Place: in.Place, Who: in.Who,
		Body: in.Body, OutcomeIDs: in.OutcomeIDs}
	if a.WriteFailed(w, r, people.AddEntry(r.Context(), a.DB, op, e)) {
		return
	}
	api.WriteJSON(w, http.StatusCreated, e)
}

// search is the one search (people.Search), as the home page and the
// search page make it: people by name, NHS number or date of birth, and
// the words of their story, About me and outcomes, among those the caller
// may see. "matches" says where each was found; "story" lists the story
// matches in the shape this endpoint has always had.
func (a *Endpoints) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		a.Problem(w, r, http.StatusBadRequest, "Say what to search for.", []api.FieldIssue{{Pointer: "#/q", Detail: "Give q: a name, NHS number, date of birth or words from a record"}})
		return
	}
	res, err := people.Search(r.Context(), a.DB, api.Subject(r), q)
	if a.Validation(w, r, err) {
		return
	}
	if err != nil {
		a.ServerError(w, r, err)
		return
	}
	ps := make([]personJSON, 0, len(res.People))
	for i := range res.People {
		ps = append(ps, toJSON(&res.People[i]))
	}
	matches := res.Hits
	if matches == nil {
		matches = []people.Hit{}
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"people": ps, "matches": matches, "story": res.StoryHits()})
}
