package valid

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date with no time of day or zone: a date of birth,
// a review date, the day something happened. The zero Date is "not given".
type Date struct{ t time.Time }

// NewDate makes a date.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf is the calendar date of t in London, where whatmatters' users are.
func DateOf(t time.Time) Date {
	t = t.In(London)
	return NewDate(t.Year(), t.Month(), t.Day())
}

// Today is today's date in London.
func Today() Date { return DateOf(time.Now()) }

// London is the zone dates and times are shown in.
var London = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}()

// ParseDate reads YYYY-MM-DD; an empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("not a date: %q", s)
	}
	return Date{t}, nil
}

// MustDate reads YYYY-MM-DD and panics if it is not a date: for dates
// written in the code itself, like a demo's or a test's.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether no date was given.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String is YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Time is midnight UTC at the start of the date.
func (d Date) Time() time.Time { return d.t }

func (d Date) Year() int          { return d.t.Year() }
func (d Date) Month() time.Month  { return d.t.Month() }
func (d Date) Day() int           { return d.t.Day() }
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }

// AddDays is the date n days later.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// YearsTo is the whole years from d to o: an age on a date.
func (d Date) YearsTo(o Date) int {
	years := o.Year() - d.Year()
	if o.Month() < d.Month() || (o.Month() == d.Month() && o.Day() < d.Day()) {
		years--
	}
	return years
}

// Value stores a date as its YYYY-MM-DD text, or NULL when not given.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date column on either engine: text, or a time from
// PostgreSQL's date type.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = NewDate(v.Year(), v.Month(), v.Day())
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("valid: cannot read a date from %T", src)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10] // a timestamp's date part
	}
	p, err := ParseDate(s)
	*d = p
	return err
}

// MarshalText writes YYYY-MM-DD (JSON's date format too).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	*d = p
	return err
}

// UnmarshalJSON reads "YYYY-MM-DD" ("" or null is no date). Anything
// else is a *json.UnmarshalTypeError, so the decoder names the member at
// fault and an API can point to it.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		if p, err := ParseDate(s); err == nil {
			*d = p
			return nil
		}
	}
	kind := map[byte]string{'"': "string", 't': "bool", 'f': "bool", '[': "array", '{': "object"}[b[0]]
	if kind == "" {
		kind = "number"
	}
	return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[Date]()}
}

// DateInput is what was typed into the GOV.UK date pattern's three boxes.
// Every date a form asks for uses it, with the same words for its errors.
type DateInput struct{ Day, Month, Year string }

// Empty reports whether all three boxes were left blank.
func (in DateInput) Empty() bool {
	return strings.TrimSpace(in.Day+in.Month+in.Year) == ""
}

// FromDate fills the boxes from a date, as a form shows a saved one.
func FromDate(d Date) DateInput {
	if d.IsZero() {
		return DateInput{}
	}
	return DateInput{Day: strconv.Itoa(d.Day()), Month: strconv.Itoa(int(d.Month())), Year: strconv.Itoa(d.Year())}
}

// Parse checks the three boxes and returns the date, or a field error on
// field with one of the shared codes: valid.date.required (when required
// and blank), valid.date.missing_day, _month or _year, valid.date.real
// (not a real date) or valid.date.year_four (a two-digit year). A blank
// input that is not required is the zero Date.
func (in DateInput) Parse(field string, required bool) (Date, *FieldError) {
	day, month, year := strings.TrimSpace(in.Day), strings.TrimSpace(in.Month), strings.TrimSpace(in.Year)
	if day == "" && month == "" && year == "" {
		if required {
			return Date{}, New(field, "valid.date.required")
		}
		return Date{}, nil
	}
	switch {
	case day == "":
		return Date{}, New(field, "valid.date.missing_day")
	case month == "":
		return Date{}, New(field, "valid.date.missing_month")
	case year == "":
		return Date{}, New(field, "valid.date.missing_year")
	}
	// Digits only: Atoi alone would take "+3" or "-0" as numbers.
	if !digits(day) || !digits(month) || !digits(year) {
		return Date{}, New(field, "valid.date.real")
	}
	d, _ := strconv.Atoi(day)
	m, _ := strconv.Atoi(month)
	y, _ := strconv.Atoi(year)
	if len(year) != 4 {
		return Date{}, New(field, "valid.date.year_four")
	}
	if y < 1000 {
		return Date{}, New(field, "valid.date.real")
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return Date{}, New(field, "valid.date.real")
	}
	date := NewDate(y, time.Month(m), d)
	if date.Day() != d { // 31 February rolls over into March
		return Date{}, New(field, "valid.date.real")
	}
	return date, nil
}

// digits reports whether s is one or more ASCII digits (and not absurdly
// many: a year's length is checked after).
func digits(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
