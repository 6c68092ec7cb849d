package server_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/testworld"
)

// The record's forms offer the domain's own lists as radios, each with
// its words: a kind added to the domain shows on the form it belongs to.
func TestFormsOfferTheDomainsChoices(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	o := &people.Outcome{Statement: "I want to see the heron", Kind: people.OutcomeChange, ExpressedBy: people.ExpressedByPerson}
	if err := people.AddOutcome(context.Background(), w.DB, w.Open(t, w.Sam, w.Helen.ID), o); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, field, label string
		values             []string
	}{
		{base + "/outcomes/new", "kind", "outcome.kind", strs(people.OutcomeKinds)},
		{base + "/outcomes/new", "expressed_by", "outcome.expressed_by", strs(people.Expressers)},
		{base + "/outcomes/" + o.ID + "/edit", "status", "outcome.status", strs(people.OutcomeStatuses)},
		{base + "/outcomes/" + o.ID + "/progress", "movement", "progress.movement", strs(people.Movements)},
		{base + "/risks/new", "likelihood", "risk.likelihood", strs(people.Levels)},
		{base + "/risks/new", "impact", "risk.impact", strs(people.Levels)},
		{base + "/story/new", "kind", "story.kind", strs(people.EntryKinds)},
		{base + "/addresses/new", "kind", "address.kind", strs(people.AddressKinds)},
	} {
		resp, page := sam.get(c.path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", c.path, resp.StatusCode)
		}
		for _, v := range c.values {
			words := i18n.T(i18n.English, c.label+"."+v)
			if !strings.Contains(page, `name="`+c.field+`" type="radio" value="`+v+`"`) || !strings.Contains(page, words) {
				t.Errorf("%s: no %s radio %q, %q", c.path, c.field, v, words)
			}
		}
	}
}

// dateForm is one of the forms that asks for a date, with a form that
// would be saved but for the date.
type dateForm struct {
	kind, path, field string
	form              url.Values
	saved             func() int // a count that goes up if anything was saved
}

