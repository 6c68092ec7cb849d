package pages

import (
	"net/http"
	"net/url"
	"strings"

	"whatmatters/internal/importer"
	"whatmatters/internal/web"
)

// mappingForm asks for a mapping's name and, for each template field, the
// column of the organisation's export that holds it.
func (s *Pages) mappingForm(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "import.mappings.title")
	v.Data = importer.Fields
	s.Page(w, r, http.StatusOK, "mapping", v)
}

// saveMapping saves the mapping and goes back to the import form with it
// chosen.
func (s *Pages) saveMapping(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "import.mappings.title")
	v.Data = importer.Fields
	m := importer.Mapping{Name: strings.TrimSpace(r.PostFormValue("name")), Columns: map[importer.Field]string{}}
	v.Form["name"] = m.Name
	for _, f := range importer.Fields {
		// A field left empty is found under the template's own name.
		if c := strings.TrimSpace(r.PostFormValue("col-" + string(f))); c != "" {
			m.Columns[f] = c
			v.Form["col-"+string(f)] = c
		}
	}
	if err := importer.SaveMapping(r.Context(), s.DB, web.Subject(r), m); err != nil {
		if v.Problems(err) {
			s.Page(w, r, http.StatusUnprocessableEntity, "mapping", v)
			return
		}
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/import?mapping="+url.QueryEscape(m.Name), http.StatusSeeOther)
}
