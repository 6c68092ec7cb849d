package pages

import (
	"net/http"

	"whatmatters/internal/coach"
	"whatmatters/internal/i18n"
	"whatmatters/internal/web"
)

// The recording coach's word lists are data: an admin keeps them, in
// English and Welsh, here.

type coachAdminData struct {
	English, Welsh []coach.Term
	Langs          []string
}

func (s *Pages) coachAdminPage(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "coachadmin.title")
	v.Form["lang"] = i18n.English
	s.showCoachAdmin(w, r, v, http.StatusOK)
}

func (s *Pages) showCoachAdmin(w http.ResponseWriter, r *http.Request, v *web.View, status int) {
	d := &coachAdminData{Langs: []string{i18n.English, i18n.Welsh}}
	var err error
	if d.English, err = coach.Terms(r.Context(), s.DB.Read(), i18n.English); err == nil {
		d.Welsh, err = coach.Terms(r.Context(), s.DB.Read(), i18n.Welsh)
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Data = d
	v.Flash = r.URL.Query().Get("done")
	s.Page(w, r, status, "coachadmin", v)
}

func (s *Pages) addCoachTerm(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "coachadmin.title")
	v.Keep(r, "lang", "term", "suggestion")
	err := coach.AddTerm(r.Context(), s.DB, web.Subject(r).Actor, v.Form["lang"], v.Form["term"], v.Form["suggestion"])
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin/coach?done=added", http.StatusSeeOther)
	case v.Problems(err):
		s.showCoachAdmin(w, r, v, http.StatusUnprocessableEntity)
	default:
		s.ServerError(w, r, err)
	}
}

func (s *Pages) removeCoachTerm(w http.ResponseWriter, r *http.Request) {
	err := coach.RemoveTerm(r.Context(), s.DB, web.Subject(r).Actor, r.PathValue("term"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/coach?done=removed", http.StatusSeeOther)
}
