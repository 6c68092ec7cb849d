package api

import (
	_ "embed"
	"net/http"
)

// openapiDoc describes this API. api_test.go checks that every route the
// mux serves is in it, so the two cannot drift apart.
//
//go:embed openapi.json
var openapiDoc []byte

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapiDoc)
}
