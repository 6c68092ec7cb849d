package api

import (
	"encoding/json"
	"net/http"

	"whatmatters/internal/httpx"
	"whatmatters/internal/i18n"
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
	Errors    []fieldIssue `json:"errors,omitempty"`
}

type fieldIssue struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

func (a *API) problem(w http.ResponseWriter, r *http.Request, status int, detail string, issues []fieldIssue) {
	p := problemDetail{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
		Instance: r.URL.Path, RequestID: httpx.RequestIDFrom(r.Context()), Errors: issues}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

func (a *API) notFound(w http.ResponseWriter, r *http.Request) {
	a.problem(w, r, http.StatusNotFound, "There is no person with this id that you can see.", nil)
}

// serverError logs the cause with the request id; the caller gets only
// the id, to quote when reporting it.
func (a *API) serverError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("api request failed", "err", err, "method", r.Method, "path", r.URL.Path,
		"request_id", httpx.RequestIDFrom(r.Context()))
	a.problem(w, r, http.StatusInternalServerError, "Something went wrong on our side. Nothing was changed. Quote the request_id if you report it.", nil)
}

// validation turns a domain validation error into a 400 with field paths;
// it reports false for any other error.
func (a *API) validation(w http.ResponseWriter, r *http.Request, err error) bool {
	ps, ok := valid.From(err)
	if !ok {
		return false
	}
	issues := make([]fieldIssue, 0, len(ps))
	for _, p := range ps {
		issues = append(issues, fieldIssue{"#/" + p.Field, i18n.T(i18n.English, p.Code, p.Args...)})
	}
	a.problem(w, r, http.StatusBadRequest, "Some fields need correcting. Nothing was changed.", issues)
	return true
}
