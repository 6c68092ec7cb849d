package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/httpx"
	"whatmatters/internal/i18n"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// problemDetail is an RFC 9457 problem. Field errors go in "errors", each
// with a JSON Pointer to the member of the request body at fault.
type problemDetail struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []FieldIssue `json:"errors,omitempty"`
}

// FieldIssue is one field at fault, with a JSON Pointer to it. Code is
// the problem's message code (like "person.nhs_number.check"), the same
// for every language, for a client to act on; Detail is its English words.
type FieldIssue struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
	Code    string `json:"code,omitempty"`
}

// Problem answers with an RFC 9457 problem document.
func (a *API) Problem(w http.ResponseWriter, r *http.Request, status int, detail string, issues []FieldIssue) {
	p := problemDetail{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
		Instance: r.URL.Path, RequestID: httpx.RequestIDFrom(r.Context()), Errors: issues}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// NotFound is the answer for a person out of reach or not there.
func (a *API) NotFound(w http.ResponseWriter, r *http.Request) {
	a.Problem(w, r, http.StatusNotFound, "There is no person with this id that you can see.", nil)
}

// ServerError logs the cause with the request id; the caller gets only
// the id, to quote when reporting it.
func (a *API) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	// The route pattern, not the path: a path can hold whatever was typed.
	a.Log.ErrorContext(r.Context(), "api request failed", "err", err, "method", r.Method, "route", r.Pattern)
	a.Problem(w, r, http.StatusInternalServerError, "Something went wrong on our side. Nothing was changed. Quote the request_id if you report it.", nil)
}

// Validation turns a domain validation error into a 400 with field paths;
// it reports false for any other error.
func (a *API) Validation(w http.ResponseWriter, r *http.Request, err error) bool {
	ps, ok := valid.From(err)
	if !ok {
		return false
	}
	issues := make([]FieldIssue, 0, len(ps))
	for _, p := range ps {
		issues = append(issues, FieldIssue{Pointer: "#/" + p.Field, Detail: i18n.T(i18n.English, p.Code, p.Args...), Code: p.Code})
	}
	a.Problem(w, r, http.StatusBadRequest, "Some fields need correcting. Nothing was changed.", issues)
	return true
}

// Fail answers an error from a domain package: 404 for a person or thing
// out of reach, 403 for a grant's refusal, 500 for anything else.
func (a *API) Fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.NotFound(w, r)
	case errors.Is(err, access.ErrNotAllowed):
		a.Problem(w, r, http.StatusForbidden, "Your role does not allow this.", nil)
	default:
		a.ServerError(w, r, err)
	}
}

// WriteFailed answers a failed write; it reports false when err is nil.
func (a *API) WriteFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrConflict):
		a.Problem(w, r, http.StatusPreconditionFailed,
			"Someone else changed this since your GET. Nothing was changed: GET again, reapply your change, and send the new ETag.", nil)
	case a.Validation(w, r, err):
	default:
		a.Fail(w, r, err)
	}
	return true
}

// ETag is a version as a strong entity tag, for If-Match.
func ETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// IfMatch reads the version a change was made from.
func (a *API) IfMatch(w http.ResponseWriter, r *http.Request) (int, bool) {
	match := r.Header.Get("If-Match")
	if match == "" {
		a.Problem(w, r, http.StatusPreconditionRequired,
			"Send If-Match with the ETag from GET, so a change made by someone else meanwhile is not overwritten.", nil)
		return 0, false
	}
	version, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(match, "W/"), `"`))
	if err != nil {
		a.Problem(w, r, http.StatusBadRequest, "If-Match must be the ETag from GET, like \"3\".", nil)
		return 0, false
	}
	return version, true
}
