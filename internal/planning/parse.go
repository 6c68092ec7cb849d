package planning

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Parse reads a model from JSON, or YAML with the same structure, and
// validates it. A model that does not validate returns Problems: every
// problem found, each with its JSON path.
func Parse(data []byte) (*Model, error) {
	if m, ok := parseStrict(data); ok {
		if ps := Validate(m); len(ps) > 0 {
			return nil, ps
		}
		return m.ready(), nil
	}
	raw, err := decodeAny(data)
	if err != nil {
		return nil, Problems{{Message: err.Error()}}
	}
	// Shape problems (unknown fields, wrong types) are collected and the
	// offending values dropped, so the meaning of the rest can still be
	// checked and every problem reported at once.
	var ps Problems
	raw = checkShape(raw, modelShape, "", &ps)
	if _, ok := raw.(map[string]any); !ok {
		return nil, ps
	}
	canonical, err := json.Marshal(raw)
	if err != nil {
		return nil, Problems{{Message: err.Error()}}
	}
	var m Model
	if err := json.Unmarshal(canonical, &m); err != nil {
		return nil, append(ps, Problem{Message: "the model could not be read: " + err.Error()})
	}
	broken := map[string]bool{}
	for _, p := range ps {
		broken[p.Path] = true
	}
	for _, p := range Validate(&m) {
		if !broken[p.Path] && !broken[strings.TrimSuffix(p.Path, ".id")] {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return m.ready(), nil
}

// ready fills in the defaults and builds the index and the baseline now,
// so that a parsed model is only ever read: several goroutines may run
// it at once (a workshop's thirty people asking at the same time).
func (m *Model) ready() *Model {
	if m.WeeksPerYear == 0 {
		m.WeeksPerYear = 52
	}
	m.Baseline()
	return m
}

// parseStrict is the quick way in for well-formed JSON: one typed decode
// and one pass over the text to check its field names. When either
// fails, Parse takes the slower path that finds every shape problem with
// its path.
func parseStrict(data []byte) (*Model, bool) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, false
	}
	var m Model
	if err := json.Unmarshal(trimmed, &m); err != nil {
		return nil, false
	}
	// encoding/json ignores unknown fields, matches field names without
	// regard to case and takes null as "absent", so "colour", "Name" or
	// "UNIT_COST" would slip through and silently change a plan. The text,
	// now known to be valid JSON, is walked once more to insist on exact
	// names, no nulls and every required field.
	ks := keyScanner{b: trimmed}
	if !ks.value(modelShape) {
		return nil, false
	}
	return &m, true
}

// keyScanner walks valid JSON against a shape without building anything.
// It answers only "is every key spelled exactly as allowed, and is there
// no null?"; anything else (an escaped key, a mismatch) sends the model
// to the slow path, which says precisely what is wrong.
type keyScanner struct {
	b []byte
	i int
}

func (k *keyScanner) skipSpace() {
	for k.i < len(k.b) && (k.b[k.i] == ' ' || k.b[k.i] == '\t' || k.b[k.i] == '\n' || k.b[k.i] == '\r') {
		k.i++
	}
}

// value checks the value starting at k.i against s and moves past it.
func (k *keyScanner) value(s *shape) bool {
	k.skipSpace()
	if k.i >= len(k.b) || s == nil {
		return false
	}
	switch c := k.b[k.i]; {
	case c == '{':
		return (s.kind == "object" || s.kind == "step" || s.kind == "map") && k.object(s)
	case c == '[':
		return s.kind == "array" && k.array(s.elem)
	case c == '"':
		_, _, ok := k.str()
		return ok && s.kind == "string"
	case c == '-' || (c >= '0' && c <= '9'):
		for k.i < len(k.b) && strings.IndexByte("+-.eE0123456789", k.b[k.i]) >= 0 {
			k.i++
		}
		return s.kind == "number" || s.kind == "integer"
	}
	return false // null, true or false: never right in a model
}

