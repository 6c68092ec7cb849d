package pages

import (
	"bytes"
	"net/http"
	"sort"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/i18n"
	"whatmatters/internal/pdfx"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

// maxPDFRows is how many rows of the log the PDF prints: under 900 pages.
// The rows are held until the summary, which comes first, is counted, and
// fpdf builds the whole document in memory before writing it, so this
// bounds what one download takes (measured: 20,000 rows, a 1.7 MB file,
// under 100 MB of memory while it is built). The counts in the summary
// are over the whole log; past the bound the PDF says so and points to
// the CSV, which streams every row.
const maxPDFRows = 20000

// systemKey stands in the count by organisation for whatmatters itself,
// apart from accounts whose organisation is not known ("").
const systemKey = "\x00system"

// reportTally counts the log by organisation and by account as it is
// read, and keeps the newest rows up to limit for the table.
type reportTally struct {
	limit  int
	total  int
	rows   []people.ReportRow
	byOrg  map[string]int
	byWho  map[string]int
	whoOrg map[string][2]string // account id (or "") to its name and organisation
}

func (c *reportTally) add(row people.ReportRow) error {
	c.total++
	org := row.Organisation
	if row.AccountID == "" {
		org = systemKey
	}
	c.byOrg[org]++
	c.byWho[row.AccountID]++
	if _, ok := c.whoOrg[row.AccountID]; !ok {
		c.whoOrg[row.AccountID] = [2]string{row.Name, row.Organisation}
	}
	if len(c.rows) < c.limit {
		c.rows = append(c.rows, row)
	}
	return nil
}

// count is one line of a "how often" table.
type count struct {
	label, org string
	n          int
}

// sorted is counts, most first, then by name.
func sorted(m map[string]int, label func(key string) (string, string)) []count {
	out := make([]count, 0, len(m))
	for k, n := range m {
		l, o := label(k)
		out = append(out, count{l, o, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].label+out[i].org < out[j].label+out[j].org
	})
	return out
}

// accessReportPDF is the access report as a document to print or send for
// a subject access request: what it is, how often the record was opened
// by each organisation and each person, then every row as in the CSV.
// The gate audits opening it, as it does the CSV.
func (s *Pages) accessReportPDF(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	tally := &reportTally{limit: maxPDFRows, byOrg: map[string]int{}, byWho: map[string]int{}, whoOrg: map[string][2]string{}}
	if err := people.AccessReport(r.Context(), s.DB.Read(), op, tally.add); err != nil {
		// Nothing is sent yet: a whole error page, not half a document.
		s.Fail(w, r, err)
		return
	}
	lang := web.LangOf(r)
	var buf bytes.Buffer
	if err := reportDocument(lang, p.Name(), time.Now(), tally).Output(&buf); err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="access-report-`+valid.Today().String()+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// reportDocument lays out the report in lang.
func reportDocument(lang, name string, now time.Time, c *reportTally) *pdfx.Doc {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	doc := pdfx.New(t("accessreport.pdf.title", name), lang, func(n int, of string) string {
		return t("accessreport.pdf.page", n, of)
	})
	doc.Heading(t("accessreport.pdf.title", name))
	doc.Para(t("accessreport.pdf.what", name))
	doc.Para(t("accessreport.pdf.produced", web.FormatDate(lang, now), now.In(valid.London).Format("15:04")))
	doc.Para(t("accessreport.pdf.total", web.Thousands(c.total)))
	if c.total > len(c.rows) {
		doc.Para(t("accessreport.pdf.cut", web.Thousands(len(c.rows)), web.Thousands(c.total)))
	}
	who := func(id, name string) string {
		if id == "" {
			return t("accesslog.system")
		}
		return name
	}
	doc.Subheading(t("accessreport.pdf.by_org"))
	orgs := doc.Table(pdfx.Column{Title: t("accessreport.col.organisation"), Share: 0.8}, pdfx.Column{Title: t("accessreport.pdf.times"), Share: 0.2})
	orgName := func(k string) (string, string) {
		switch k {
		case systemKey:
			return t("accesslog.system"), ""
		case "":
			return t("accessreport.pdf.no_org"), ""
		}
		return k, ""
	}
	for _, o := range sorted(c.byOrg, orgName) {
		orgs.Row(o.label, web.Thousands(o.n))
	}
	doc.Subheading(t("accessreport.pdf.by_who"))
	accounts := doc.Table(pdfx.Column{Title: t("accessreport.col.who"), Share: 0.45},
		pdfx.Column{Title: t("accessreport.col.organisation"), Share: 0.35}, pdfx.Column{Title: t("accessreport.pdf.times"), Share: 0.2})
	for _, o := range sorted(c.byWho, func(k string) (string, string) { return who(k, c.whoOrg[k][0]), c.whoOrg[k][1] }) {
		accounts.Row(o.label, o.org, web.Thousands(o.n))
	}
	doc.Subheading(t("accessreport.pdf.every"))
	rows := doc.Table(pdfx.Column{Title: t("accessreport.col.when"), Share: 0.14}, pdfx.Column{Title: t("accessreport.col.who"), Share: 0.16},
		pdfx.Column{Title: t("accessreport.col.organisation"), Share: 0.16}, pdfx.Column{Title: t("accessreport.col.what"), Share: 0.18},
		pdfx.Column{Title: t("accessreport.col.outcome"), Share: 0.12}, pdfx.Column{Title: t("accessreport.col.why"), Share: 0.24})
	for _, row := range c.rows {
		rows.Row(reportCells(t, row)...)
	}
	if c.total > len(c.rows) {
		doc.Para(t("accessreport.pdf.cut", web.Thousands(len(c.rows)), web.Thousands(c.total)))
	}
	return doc
}

// reportCells are a row's when, who, organisation, what, outcome and why,
// in the words of the CSV.
func reportCells(t func(string, ...any) string, row people.ReportRow) []string {
	what := t("accessreport.action.other", row.Action)
	if key := actionKeys[row.Action]; key != "" {
		what = t(key)
	}
	who := row.Name
	if row.AccountID == "" {
		who = t("accesslog.system")
	}
	return []string{row.At.In(valid.London).Format("2006-01-02 15:04:05"), who, row.Organisation, what, t(reportOutcomes[row.Outcome]), row.Reason}
}
