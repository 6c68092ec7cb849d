package pages

import (
	"errors"
	"net/http"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

func (s *Pages) breakGlassPage(w http.ResponseWriter, r *http.Request) {
	s.Page(w, r, http.StatusOK, "breakglass", s.NewView(r, "breakglass.title"))
}

// breakGlass opens a record the account has no relationship with, after it
// gives a reason and names the person by NHS number. The reason is checked
// first, so the answer to a short reason never tells whether a number is
// on the system; every attempt is audited, found or not.
func (s *Pages) breakGlass(w http.ResponseWriter, r *http.Request) {
	sub := web.Subject(r)
	v := s.NewView(r, "breakglass.title")
	v.Keep(r, "nhs_number", "reason")
	err := access.CheckReason(v.Form["reason"])
	var id string
	if err == nil {
		id, err = people.IDByNHSNumber(r.Context(), s.DB.Read(), v.Form["nhs_number"])
		if errors.Is(err, store.ErrNotFound) {
			err = valid.New("nhs_number", "breakglass.error.no_record")
		}
	}
	if err == nil {
		_, err = access.StartBreakGlass(r.Context(), s.DB, sub, id, v.Form["reason"])
		if err == nil {
			http.Redirect(w, r, "/people/"+id, http.StatusSeeOther)
			return
		}
	}
	if !v.Problems(err) {
		s.ServerError(w, r, err)
		return
	}
	// A refused attempt is audited too, with what was typed cut short.
	if aerr := audit.WriteAlone(r.Context(), s.DB, sub.Actor, audit.Record{Action: "breakglass.start", Outcome: audit.Failed,
		Details: map[string]string{"reason": audit.Short(v.Form["reason"]), "nhs_number": audit.Short(v.Form["nhs_number"])}}); aerr != nil {
		s.ServerError(w, r, aerr)
		return
	}
	s.Page(w, r, http.StatusUnprocessableEntity, "breakglass", v)
}

func (s *Pages) reviewPage(w http.ResponseWriter, r *http.Request) {
	a := web.AccountFrom(r.Context())
	uses, err := access.BreakGlassForReview(r.Context(), s.DB.Read(), a)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := s.NewView(r, "review.title")
	v.Data = uses
	v.Flash = r.URL.Query().Get("done")
	s.Page(w, r, http.StatusOK, "review", v)
}

func (s *Pages) review(w http.ResponseWriter, r *http.Request) {
	err := access.ReviewBreakGlass(r.Context(), s.DB, web.Subject(r), r.PathValue("id"))
	if err != nil && !errors.Is(err, store.ErrConflict) { // already reviewed: nothing to do
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/break-glass/review?done=1", http.StatusSeeOther)
}
