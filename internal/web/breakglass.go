package web

import (
	"errors"
	"net/http"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

func (s *Server) breakGlassPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "breakglass", s.newView(r, "breakglass.title"))
}

// breakGlass opens a record the account has no relationship with, after it
// names the person by NHS number and gives a reason. The request is
// audited whether or not a record is found.
func (s *Server) breakGlass(w http.ResponseWriter, r *http.Request) {
	sub := subject(r)
	v := s.newView(r, "breakglass.title")
	v.Form["nhs_number"], v.Form["reason"] = r.PostFormValue("nhs_number"), r.PostFormValue("reason")
	id, err := people.IDByNHSNumber(r.Context(), s.db.Read(), v.Form["nhs_number"])
	switch {
	case errors.Is(err, store.ErrNotFound):
		_ = audit.WriteAlone(r.Context(), s.db, sub.Actor, audit.Record{Action: "breakglass.start", Outcome: audit.Failed,
			Details: map[string]string{"reason": v.Form["reason"], "nhs_number": v.Form["nhs_number"]}})
		v.Errors = append(v.Errors, fieldError{"nhs_number", i18n.T(v.Lang, "breakglass.error.no_record")})
	case err != nil:
		v.Errors = append(v.Errors, fieldError{"nhs_number", i18n.T(v.Lang, err.Error())})
	}
	if len(v.Errors) == 0 {
		_, err = access.StartBreakGlass(r.Context(), s.db, sub, id, v.Form["reason"])
		if err == nil {
			http.Redirect(w, r, "/people/"+id, http.StatusSeeOther)
			return
		}
		if !v.problems(err) {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, "breakglass", v)
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) {
	a := accountFrom(r.Context())
	uses, err := access.BreakGlassForReview(r.Context(), s.db.Read(), a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := s.newView(r, "review.title")
	v.Data = uses
	v.Flash = r.URL.Query().Get("done")
	s.render(w, r, http.StatusOK, "review", v)
}

func (s *Server) review(w http.ResponseWriter, r *http.Request) {
	err := access.ReviewBreakGlass(r.Context(), s.db, subject(r), r.PathValue("id"))
	if err != nil && !errors.Is(err, store.ErrConflict) { // already reviewed: nothing to do
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/break-glass/review?done=1", http.StatusSeeOther)
}