func dateForms(t *testing.T, w *testworld.World) []dateForm {
	t.Helper()
	ctx := context.Background()
	op := w.Open(t, w.Sam, w.Helen.ID)
	base := "/people/" + w.Helen.ID
	o := &people.Outcome{Statement: "I want to see the heron", Kind: people.OutcomeChange, ExpressedBy: people.ExpressedByPerson}
	if err := people.AddOutcome(ctx, w.DB, op, o); err != nil {
		t.Fatal(err)
	}
	e := &people.Entry{Kind: people.KindVisit, OccurredAt: time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC), Body: "Visited on Sunday"}
	if err := people.AddEntry(ctx, w.DB, op, e); err != nil {
		t.Fatal(err)
	}
	rows := func(table string) func() int {
		return func() int {
			var n int
			if err := w.DB.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	return []dateForm{
		{"person", base + "/edit", "date_of_birth", editForm(w.Helen, "1"), func() int {
			p, err := people.Load(ctx, w.DB.Read(), op)
			if err != nil {
				t.Fatal(err)
			}
			return p.Version
		}},
		{"story entry", base + "/story/new", "date", url.Values{"kind": {"visit"}, "time": {"10:30"}, "body": {"Walked by the river"}}, rows("story_entries")},
		{"correction", base + "/story/" + e.ID + "/correct", "date", url.Values{"kind": {"visit"}, "time": {"10:30"},
			"body": {"Visited on Saturday"}, "correction_reason": {"Wrong day"}}, rows("story_entries")},
		{"progress", base + "/outcomes/" + o.ID + "/progress", "on_date", url.Values{"movement": {"closer"}, "note": {"Walked to the gate"}}, rows("outcome_progress")},
		{"strength", base + "/strengths/new", "last_confirmed_on", url.Values{"strength": {"Can drive"}, "meaning": {"Visits her sister"},
			"named_by": {"Helen"}}, rows("strengths")},
		{"risk", base + "/risks/new", "review_on", url.Values{"wants_to": {"Walk to the river alone"}, "risk": {"A fall"},
			"likelihood": {"low"}, "impact": {"medium"}, "persons_view": {"I know the path"}, "agreed_by": {"Helen, Sam"}}, rows("risk_agreements")},
		{"address from", base + "/addresses/new", "from_date", url.Values{"kind": {"home"}, "lines": {"2 River View"}}, rows("person_addresses")},
		{"address until", base + "/addresses/new", "to_date", url.Values{"kind": {"home"}, "lines": {"2 River View"}}, rows("person_addresses")},
	}
}

// badDates are the three ways a date is typed wrong, the box the error
// summary leads to, and the boxes marked as at fault.
var badDates = []struct {
	day, month, year, code, fault string
	marked                        []string
}{
	{"31", "2", "2026", "valid.date.real", "day", []string{"day", "month", "year"}},
	{"27", "", "2026", "valid.date.missing_month", "month", []string{"month"}},
	{"27", "3", "26", "valid.date.year_four", "year", []string{"year"}},
}

// Every form that asks for a date asks with the same three boxes, and
// refuses a bad date in the same words, on that date, with what was typed
// kept, the error summary leading to the box at fault, and nothing saved.
func TestEveryDateFormRefusesABadDateTheSameWay(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	for _, f := range dateForms(t, w) {
		_, page := sam.get(strings.TrimSuffix(f.path, "/correct") + changeSuffix(f.path))
		for _, part := range []string{"day", "month", "year"} {
			if !strings.Contains(page, `name="`+f.field+`-`+part+`" type="text" inputmode="numeric"`) {
				t.Errorf("%s form: no %s box for %s", f.kind, part, f.field)
			}
		}
		if strings.Contains(page, `type="date"`) {
			t.Errorf("%s form: still asks with the browser's date picker", f.kind)
		}
		for _, bad := range badDates {
			before := f.saved()
			form := url.Values{}
			for k, v := range f.form {
				form[k] = v
			}
			form.Set(f.field+"-day", bad.day)
			form.Set(f.field+"-month", bad.month)
			form.Set(f.field+"-year", bad.year)
			resp, body := sam.post(f.path, form)
			checkDateRefused(t, f, bad.day, bad.month, bad.year, bad.code, bad.fault, bad.marked, i18n.English, resp.StatusCode, body)
			if f.saved() != before {
				t.Errorf("%s form with %s/%s/%s: something was saved", f.kind, bad.day, bad.month, bad.year)
			}
		}
	}
}

// changeSuffix: a correction's form is the entry's change page.
func changeSuffix(path string) string {
	if strings.HasSuffix(path, "/correct") {
		return "/change"
	}
	return ""
}

// The same, in Welsh, on the risk agreement form; and a bad date does not
// hide the form's other problems.
func TestBadDateInWelshWithTheFormsOtherProblems(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	sam.get("/language/cy?next=/")
	var risk dateForm
	for _, f := range dateForms(t, w) {
		if f.kind == "risk" {
			risk = f
		}
	}
	for _, bad := range badDates {
		form := url.Values{}
		for k, v := range risk.form {
			form[k] = v
		}
		form.Set("review_on-day", bad.day)
		form.Set("review_on-month", bad.month)
		form.Set("review_on-year", bad.year)
		resp, body := sam.post(risk.path, form)
		checkDateRefused(t, risk, bad.day, bad.month, bad.year, bad.code, bad.fault, bad.marked, i18n.Welsh, resp.StatusCode, body)
	}
	form := url.Values{"wants_to": {"Walk to the river alone"}, "review_on-day": {"31"}, "review_on-month": {"2"}, "review_on-year": {"2026"}}
	resp, body := sam.post(risk.path, form)
	for _, want := range []string{`href="#review_on-day"`, `href="#risk"`, `href="#persons_view"`, html.EscapeString(i18n.T(i18n.Welsh, "risk.risk.required")),
		`>Walk to the river alone</textarea>`} {
		if resp.StatusCode != 422 || !strings.Contains(body, want) {
			t.Errorf("bad date with other problems: %d; page lacks %q", resp.StatusCode, want)
		}
	}
	if strings.Count(body, `href="#review_on`) != 1 {
		t.Errorf("the date has more than one problem in the summary")
	}
}

// A past date where the domain wants one (a date of birth) is refused in
// the domain's words, on the date, with every box marked.
func TestDateOfBirthInTheFuture(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	form := editForm(w.Helen, "1")
	form.Set("date_of_birth-year", "2090")
	resp, body := sam.post("/people/"+w.Helen.ID+"/edit", form)
	f := dateForm{kind: "person", field: "date_of_birth"}
	checkDateRefused(t, f, "4", "5", "2090", "person.date_of_birth.future", "day", []string{"day", "month", "year"}, i18n.English, resp.StatusCode, body)
}

func checkDateRefused(t *testing.T, f dateForm, day, month, year, code, fault string, marked []string, lang string, status int, body string) {
	t.Helper()
	typed := day + "/" + month + "/" + year
	if status != 422 {
		t.Fatalf("%s form with %s: %d", f.kind, typed, status)
	}
	words := html.EscapeString(i18n.T(lang, code))
	for _, want := range []string{
		`<a href="#` + f.field + `-` + fault + `">` + words + `</a>`,
		`<p id="` + f.field + `-error" class="govuk-error-message"><span class="govuk-visually-hidden">` + i18n.T(lang, "layout.error_prefix") + `</span> ` + words + `</p>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("%s form with %s (%s): page lacks %s", f.kind, typed, lang, want)
		}
	}
	for part, v := range map[string]string{"day": day, "month": month, "year": year} {
		box := regexp.MustCompile(`<input class="([^"]*)" id="` + f.field + `-` + part + `" name="` + f.field + `-` + part + `" type="text" inputmode="numeric" value="([^"]*)">`).FindStringSubmatch(body)
		if box == nil {
			t.Errorf("%s form with %s: no %s box", f.kind, typed, part)
			continue
		}
		if box[2] != v {
			t.Errorf("%s form with %s: the %s box shows %q; want %q as typed", f.kind, typed, part, box[2], v)
		}
		if want := slices.Contains(marked, part); strings.Contains(box[1], "govuk-input--error") != want {
			t.Errorf("%s form with %s: the %s box marked at fault %v; want %v", f.kind, typed, part, !want, want)
		}
	}
}
