package web

import (
	"net/http"

	"whatmatters/internal/valid"
)

// Every form that asks for a date uses the GOV.UK date input: three boxes,
// day, month and year, named <name>-day, <name>-month and <name>-year, shown
// by the "date" template in fields.html and read by View.Date, so a date is
// typed, kept and refused in the same words everywhere (valid.date.*).

// Date reads the date input called name from the posted form, keeps what
// was typed for the form shown again, and parses it. A date that cannot be
// read is a problem on name in the view's errors, and ok is false: the
// handler saves nothing, and shows the form's other problems beside it.
func (v *View) Date(r *http.Request, name string, required bool) (d valid.Date, ok bool) {
	in := valid.DateInput{Day: r.PostFormValue(name + "-day"), Month: r.PostFormValue(name + "-month"),
		Year: r.PostFormValue(name + "-year")}
	return v.parseDate(name, in, required)
}

// QueryDate is Date for a form sent with GET (a search's filters): the
// three boxes are read from the address's query.
func (v *View) QueryDate(r *http.Request, name string, required bool) (d valid.Date, ok bool) {
	q := r.URL.Query()
	return v.parseDate(name, valid.DateInput{Day: q.Get(name + "-day"), Month: q.Get(name + "-month"), Year: q.Get(name + "-year")}, required)
}

func (v *View) parseDate(name string, in valid.DateInput, required bool) (d valid.Date, ok bool) {
	v.setDate(name, in)
	d, fe := in.Parse(name, required)
	if fe != nil {
		v.Problems(fe)
		return valid.Date{}, false
	}
	return d, true
}

// FillDate shows a date in the date input called name, as a form shows a
// saved date or a default.
func (v *View) FillDate(name string, d valid.Date) { v.setDate(name, valid.FromDate(d)) }

func (v *View) setDate(name string, in valid.DateInput) {
	v.Form[name+"-day"], v.Form[name+"-month"], v.Form[name+"-year"] = in.Day, in.Month, in.Year
}

// isDate reports whether the form has a date input called name: Date or
// FillDate put its boxes in the form.
func (v *View) isDate(name string) bool {
	_, ok := v.Form[name+"-day"]
	return ok
}

// dateFault is the one box of a date input at fault, for a problem that
// is about one box (a missing month, a two-digit year), or "" when the
// problem is with the whole date.
func (v *View) dateFault(name string) string {
	for _, e := range v.Errors {
		if e.Field != name {
			continue
		}
		switch e.Code {
		case "valid.date.missing_day":
			return "day"
		case "valid.date.missing_month":
			return "month"
		case "valid.date.missing_year", "valid.date.year_four":
			return "year"
		}
		return ""
	}
	return ""
}

// Anchor is the id the error summary links to for a field's problem: the
// field itself, or for a date input its first box, or the one box at
// fault.
func (v *View) Anchor(field string) string {
	if !v.isDate(field) {
		return field
	}
	if part := v.dateFault(field); part != "" {
		return field + "-" + part
	}
	return field + "-day"
}

// dateBox is one of a date input's three boxes.
type dateBox struct {
	ID, Label, Value string
	Width            int
	Error            bool
}

// Boxes are a date input's day, month and year boxes, with what was typed
// and whether each is at fault: all three for a problem with the whole
// date, or just the one box a problem is about.
func (f fieldArgs) Boxes() []dateBox {
	boxes := []dateBox{{f.Name + "-day", "date.day", f.Day, 2, false}, {f.Name + "-month", "date.month", f.Month, 2, false},
		{f.Name + "-year", "date.year", f.Year, 4, false}}
	for i := range boxes {
		boxes[i].Error = f.Error != "" && (f.Fault == "" || boxes[i].ID == f.Name+"-"+f.Fault)
	}
	return boxes
}
