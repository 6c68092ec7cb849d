package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecode: no request body makes the strict JSON reader panic, and a
// body it accepts has exactly the members it knows.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"x","n":1}`, `{"name":"x","extra":1}`, `{"n":"x"}`, `[]`, `{"name":"x"}{}`, `{`, `null`, "\xff"} {
		f.Add(s)
	}
	a := &API{}
	f.Fuzz(func(t *testing.T, body string) {
		var v struct {
			Name string `json:"name"`
			N    int    `json:"n"`
		}
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		ok := a.Decode(w, r, &v)
		if ok && w.Code != http.StatusOK {
			t.Fatalf("Decode accepted %q but answered %d", body, w.Code)
		}
		if !ok && w.Code < 400 {
			t.Fatalf("Decode refused %q with status %d", body, w.Code)
		}
	})
}
