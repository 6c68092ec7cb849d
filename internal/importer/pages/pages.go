// Package pages is importing in the browser: an admin uploads a CSV file
// and chooses its column names; the file is checked (nothing written) and
// every problem listed by row and column; the file is kept on the server,
// and confirming imports it, all of it or none.
package pages

import (
	"embed"
	"errors"
	"io"
	"net/http"
	"path/filepath"

	"whatmatters/internal/account"
	"whatmatters/internal/i18n"
	"whatmatters/internal/importer"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves the import pages.
type Pages struct{ web.Pages }

// New makes this domain's pages.
func New(shell *web.Shell) *Pages { return &Pages{shell.Pages(templates)} }

// maxUpload is the file's limit and room for the form around it.
const maxUpload = importer.MaxFileBytes + 1<<20

// Routes adds the import pages.
func (s *Pages) Routes(rt *web.Router) {
	isAdmin := web.IsRole(account.RoleAdmin)
	rt.Menu(web.MenuItem{Href: "/admin/import", Key: "import.nav", Order: 81,
		For: func(a *account.Account) bool { return a.Role == account.RoleAdmin }})
	rt.ForRoles("GET /admin/import", "admins", isAdmin, s.form)
	rt.ForRoles("POST /admin/import", "admins", isAdmin, s.check, web.MaxBody(maxUpload))
	rt.ForRoles("POST /admin/import/{upload}/confirm", "admins", isAdmin, s.confirm)
	rt.ForRoles("GET /admin/import/mappings/new", "admins", isAdmin, s.mappingForm)
	rt.ForRoles("POST /admin/import/mappings", "admins", isAdmin, s.saveMapping)
}

// formData is the upload form's choices.
type formData struct {
	Mappings []importer.Mapping
	Fields   []importer.Field
	MaxMB    int
	MaxRows  int
}

// resultData is a checked or imported file, its problems in words.
type resultData struct {
	Upload   *importer.Upload
	Result   *importer.Result
	Problems []problem
}

type problem struct {
	Row             int
	Column, Message string
}

func result(lang string, u *importer.Upload, res *importer.Result) resultData {
	d := resultData{Upload: u, Result: res}
	for _, p := range res.Problems {
		d.Problems = append(d.Problems, problem{Row: p.Row, Column: p.Column, Message: i18n.T(lang, p.Code, p.Args...)})
	}
	return d
}

func (s *Pages) choices(w http.ResponseWriter, r *http.Request, v *web.View) bool {
	ms, err := importer.Mappings(r.Context(), s.DB.Read(), web.Subject(r).Account.OrganisationID)
	if err != nil {
		s.Fail(w, r, err)
		return false
	}
	v.Data = formData{Mappings: ms, Fields: importer.Fields, MaxMB: importer.MaxFileBytes >> 20, MaxRows: importer.MaxRows}
	return true
}

func (s *Pages) form(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "import.title")
	v.Form["mapping"] = importer.Template.Name
	if m := r.URL.Query().Get("mapping"); m != "" { // a mapping just saved
		v.Form["mapping"] = m
	}
	if s.choices(w, r, v) {
		s.Page(w, r, http.StatusOK, "import", v)
	}
}

// check reads the upload and shows what a dry run found.
func (s *Pages) check(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "import.title")
	if !s.choices(w, r, v) {
		return
	}
	v.Form["mapping"] = r.FormValue("mapping")
	content, name, code, args := readFile(r)
	m, err := importer.FindMapping(r.Context(), s.DB.Read(), web.Subject(r).Account.OrganisationID, v.Form["mapping"])
	if errors.Is(err, store.ErrNotFound) {
		v.Errors = append(v.Errors, web.FieldError{Field: "mapping", Message: i18n.T(v.Lang, "import.mapping.required")})
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	if code != "" {
		v.Errors = append(v.Errors, web.FieldError{Field: "file", Message: i18n.T(v.Lang, code, args...)})
	}
	if len(v.Errors) > 0 {
		s.Page(w, r, http.StatusUnprocessableEntity, "import", v)
		return
	}
	u, res, err := importer.CheckUpload(r.Context(), s.DB, web.Subject(r), m, name, content)
	if code, limit := fileError(err); code != "" {
		v.Errors = append(v.Errors, web.FieldError{Field: "file", Message: i18n.T(v.Lang, code, limit)})
		s.Page(w, r, http.StatusUnprocessableEntity, "import", v)
		return
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Title = i18n.T(v.Lang, "import.result.title")
	v.Data = result(v.Lang, u, res)
	s.Page(w, r, http.StatusOK, "result", v)
}

// confirm imports the upload the admin checked.
func (s *Pages) confirm(w http.ResponseWriter, r *http.Request) {
	u, res, err := importer.ConfirmUpload(r.Context(), s.DB, web.Subject(r), r.PathValue("upload"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "import.result.title")
	v.Data = result(v.Lang, u, res)
	if !res.Written {
		// Something changed since the check: the problems are listed again.
		s.Page(w, r, http.StatusConflict, "result", v)
		return
	}
	v.Title = i18n.T(v.Lang, "import.done.title")
	s.Page(w, r, http.StatusOK, "done", v)
}

// readFile reads the uploaded file, or gives the code (and arguments) of
// what is wrong with it.
func readFile(r *http.Request) ([]byte, string, string, []any) {
	f, h, err := r.FormFile("file")
	if err != nil {
		return nil, "", "import.upload.required", nil
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, importer.MaxFileBytes+1))
	if err != nil || len(content) > importer.MaxFileBytes {
		return nil, "", "import.file.too_large", []any{importer.MaxFileBytes >> 20}
	}
	if len(content) == 0 {
		return nil, "", "import.file.empty", nil
	}
	return content, filepath.Base(h.Filename), "", nil
}

// fileError is the message for a file past the limits, and the limit.
func fileError(err error) (string, any) {
	switch {
	case errors.Is(err, importer.ErrTooLarge):
		return "import.file.too_large", importer.MaxFileBytes >> 20
	case errors.Is(err, importer.ErrTooManyRows):
		return "import.file.too_many_rows", web.Thousands(importer.MaxRows)
	}
	return "", nil
}
