package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

// personJSON is a person as the API shows them.
type personJSON struct {
	ID                string    `json:"id"`
	GivenName         string    `json:"given_name"`
	FamilyName        string    `json:"family_name"`
	PreferredName     string    `json:"preferred_name"`
	DateOfBirth       string    `json:"date_of_birth"`
	NHSNumber         string    `json:"nhs_number"`
	NHSNumberFormated string    `json:"nhs_number_formatted"`
	Version           int       `json:"version"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

func toJSON(p *people.Person) personJSON {
	return personJSON{ID: p.ID, GivenName: p.GivenName, FamilyName: p.FamilyName, PreferredName: p.PreferredName,
		DateOfBirth: p.DateOfBirth, NHSNumber: p.NHSNumber, NHSNumberFormated: p.NHSNumberDisplay(),
		Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// etag is a person's version as a strong entity tag, for If-Match.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

func (a *API) listPeople(w http.ResponseWriter, r *http.Request) {
	list, err := people.List(r.Context(), a.db, subject(r), r.URL.Query().Get("q"))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	out := make([]personJSON, 0, len(list))
	for i := range list {
		out = append(out, toJSON(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"people": out, "count": len(out)})
}

func (a *API) getPerson(w http.ResponseWriter, r *http.Request) {
	p, ok := a.open(w, r)
	if !ok {
		return
	}
	w.Header().Set("ETag", etag(p.Version))
	writeJSON(w, http.StatusOK, toJSON(p))
}

// personPatch holds the fields a PATCH may change; absent fields keep
// their value (JSON merge patch, RFC 7396, on these members only).
type personPatch struct {
	GivenName     *string `json:"given_name"`
	FamilyName    *string `json:"family_name"`
	PreferredName *string `json:"preferred_name"`
	DateOfBirth   *string `json:"date_of_birth"`
	NHSNumber     *string `json:"nhs_number"`
}

func (a *API) patchPerson(w http.ResponseWriter, r *http.Request) {
	version, ok := a.ifMatch(w, r)
	if !ok {
		return
	}
	var patch personPatch
	if !a.decode(w, r, &patch) {
		return
	}
	p, ok := a.open(w, r)
	if !ok {
		return
	}
	apply(p, &patch)
	p.Version = version
	if a.writeFailed(w, r, people.Update(r.Context(), a.db, subject(r), p)) {
		return
	}
	w.Header().Set("ETag", etag(p.Version))
	writeJSON(w, http.StatusOK, toJSON(p))
}

func apply(p *people.Person, patch *personPatch) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.GivenName, patch.GivenName)
	set(&p.FamilyName, patch.FamilyName)
	set(&p.PreferredName, patch.PreferredName)
	set(&p.DateOfBirth, patch.DateOfBirth)
	set(&p.NHSNumber, patch.NHSNumber)
}

// decode reads a JSON body strictly: one object, no unknown members, and
// a 400 naming the member at fault otherwise.
func (a *API) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		a.problem(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body must be %d bytes or fewer.", maxBody), nil)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		return true
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		a.problem(w, r, http.StatusBadRequest, "A member has the wrong type.",
			[]fieldIssue{{"#/" + strings.ReplaceAll(typeErr.Field, ".", "/"), "Must be a " + typeErr.Type.String() + ", not a JSON " + typeErr.Value}})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		a.problem(w, r, http.StatusBadRequest, "The body has a member this endpoint does not know.",
			[]fieldIssue{{"#/" + field, "Unknown member: remove it, or check its spelling against the OpenAPI document"}})
	default:
		a.problem(w, r, http.StatusBadRequest, "The body must be one JSON object: "+err.Error(), nil)
	}
	return false
}

// accessLogEntry is one row of who has looked at a person's record.
type accessLogEntry struct {
	At      time.Time `json:"at"`
	Who     string    `json:"who"`
	Action  string    `json:"action"`
	Outcome string    `json:"outcome"`
}

func (a *API) accessLog(w http.ResponseWriter, r *http.Request) {
	_, evs, err := people.AccessLog(r.Context(), a.db, subject(r), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		a.notFound(w, r)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	out := make([]accessLogEntry, 0, len(evs))
	for _, e := range evs {
		out = append(out, accessLogEntry{At: e.At, Who: e.Actor, Action: e.Action, Outcome: outcomeOf(e)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

func outcomeOf(e audit.Event) string {
	if e.Outcome == "" {
		return audit.OK
	}
	return e.Outcome
}