func (k *keyScanner) object(s *shape) bool {
	k.i++           // {
	var seen uint64 // required members present
	for first := true; ; first = false {
		k.skipSpace()
		if k.i < len(k.b) && k.b[k.i] == '}' {
			k.i++
			return seen == s.allRequired()
		}
		if !first {
			if k.b[k.i] != ',' {
				return false
			}
			k.i++
			k.skipSpace()
		}
		key, escaped, ok := k.str()
		if !ok || escaped {
			return false
		}
		elem := s.elem
		if s.kind != "map" {
			elem = s.fields[string(key)] // no allocation for a map lookup
			if bit, ok := s.required[string(key)]; ok {
				seen |= 1 << bit
			}
		}
		k.skipSpace()
		if elem == nil || k.i >= len(k.b) || k.b[k.i] != ':' {
			return false
		}
		k.i++
		if !k.value(elem) {
			return false
		}
	}
}

func (k *keyScanner) array(elem *shape) bool {
	k.i++ // [
	for first := true; ; first = false {
		k.skipSpace()
		if k.i < len(k.b) && k.b[k.i] == ']' {
			k.i++
			return true
		}
		if !first {
			if k.i >= len(k.b) || k.b[k.i] != ',' {
				return false
			}
			k.i++
		}
		if !k.value(elem) {
			return false
		}
	}
}

// str moves past a string and returns its bytes as written. A key with
// escapes is left to the slow path (escaped says so); a value's escapes
// do not matter here.
func (k *keyScanner) str() (raw []byte, escaped, ok bool) {
	k.skipSpace()
	if k.i >= len(k.b) || k.b[k.i] != '"' {
		return nil, false, false
	}
	start := k.i + 1
	for j := start; j < len(k.b); j++ {
		switch k.b[j] {
		case '\\':
			escaped = true
			j++ // the escaped character, which may be a quote
		case '"':
			k.i = j + 1
			return k.b[start:j], escaped, true
		}
	}
	return nil, false, false
}

// decodeAny reads JSON, or YAML when the text is not JSON.
func decodeAny(data []byte) (any, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("the model file is empty")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("the model is not valid JSON: %v", err)
		}
		if dec.More() {
			return nil, fmt.Errorf("the model has more than one JSON value: remove what follows the closing }")
		}
		return v, nil
	}
	var v any
	if err := yaml.Unmarshal(trimmed, &v); err != nil {
		return nil, fmt.Errorf("the model is neither JSON nor YAML: %v", err)
	}
	return normaliseYAML(v)
}

// normaliseYAML turns YAML's values into what encoding/json would have
// made, so both formats go through the same checks.
func normaliseYAML(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			n, err := normaliseYAML(e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	case map[any]any:
		out := map[string]any{}
		for k, e := range x {
			n, err := normaliseYAML(e)
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k)] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normaliseYAML(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case int:
		return json.Number(fmt.Sprint(x)), nil
	case int64:
		return json.Number(fmt.Sprint(x)), nil
	case uint64:
		return json.Number(fmt.Sprint(x)), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("the model has a number that is not finite (%v)", x)
		}
		return json.Number(fmt.Sprint(x)), nil
	}
	return v, nil
}

// shape describes what a JSON value must look like.
type shape struct {
	kind     string            // "object", "array", "map", "string", "number", "integer", "step"
	fields   map[string]*shape // object: allowed members
	required map[string]uint   // object: members that must be there, each with its bit in a mask
	elem     *shape            // array and map: each element
}

// allRequired is the mask with every required member's bit set.
func (s *shape) allRequired() uint64 { return 1<<len(s.required) - 1 }

var (
	str     = &shape{kind: "string"}
	number  = &shape{kind: "number"}
	integer = &shape{kind: "integer"}
	numMap  = &shape{kind: "map", elem: number}
)

// object is an object shape; required lists the members the spec does not
// call optional. A missing one is a problem, because encoding/json would
// quietly read it as zero or empty (a unit cost of £0, say).
func object(fields map[string]*shape, required ...string) *shape {
	s := &shape{kind: "object", fields: fields, required: map[string]uint{}}
	for i, r := range required {
		s.required[r] = uint(i)
	}
	return s
}

func array(elem *shape) *shape { return &shape{kind: "array", elem: elem} }

var stepShape = &shape{kind: "step", fields: map[string]*shape{
	"move": object(map[string]*shape{"category": str, "from": str, "to": str, "fraction": number, "count": number},
		"category", "from", "to"),
	"scale":      number,
	"project_to": integer,
	"unit_cost":  object(map[string]*shape{"resource": str, "value": number, "factor": number}, "resource"),
	"contents": object(map[string]*shape{"package": str, "resource": str, "value": number},
		"package", "resource", "value"),
}}

