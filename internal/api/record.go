package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

// The parts of a person's record. Every handler first opens the record
// (the access rule and a read audit), then reads or writes the part.

// open opens the record named in the path; it answers 404 itself.
func (a *API) open(w http.ResponseWriter, r *http.Request) (*people.Person, bool) {
	p, err := people.Get(r.Context(), a.db, subject(r), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		a.notFound(w, r)
		return nil, false
	}
	if err != nil {
		a.serverError(w, r, err)
		return nil, false
	}
	return p, true
}

// part answers a GET for one part of the record, loaded by load.
func part[T any](a *API, load func(r *http.Request, personID string) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := a.open(w, r)
		if !ok {
			return
		}
		v, err := load(r, p.ID)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// items wraps a list so an empty one is [] rather than null.
func items[T any](list []T) map[string]any {
	if list == nil {
		list = []T{}
	}
	return map[string]any{"items": list}
}

func (a *API) recordRoutes(mux *http.ServeMux) {
	rd := func() store.Reader { return a.db.Read() }
	mux.HandleFunc("GET /api/v1/people/{id}/profile", a.authed(part(a, func(r *http.Request, id string) (*people.Profile, error) {
		return people.GetProfile(r.Context(), rd(), id)
	})))
	mux.HandleFunc("GET /api/v1/people/{id}/relationships", a.authed(part(a, func(r *http.Request, id string) (map[string]any, error) {
		l, err := people.Relationships(r.Context(), rd(), id)
		return items(l), err
	})))
	mux.HandleFunc("GET /api/v1/people/{id}/addresses", a.authed(part(a, func(r *http.Request, id string) (map[string]any, error) {
		l, err := people.Addresses(r.Context(), rd(), id)
		return items(l), err
	})))
	mux.HandleFunc("GET /api/v1/people/{id}/about-me", a.authed(a.getAboutMe))
	mux.HandleFunc("PUT /api/v1/people/{id}/about-me", a.authed(a.putAboutMe))
	mux.HandleFunc("GET /api/v1/people/{id}/outcomes", a.authed(part(a, func(r *http.Request, id string) (map[string]any, error) {
		l, err := people.Outcomes(r.Context(), rd(), id)
		return items(l), err
	})))
	mux.HandleFunc("POST /api/v1/people/{id}/outcomes", a.authed(a.postOutcome))
	mux.HandleFunc("POST /api/v1/people/{id}/outcomes/{outcome}/progress", a.authed(a.postProgress))
	mux.HandleFunc("GET /api/v1/people/{id}/strengths", a.authed(part(a, func(r *http.Request, id string) (map[string]any, error) {
		l, err := people.Strengths(r.Context(), rd(), id)
		return items(l), err
	})))
	mux.HandleFunc("POST /api/v1/people/{id}/strengths", a.authed(a.postStrength))
	mux.HandleFunc("GET /api/v1/people/{id}/risks", a.authed(part(a, func(r *http.Request, id string) (map[string]any, error) {
		l, err := people.RiskAgreements(r.Context(), rd(), id)
		return items(l), err
	})))
	mux.HandleFunc("POST /api/v1/people/{id}/risks", a.authed(a.postRisk))
	mux.HandleFunc("GET /api/v1/people/{id}/story", a.authed(part(a, func(r *http.Request, id string) (map[string]any, error) {
		q := r.URL.Query()
		l, err := people.Timeline(r.Context(), rd(), id, people.TimelineFilter{Kind: q.Get("kind"),
			OutcomeID: q.Get("outcome"), History: q.Get("history") == "true"})
		return items(l), err
	})))
	mux.HandleFunc("POST /api/v1/people/{id}/story", a.authed(a.postEntry))
	mux.HandleFunc("GET /api/v1/people/{id}/attachments", a.authed(part(a, func(r *http.Request, id string) (map[string]any, error) {
		byEntry, err := people.Attachments(r.Context(), rd(), id)
		var all []people.Attachment
		for _, l := range byEntry {
			all = append(all, l...)
		}
		return items(all), err
	})))
	mux.HandleFunc("GET /api/v1/search", a.authed(a.search))
}

func (a *API) getAboutMe(w http.ResponseWriter, r *http.Request) {
	p, ok := a.open(w, r)
	if !ok {
		return
	}
	am, err := people.GetAboutMe(r.Context(), a.db.Read(), p.ID)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(am.Version))
	writeJSON(w, http.StatusOK, am)
}

// putAboutMe saves a new version of About me. If-Match must carry the
// version it was written from ("0" for the first), so a version saved
// meanwhile by someone else is never overwritten.
func (a *API) putAboutMe(w http.ResponseWriter, r *http.Request) {
	version, ok := a.ifMatch(w, r)
	if !ok {
		return
	}
	var am people.AboutMe
	if !a.decode(w, r, &am) {
		return
	}
	p, ok := a.open(w, r)
	if !ok {
		return
	}
	am.PersonID, am.Version = p.ID, version
	err := people.SaveAboutMe(r.Context(), a.db, subject(r), &am)
	if a.writeFailed(w, r, err) {
		return
	}
	w.Header().Set("ETag", etag(am.Version))
	writeJSON(w, http.StatusOK, am)
}

