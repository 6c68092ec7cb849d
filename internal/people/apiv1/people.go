package apiv1

import (
	"net/http"
	"strconv"
	"strings"
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
	Seq     int64     `json:"seq"`
	At      time.Time `json:"at"`
	Who     string    `json:"who"`
	Action  string    `json:"action"`
	Outcome string    `json:"outcome"`
}

// defaultAccessLogLimit is a page of the access log when ?limit= is not
// given.
const defaultAccessLogLimit = 100

// accessLog answers a page of the person's access log, newest first:
// ?limit= rows (at most people.MaxAccessLogPage), and ?cursor= from the
// page before for the rows just older. The cursor is the last row's
// sequence number; reading the log adds a row at the newest end, so an
// offset would repeat rows, where a cursor never does.
func (a *Endpoints) accessLog(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	q := r.URL.Query()
	limit, before := defaultAccessLogLimit, int64(0)
	// The problem names the query parameter at fault in its detail: its
	// "errors" point into a request body, and this request has none.
	var wrong []string
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			wrong = append(wrong, "limit must be a whole number, 1 or more")
		}
		limit = min(n, people.MaxAccessLogPage)
	}
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			wrong = append(wrong, "cursor must be the next_cursor of an earlier page")
		}
		before = n
	}
	if len(wrong) > 0 {
		a.Problem(w, r, http.StatusBadRequest, strings.Join(wrong, "; ")+".", nil)
		return
	}
	evs, more, err := people.AccessLog(r.Context(), a.DB.Read(), op, before, limit)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	out := make([]accessLogEntry, 0, len(evs))
	for _, e := range evs {
		out = append(out, accessLogEntry{Seq: e.Seq, At: e.At, Who: people.NameOfLabel(e.Actor), Action: e.Action, Outcome: outcomeOf(e)})
	}
	body := map[string]any{"entries": out}
	if more {
		body["next_cursor"] = strconv.FormatInt(evs[len(evs)-1].Seq, 10)
	}
	api.WriteJSON(w, http.StatusOK, body)
}

func outcomeOf(e audit.Event) string {
	if e.Outcome == "" {
		return audit.OK
	}
	return e.Outcome
}
