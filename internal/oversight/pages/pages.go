// Package pages is the data protection officer's oversight in the
// browser: what looks unusual, whether the audit trail is intact, and a
// search of the trail with its spreadsheet.
package pages

import (
	"embed"
	"net/http"
	"strconv"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/csvx"
	"whatmatters/internal/i18n"
	"whatmatters/internal/oversight"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves the officer's pages.
type Pages struct{ web.Pages }

// New makes this domain's pages.
func New(shell *web.Shell) *Pages { return &Pages{shell.Pages(templates)} }

// Routes adds the officer's start page and the trail's search.
func (s *Pages) Routes(rt *web.Router) {
	dpo := web.IsRole(account.RoleDPO)
	rt.Menu(web.MenuItem{Href: "/oversight", Key: "layout.nav.oversight", Order: 15,
		For: func(a *account.Account) bool { return a.Role == account.RoleDPO }})
	rt.ForRoles("GET /oversight", "data protection officers", dpo, s.start)
	rt.ForRoles("GET /oversight/audit", "data protection officers", dpo, s.search)
	rt.ForRoles("GET /oversight/audit.csv", "data protection officers", dpo, s.export)
}

type startData struct {
	Unusual                *oversight.Unusual
	Check                  *audit.CheckStatus
	ManyTimes, ManyAtLeast int
	DayStarts, DayEnds     int
}

// start is what an officer should look at first: access that looks
// unusual, and whether the trail is intact.
func (s *Pages) start(w http.ResponseWriter, r *http.Request) {
	u, err := oversight.Flags(r.Context(), s.DB.Read(), web.Subject(r), time.Now())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "oversight.title")
	v.Data = startData{Unusual: u, Check: audit.LastCheck(), ManyTimes: oversight.ManyTimes, ManyAtLeast: oversight.ManyAtLeast,
		DayStarts: oversight.DayStarts, DayEnds: oversight.DayEnds}
	s.Page(w, r, http.StatusOK, "oversight", v)
}

type searchData struct {
	Filter        oversight.Filter
	PersonName    string
	Accounts      []oversight.Account
	Organisations []account.Organisation
	Kinds         []oversight.Kind
	Rows          []oversight.Row
	Searched      bool
	Older         string // the address of the next page, if there is one
	Export        string // the address of this search as a spreadsheet
}

// search is the audit trail's search: the filters as a GET form, so a
// search can be bookmarked and its pages followed.
func (s *Pages) search(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "oversight.audit.title")
	d := &searchData{Kinds: oversight.Kinds}
	f, ok := s.readFilter(r, v)
	d.Filter = f
	var err error
	if d.Accounts, err = oversight.Accounts(r.Context(), s.DB.Read(), web.Subject(r)); err != nil {
		s.Fail(w, r, err)
		return
	}
	if d.Organisations, err = oversight.Organisations(r.Context(), s.DB.Read(), web.Subject(r)); err != nil {
		s.Fail(w, r, err)
		return
	}
	status := http.StatusOK
	if ok && (r.URL.Query().Has("search") || f.PersonID != "") {
		before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
		rows, more, err := oversight.Search(r.Context(), s.DB, web.Subject(r), f, before, oversight.PageSize)
		switch {
		case v.Problems(err):
			status = http.StatusUnprocessableEntity
		case err != nil:
			s.Fail(w, r, err)
			return
		default:
			d.Rows, d.Searched = rows, true
			if more && len(rows) > 0 {
				q := r.URL.Query()
				q.Set("before", strconv.FormatInt(rows[len(rows)-1].Seq, 10))
				d.Older = "/oversight/audit?" + q.Encode()
			}
			q := r.URL.Query()
			q.Del("before")
			d.Export = "/oversight/audit.csv?" + q.Encode()
		}
	} else if !ok {
		status = http.StatusUnprocessableEntity
	}
	for _, row := range d.Rows {
		if row.PersonID == f.PersonID && row.PersonName != "" {
			d.PersonName = row.PersonName
		}
	}
	v.Data = d
	s.Page(w, r, status, "audit", v)
}

// readFilter reads the search's filters from the address, keeping what
// was typed; ok is false when a date cannot be read.
func (s *Pages) readFilter(r *http.Request, v *web.View) (oversight.Filter, bool) {
	q := r.URL.Query()
	f := oversight.Filter{AccountID: q.Get("account"), OrganisationID: q.Get("organisation"),
		Kind: oversight.Kind(q.Get("kind")), Outcome: q.Get("outcome")}
	if p := q.Get("person"); valid.IsID(p) {
		f.PersonID = p
	}
	for _, k := range []string{"account", "organisation", "kind", "outcome"} {
		v.Form[k] = q.Get(k)
	}
	from, ok1 := v.QueryDate(r, "from", false)
	to, ok2 := v.QueryDate(r, "to", false)
	f.From, f.To = from, to
	return f, ok1 && ok2
}

// MaxExport is the most rows one spreadsheet of a search holds.
const MaxExport = 50000

// export is a search as a spreadsheet, newest first, up to MaxExport rows.
func (s *Pages) export(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "oversight.audit.title")
	f, ok := s.readFilter(r, v)
	if !ok {
		http.Redirect(w, r, "/oversight/audit?"+r.URL.RawQuery, http.StatusSeeOther)
		return
	}
	rows, _, err := oversight.Search(r.Context(), s.DB, web.Subject(r), f, 0, MaxExport)
	if err != nil {
		if _, bad := valid.From(err); bad {
			http.Redirect(w, r, "/oversight/audit?"+r.URL.RawQuery, http.StatusSeeOther)
			return
		}
		s.Fail(w, r, err)
		return
	}
	t := func(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-trail-`+valid.Today().String()+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	out := csvx.NewWriter(w)
	_ = out.Write(t("oversight.col.row"), t("oversight.col.when"), t("oversight.col.who"), t("oversight.col.organisation"),
		t("oversight.col.action"), t("oversight.col.outcome"), t("oversight.col.person"), t("oversight.col.request"))
	for _, row := range rows {
		_ = out.Write(strconv.FormatInt(row.Seq, 10), row.At.In(valid.London).Format("2006-01-02 15:04:05"), row.Name,
			row.Organisation, row.Action, t(outcomeKeys[row.Outcome]), personCell(t, row), row.RequestID)
	}
	if len(rows) == MaxExport {
		_ = out.Write(t("oversight.export.cut", MaxExport))
	}
	_ = out.Flush()
}

// outcomeKeys are the words for an audit row's outcome.
var outcomeKeys = map[string]string{audit.OK: "oversight.outcome.ok", audit.Denied: "oversight.outcome.denied",
	audit.Failed: "oversight.outcome.failed"}

func personCell(t func(string, ...any) string, row oversight.Row) string {
	switch {
	case row.PersonID == "":
		return ""
	case row.PersonName == "":
		return t("oversight.person.elsewhere")
	}
	return row.PersonName
}