var modelShape = object(map[string]*shape{
	"format": str, "name": str, "currency": str, "weeks_per_year": number,
	"resources": array(object(map[string]*shape{"id": str, "name": str, "unit": str, "unit_cost": number,
		"payer": str, "kind": str, "occupancy": number, "hours_per_wte": number, "visits_per_wte": number, "capacity": number},
		"id", "name", "unit", "unit_cost", "payer", "kind")),
	"packages": array(object(map[string]*shape{"id": str, "name": str, "setting": str, "contents": numMap},
		"id", "name", "setting", "contents")),
	"categories": array(object(map[string]*shape{"id": str, "name": str, "options": array(str), "current": numMap,
		"prevalence": numMap, "max_shift": number}, "id", "name", "options", "current")),
	"population": object(map[string]*shape{"base_year": integer, "bands": numMap,
		"projections": &shape{kind: "map", elem: numMap}}, "base_year", "bands"),
	"scenarios": array(object(map[string]*shape{"id": str, "name": str, "steps": array(stepShape)}, "id", "name", "steps")),
}, "format", "name", "resources", "packages", "categories")

// checkShape walks v against s, adding a problem for each unknown member,
// each missing one and each value of the wrong type. It returns v with
// those dropped (nil in place of a wrong value), so the rest can still be
// read.
func checkShape(v any, s *shape, path string, ps *Problems) any {
	c := shapeCheck{ps}
	switch s.kind {
	case "object", "step":
		return c.object(v, s, path)
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return c.add(path, "must be a list [ … ], not "+describe(v))
		}
		for i, e := range arr {
			arr[i] = checkShape(e, s.elem, fmt.Sprintf("%s[%d]", path, i), ps)
		}
		return arr
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return c.add(path, "must be an object of names to values, not "+describe(v))
		}
		for _, k := range sortedKeys(obj) {
			if obj[k] = checkShape(obj[k], s.elem, path+"."+k, ps); obj[k] == nil {
				delete(obj, k)
			}
		}
		return obj
	case "string":
		if _, ok := v.(string); !ok {
			return c.add(path, "must be text in quotes, not "+describe(v))
		}
	case "number", "integer":
		return c.number(v, s.kind == "integer", path)
	}
	return v
}

// shapeCheck adds the problems checkShape finds.
type shapeCheck struct{ ps *Problems }

// add records a problem at path and returns nil, the value's stand-in.
func (c shapeCheck) add(path, msg string) any {
	*c.ps = append(*c.ps, Problem{Path: strings.TrimPrefix(path, "."), Message: msg})
	return nil
}

func (c shapeCheck) object(v any, s *shape, path string) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return c.add(path, "must be an object { … }, not "+describe(v))
	}
	for _, k := range sortedKeys(obj) {
		fs, known := s.fields[k]
		if !known {
			c.add(path+"."+k, fmt.Sprintf("unknown field %q: remove it, or check its spelling (allowed here: %s)", k, strings.Join(sortedKeys(s.fields), ", ")))
			delete(obj, k)
			continue
		}
		obj[k] = checkShape(obj[k], fs, path+"."+k, c.ps)
	}
	for _, k := range sortedKeys(s.required) {
		if _, ok := obj[k]; !ok {
			c.add(path+"."+k, k+" is missing: the format requires it here")
		}
	}
	if s.kind == "step" && len(obj) != 1 {
		c.add(path, "a step must have exactly one of move, scale, project_to, unit_cost, contents")
	}
	return obj
}

func (c shapeCheck) number(v any, integer bool, path string) any {
	n, ok := v.(json.Number)
	if !ok {
		return c.add(path, "must be a number, not "+describe(v))
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return c.add(path, "is not a number that can be used: "+n.String())
	}
	if integer && f != math.Trunc(f) {
		return c.add(path, "must be a whole number (a year), not "+n.String())
	}
	return v
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the text %q", x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return fmt.Sprintf("%v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// sortedKeys returns a map's keys in order, so problems and sums come out
// the same on every run.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