// ifMatch reads the version a change was made from.
func (a *API) ifMatch(w http.ResponseWriter, r *http.Request) (int, bool) {
	match := r.Header.Get("If-Match")
	if match == "" {
		a.problem(w, r, http.StatusPreconditionRequired,
			"Send If-Match with the ETag from GET, so a change made by someone else meanwhile is not overwritten.", nil)
		return 0, false
	}
	version, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(match, "W/"), `"`))
	if err != nil {
		a.problem(w, r, http.StatusBadRequest, "If-Match must be the ETag from GET, like \"3\".", nil)
		return 0, false
	}
	return version, true
}

// writeFailed answers a failed write; it reports false when err is nil.
func (a *API) writeFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrNotFound):
		a.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		a.problem(w, r, http.StatusPreconditionFailed,
			"Someone else changed this since your GET. Nothing was changed: GET again, reapply your change, and send the new ETag.", nil)
	case a.validation(w, r, err):
	default:
		a.serverError(w, r, err)
	}
	return true
}

// create decodes a new item, sets its person, and saves it with add.
func create[T any](a *API, setPerson func(*T, string), add func(r *http.Request, v *T) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var v T
		if !a.decode(w, r, &v) {
			return
		}
		p, ok := a.open(w, r)
		if !ok {
			return
		}
		setPerson(&v, p.ID)
		if a.writeFailed(w, r, add(r, &v)) {
			return
		}
		writeJSON(w, http.StatusCreated, &v)
	}
}

func (a *API) postOutcome(w http.ResponseWriter, r *http.Request) {
	create(a, func(o *people.Outcome, id string) { o.PersonID, o.ID, o.Progress = id, "", nil },
		func(r *http.Request, o *people.Outcome) error {
			return people.AddOutcome(r.Context(), a.db, subject(r), o)
		})(w, r)
}

func (a *API) postStrength(w http.ResponseWriter, r *http.Request) {
	create(a, func(s *people.Strength, id string) { s.PersonID, s.ID = id, "" },
		func(r *http.Request, s *people.Strength) error {
			return people.AddStrength(r.Context(), a.db, subject(r), s)
		})(w, r)
}

func (a *API) postRisk(w http.ResponseWriter, r *http.Request) {
	create(a, func(ra *people.RiskAgreement, id string) { ra.PersonID, ra.ID = id, "" },
		func(r *http.Request, ra *people.RiskAgreement) error {
			return people.AddRiskAgreement(r.Context(), a.db, subject(r), ra)
		})(w, r)
}

// postProgress adds progress to one of the person's own outcomes; an
// outcome of anyone else is a 404.
func (a *API) postProgress(w http.ResponseWriter, r *http.Request) {
	create(a, func(p *people.Progress, _ string) { p.ID, p.OutcomeID = "", r.PathValue("outcome") },
		func(r *http.Request, p *people.Progress) error {
			outcomes, err := people.Outcomes(r.Context(), a.db.Read(), r.PathValue("id"))
			if err != nil {
				return err
			}
			for _, o := range outcomes {
				if o.ID == p.OutcomeID {
					return people.AddProgress(r.Context(), a.db, subject(r), p)
				}
			}
			return store.ErrNotFound
		})(w, r)
}

// entryJSON is a new story entry as the API accepts it.
type entryJSON struct {
	Kind       string    `json:"kind"`
	OccurredAt time.Time `json:"occurred_at"`
	Place      string    `json:"place"`
	Who        string    `json:"who"`
	Body       string    `json:"body"`
	OutcomeIDs []string  `json:"outcome_ids"`
}

func (a *API) postEntry(w http.ResponseWriter, r *http.Request) {
	var in entryJSON
	if !a.decode(w, r, &in) {
		return
	}
	p, ok := a.open(w, r)
	if !ok {
		return
	}
	e := &people.Entry{PersonID: p.ID, Kind: in.Kind, OccurredAt: in.OccurredAt, Place: in.Place, Who: in.Who,
		Body: in.Body, OutcomeIDs: in.OutcomeIDs}
	if a.writeFailed(w, r, people.AddEntry(r.Context(), a.db, subject(r), e)) {
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// search finds people and story entries among those the caller may see.
func (a *API) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		a.problem(w, r, http.StatusBadRequest, "Say what to search for.", []fieldIssue{{"#/q", "Give q: a name, NHS number or words from a story"}})
		return
	}
	sub := subject(r)
	list, err := people.List(r.Context(), a.db, sub, q)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	hits, err := people.SearchStory(r.Context(), a.db, sub, q)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	ps := make([]personJSON, 0, len(list))
	for i := range list {
		ps = append(ps, toJSON(&list[i]))
	}
	if hits == nil {
		hits = []people.StoryHit{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"people": ps, "story": hits})
}
