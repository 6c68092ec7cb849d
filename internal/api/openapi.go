package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// baseDoc is the document's frame: info, security, the shared responses
// and schemas (Problem, Account) and the shell's own endpoints. Each
// domain adds its paths and schemas (Domain.OpenAPI); the test in
// internal/server checks that every registered route is in the assembled
// document and every documented path is served, so they cannot drift.
//
//go:embed openapi.json
var baseDoc []byte

// assemble merges the parts into one OpenAPI document. A path or a schema
// defined by two parts is a mistake: one would silently hide the other.
func assemble(parts [][]byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(parts[0], &doc); err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	paths := doc["paths"].(map[string]any)
	components := doc["components"].(map[string]any)
	for i, raw := range parts[1:] {
		var part struct {
			Paths      map[string]any            `json:"paths"`
			Components map[string]map[string]any `json:"components"`
		}
		if err := json.Unmarshal(raw, &part); err != nil {
			return nil, fmt.Errorf("part %d: %w", i+1, err)
		}
		for _, p := range slices.Sorted(maps.Keys(part.Paths)) {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("path %s is defined twice", p)
			}
			paths[p] = part.Paths[p]
		}
		for kind, defs := range part.Components {
			into, _ := components[kind].(map[string]any)
			if into == nil {
				into = map[string]any{}
				components[kind] = into
			}
			for name, def := range defs {
				if _, dup := into[name]; dup {
					return nil, fmt.Errorf("components.%s.%s is defined twice", kind, name)
				}
				into[name] = def
			}
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(a.doc)
}
