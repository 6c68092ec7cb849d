package web

import (
	"net/http"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/people"
)

// homeData is what the home page shows.
type homeData struct {
	Query      string
	People     []people.Person
	SeesNobody bool // the role sees no individual records
	ReasonKey  string
	Unreviewed int                    // managers: break-glass uses waiting for review
	Overdue    []people.RiskAgreement // risk agreements past their review date
}

var homeReason = map[access.Role]string{
	access.RolePractitioner:  "home.reason.practitioner",
	access.RoleManager:       "home.reason.manager",
	access.RoleCareHomeStaff: "home.reason.care_home_staff",
	access.RoleNHSClinician:  "home.reason.nhs_clinician",
	access.RolePerson:        "home.reason.person",
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a := accountFrom(r.Context())
	v := s.newView(r, "home.title")
	d := &homeData{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	d.ReasonKey, d.SeesNobody = homeReason[a.Role], homeReason[a.Role] == ""
	if !d.SeesNobody {
		list, err := people.List(r.Context(), s.db, subject(r), d.Query)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.People = list
	}
	if a.Role == access.RolePractitioner || a.Role == access.RoleManager {
		overdue, err := people.OverdueReviews(r.Context(), s.db, subject(r), time.Now())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Overdue = overdue
	}
	if a.Role == access.RoleManager {
		uses, err := access.BreakGlassForReview(r.Context(), s.db.Read(), a)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, u := range uses {
			if u.ReviewedAt == nil {
				d.Unreviewed++
			}
		}
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "home", v)
}
