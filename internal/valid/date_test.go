package valid

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// The date input's boxes are read the same way on every form: what is
// missing or wrong is named in the shared codes.
func TestDateInputParse(t *testing.T) {
	for _, c := range []struct {
		in       DateInput
		required bool
		want     string // the date, or the problem's code
	}{
		{DateInput{"27", "3", "1941"}, true, "1941-03-27"},
		{DateInput{" 07 ", "03", "2026"}, true, "2026-03-07"},
		{DateInput{"29", "2", "2024"}, true, "2024-02-29"},
		{DateInput{"", "", ""}, false, ""},
		{DateInput{" ", "", ""}, true, "valid.date.required"},
		{DateInput{"", "3", "2026"}, true, "valid.date.missing_day"},
		{DateInput{"", "", "2026"}, false, "valid.date.missing_day"},
		{DateInput{"27", "", "2026"}, true, "valid.date.missing_month"},
		{DateInput{"27", "3", ""}, false, "valid.date.missing_year"},
		{DateInput{"31", "2", "2026"}, true, "valid.date.real"},
		{DateInput{"29", "2", "2026"}, true, "valid.date.real"},
		{DateInput{"1", "13", "2026"}, true, "valid.date.real"},
		{DateInput{"0", "1", "2026"}, true, "valid.date.real"},
		{DateInput{"first", "March", "2026"}, true, "valid.date.real"},
		{DateInput{"27", "3", "26"}, true, "valid.date.year_four"},
		{DateInput{"27", "3", "02026"}, true, "valid.date.year_four"},
	} {
		d, fe := c.in.Parse("review_on", c.required)
		got := d.String()
		if fe != nil {
			got = fe.Code
			if fe.Field != "review_on" || !d.IsZero() {
				t.Errorf("%+v: problem on %q with date %v; want on review_on, no date", c.in, fe.Field, d)
			}
		}
		if got != c.want {
			t.Errorf("%+v (required %v) = %q; want %q", c.in, c.required, got, c.want)
		}
	}
}

// A date is kept as its YYYY-MM-DD text, or NULL, and read back from
// either engine's answer: text, bytes, or PostgreSQL's date as a time.
func TestDateStorage(t *testing.T) {
	d := NewDate(1941, time.March, 27)
	if v, err := d.Value(); v != "1941-03-27" || err != nil {
		t.Errorf("Value = %v, %v", v, err)
	}
	if v, err := (Date{}).Value(); v != nil || err != nil {
		t.Errorf("zero Value = %v, %v; want NULL", v, err)
	}
	for _, src := range []any{"1941-03-27", []byte("1941-03-27"), time.Date(1941, 3, 27, 0, 0, 0, 0, time.UTC),
		"1941-03-27T00:00:00Z"} {
		var got Date
		if err := got.Scan(src); err != nil || got != d {
			t.Errorf("Scan(%#v) = %v, %v", src, got, err)
		}
	}
	for _, src := range []any{nil, ""} {
		got := d
		if err := got.Scan(src); err != nil || !got.IsZero() {
			t.Errorf("Scan(%#v) = %v, %v; want no date", src, got, err)
		}
	}
	var got Date
	if err := got.Scan("27/03/1941"); err == nil {
		t.Error("Scan took a date that is not YYYY-MM-DD")
	}
}

// In JSON a date is "YYYY-MM-DD"; a Date field left empty is left out
// with omitzero; anything else is a type error naming the member.
func TestDateJSON(t *testing.T) {
	type thing struct {
		On   Date `json:"on"`
		From Date `json:"from,omitzero"`
	}
	b, _ := json.Marshal(thing{On: NewDate(2026, 11, 23)})
	if string(b) != `{"on":"2026-11-23"}` {
		t.Errorf("marshal = %s", b)
	}
	var in thing
	if err := json.Unmarshal([]byte(`{"on":"2026-11-23","from":null}`), &in); err != nil || in.On != NewDate(2026, 11, 23) || !in.From.IsZero() {
		t.Errorf("unmarshal = %+v, %v", in, err)
	}
	for _, bad := range []string{`{"on":"2026-02-30"}`, `{"on":"23/11/2026"}`, `{"on":20261123}`} {
		var typeErr *json.UnmarshalTypeError
		if err := json.Unmarshal([]byte(bad), &in); !errors.As(err, &typeErr) || typeErr.Field != "on" {
			t.Errorf("unmarshal %s = %v; want a type error on \"on\"", bad, err)
		}
	}
}
