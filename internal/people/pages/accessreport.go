package pages

import (
	"net/http"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/csvx"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

// reportOutcomes are the words for an audit row's outcome in the report.
var reportOutcomes = map[string]string{audit.OK: "accessreport.outcome.ok", audit.Denied: "accessreport.outcome.denied",
	audit.Failed: "accessreport.outcome.failed"}

// accessReport is the whole access log of a person as a spreadsheet, for
// a subject access request: every time anyone opened, changed or tried to
// open the record, who (by name and organisation), what, whether it was
// allowed, and the reason given for emergency access. Opening it is
// audited by the person gate like any other look at the log.
func (s *Pages) accessReport(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	lang := web.LangOf(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="access-report-`+valid.Today().String()+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	out := csvx.NewWriter(w)
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	_ = out.Write(t("accessreport.col.person"), t("accessreport.col.when"), t("accessreport.col.who"),
		t("accessreport.col.organisation"), t("accessreport.col.what"), t("accessreport.col.outcome"), t("accessreport.col.why"))
	err := people.AccessReport(r.Context(), s.DB.Read(), op, func(row people.ReportRow) error {
		return out.Write(append([]string{p.Name()}, reportCells(t, row)...)...)
	})
	if err != nil {
		// The header is sent: the file ends with a line saying it is cut
		// short, rather than passing for the whole log.
		s.Log.ErrorContext(r.Context(), "access report", "err", err)
		_ = out.Write(t("accessreport.incomplete"))
	}
	_ = out.Flush()
}
