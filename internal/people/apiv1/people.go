package apiv1

import (
	"net/http"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/api"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
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
		DateOfBirth: p.DateOfBirth.String(), NHSNumber: p.NHSNumber, NHSNumberFormated: p.NHSNumberDisplay(),
		Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (a *Endpoints) listPeople(w http.ResponseWriter, r *http.Request) {
	list, err := people.List(r.Context(), a.DB, api.Subject(r), r.URL.Query().Get("q"))
	if err != nil {
		a.ServerError(w, r, err)
		return
	}
	out := make([]personJSON, 0, len(list))
	for i := range list {
		out = append(out, toJSON(&list[i]))
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"people": out, "count": len(out)})
}

func (a *Endpoints) getPerson(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, err := people.Load(r.Context(), a.DB.Read(), op)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	w.Header().Set("ETag", api.ETag(p.Version))
	api.WriteJSON(w, http.StatusOK, toJSON(p))
}

// personPatch holds the fields a PATCH may change; absent fields keep
// their value (JSON merge patch, RFC 7396, on these members only).
type personPatch struct {
	GivenName     *string     `json:"given_name"`
	FamilyName    *string     `json:"family_name"`
	PreferredName *string     `json:"preferred_name"`
	DateOfBirth   *valid.Date `json:"date_of_birth"` // "" clears it
	NHSNumber     *string     `json:"nhs_number"`
}

func (a *Endpoints) patchPerson(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	version, ok := a.IfMatch(w, r)
	if !ok {
		return
	}
	var patch personPatch
	if !a.Decode(w, r, &patch) {
		return
	}
	p, err := people.Load(r.Context(), a.DB.Read(), op)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	apply(p, &patch)
	p.Version = version
	if a.WriteFailed(w, r, people.Update(r.Context(), a.DB, op, p)) {
		return
	}
	w.Header().Set("ETag", api.ETag(p.Version))
	api.WriteJSON(w, http.StatusOK, toJSON(p))
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
	if patch.DateOfBirth != nil {
		p.DateOfBirth = *patch.DateOfBirth
	}
	set(&p.NHSNumber, patch.NHSNumber)
}

// accessLogEntry is one row of who has looked at a person's record.
type accessLogEntry struct {
	At      time.Time `json:"at"`
	Who     string    `json:"who"`
	Action  string    `json:"action"`
	Outcome string    `json:"outcome"`
}

func (a *Endpoints) accessLog(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	evs, err := people.AccessLog(r.Context(), a.DB.Read(), op)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	out := make([]accessLogEntry, 0, len(evs))
	for _, e := range evs {
		out = append(out, accessLogEntry{At: e.At, Who: e.Actor, Action: e.Action, Outcome: outcomeOf(e)})
	}
	api.WriteJSON(w, http.StatusOK, map[string]any{"entries": out})
}

func outcomeOf(e audit.Event) string {
	if e.Outcome == "" {
		return audit.OK
	}
	return e.Outcome
}
