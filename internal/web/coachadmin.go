package web

import (
	"errors"
	"net/http"

	"whatmatters/internal/coach"
	"whatmatters/internal/i18n"
)

// The recording coach's word lists are data: an admin keeps them, in
// English and Welsh, here.

type coachAdminData struct {
	English, Welsh []coach.Term
	Langs          []string
}

func (s *Server) coachAdminPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "coachadmin.title")
	v.Form["lang"] = i18n.English
	s.showCoachAdmin(w, r, v, http.StatusOK)
}

func (s *Server) showCoachAdmin(w http.ResponseWriter, r *http.Request, v *view, status int) {
	d := &coachAdminData{Langs: []string{i18n.English, i18n.Welsh}}
	var err error
	if d.English, err = coach.Terms(r.Context(), s.db.Read(), i18n.English); err == nil {
		d.Welsh, err = coach.Terms(r.Context(), s.db.Read(), i18n.Welsh)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Data = d
	v.Flash = r.URL.Query().Get("done")
	s.render(w, r, status, "coachadmin", v)
}

func (s *Server) addCoachTerm(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "coachadmin.title")
	keepForm(v, r, "lang", "term", "suggestion")
	err := coach.AddTerm(r.Context(), s.db, subject(r).Actor, v.Form["lang"], v.Form["term"], v.Form["suggestion"])
	var fe *coach.FieldError
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin/coach?done=added", http.StatusSeeOther)
	case errors.As(err, &fe):
		v.Errors = append(v.Errors, fieldError{fe.Field, i18n.T(v.Lang, fe.Message)})
		s.showCoachAdmin(w, r, v, http.StatusUnprocessableEntity)
	default:
		s.serverError(w, r, err)
	}
}

func (s *Server) removeCoachTerm(w http.ResponseWriter, r *http.Request) {
	err := coach.RemoveTerm(r.Context(), s.db, subject(r).Actor, r.PathValue("term"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/coach?done=removed", http.StatusSeeOther)
}
