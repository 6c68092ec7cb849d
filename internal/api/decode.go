package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"whatmatters/internal/valid"
)

// Decode reads a JSON body strictly: one object, no unknown members, and
// a 400 naming the member at fault otherwise.
func (a *API) Decode(w http.ResponseWriter, r *http.Request, v any) bool {
	// Only JSON is read as JSON: a body sent as text/plain (which a web
	// page on another site can send without asking) is refused.
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		a.Problem(w, r, http.StatusUnsupportedMediaType, "Send the body as JSON, with Content-Type: application/json.", nil)
		return false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		a.Problem(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body must be %d bytes or fewer.", MaxBody), nil)
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
		detail := "Must be a " + typeErr.Type.String() + ", not a JSON " + typeErr.Value
		if typeErr.Type == reflect.TypeFor[valid.Date]() {
			detail = `Must be a real date as a string, YYYY-MM-DD, like "2026-11-23"`
		}
		a.Problem(w, r, http.StatusBadRequest, "A member has the wrong type.",
			[]FieldIssue{{Pointer: "#/" + strings.ReplaceAll(typeErr.Field, ".", "/"), Detail: detail}})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		a.Problem(w, r, http.StatusBadRequest, "The body has a member this endpoint does not know.",
			[]FieldIssue{{Pointer: "#/" + field, Detail: "Unknown member: remove it, or check its spelling against the OpenAPI document"}})
	default:
		a.Problem(w, r, http.StatusBadRequest, "The body must be one JSON object: "+err.Error(), nil)
	}
	return false
}
