package apiv1

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"whatmatters/internal/people"
)

var updateOpenAPI = flag.Bool("update", false, "rewrite openapi.json's required lists from the Go types")

// responseTypes are the types each response schema describes.
var responseTypes = map[string]any{
	"Person": personJSON{}, "AccessLogEntry": accessLogEntry{}, "Profile": people.Profile{},
	"Relationship": people.Relationship{}, "AboutMe": people.AboutMe{}, "Progress": people.Progress{},
	"Outcome": people.Outcome{}, "Strength": people.Strength{}, "RiskAgreement": people.RiskAgreement{},
	"Entry": people.Entry{}, "Attachment": people.Attachment{}, "SearchHit": people.Hit{},
	"StoryHit": people.StoryHit{}, "Address": people.Address{}, "Author": people.Author{},
}

// jsonFields lists a type's JSON members, and which are always sent (no
// omitempty).
func jsonFields(t reflect.Type) (all, always []string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			a, w := jsonFields(f.Type)
			all, always = append(all, a...), append(always, w...)
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		all = append(all, name)
		if !strings.Contains(opts, "omitempty") {
			always = append(always, name)
		}
	}
	slices.Sort(all)
	slices.Sort(always)
	return all, always
}

// An outside test found the response schemas required no fields (so a
// client generated from them treats every member as optional) and 413 was
// missing from operations that take a body. Every response schema
// documents every member the server sends and requires those it always
// sends; every operation with a body documents 413 and 415; every
// operation that names a person documents 403 (a grant's refusal) and 404.
func TestOpenAPIMatchesWhatIsSent(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	if *updateOpenAPI {
		splitRequestSchemas(doc, schemas)
	}
	for name, v := range responseTypes {
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		all, always := jsonFields(reflect.TypeOf(v))
		props, _ := s["properties"].(map[string]any)
		for _, f := range all {
			if _, ok := props[f]; !ok {
				t.Errorf("schema %s does not document %q, which the server sends", name, f)
			}
		}
		if *updateOpenAPI {
			s["required"] = always
			continue
		}
		var req []string
		list, _ := s["required"].([]any)
		for _, r := range list {
			req = append(req, r.(string))
		}
		slices.Sort(req)
		if !slices.Equal(req, always) {
			t.Errorf("schema %s requires %v; the server always sends %v", name, req, always)
		}
	}
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			op, ok := o.(map[string]any)
			if !ok {
				continue
			}
			responses := op["responses"].(map[string]any)
			var want []string
			if op["requestBody"] != nil {
				want = append(want, "413", "415")
			}
			if strings.HasPrefix(path, "/people/{id}") {
				want = append(want, "403", "404")
			}
			for _, code := range want {
				if responses[code] != nil {
					continue
				}
				if *updateOpenAPI {
					responses[code] = map[string]any{"$ref": "#/components/responses/Problem"}
					continue
				}
				t.Errorf("%s %s does not document %s", strings.ToUpper(method), path, code)
			}
		}
	}
	if *updateOpenAPI {
		out, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("openapi.json", append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// splitRequestSchemas gives each request body that used a response schema
// a schema of its own ("NewOutcome" for "Outcome"), keeping what a client
// must send as its required list, so requiring what the server always
// sends back does not make a client send ids it cannot know.
func splitRequestSchemas(doc, schemas map[string]any) {
	for _, item := range doc["paths"].(map[string]any) {
		for _, o := range item.(map[string]any) {
			op, ok := o.(map[string]any)
			if !ok || op["requestBody"] == nil {
				continue
			}
			schema := op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
			ref, _ := schema["$ref"].(string)
			name := strings.TrimPrefix(ref, "#/components/schemas/")
			if _, isResponse := responseTypes[name]; !isResponse {
				continue
			}
			if schemas["New"+name] == nil {
				copied, _ := json.Marshal(schemas[name])
				var c map[string]any
				_ = json.Unmarshal(copied, &c)
				schemas["New"+name] = c
			}
			schema["$ref"] = "#/components/schemas/New" + name
		}
	}
}
