package pages

import (
	"net/http"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/contacts"
	"whatmatters/internal/conversations"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

// homeData is what the home page shows.
type homeData struct {
	Query      string
	People     []people.Person
	Hits       []hitView // where the words of the search were found
	Box        searchBox
	SeesNobody bool // the role sees no individual records
	ReasonKey  string
	Unreviewed int                    // managers: break-glass uses waiting for review
	Overdue    []people.RiskAgreement // risk agreements past their review date
	Crisis     []conversations.Action // emergency plans' actions past their date
	// Council workers: the people allocated to them by name, and how many
	// wait for their team (internal/contacts).
	Mine        []contacts.Mine
	WorksOn     bool // a council worker: the "My people" section shows
	TeamID      string
	TeamWaiting int
	HasTeam     bool
}

var homeReason = map[account.Role]string{
	account.RolePractitioner:  "home.reason.practitioner",
	account.RoleManager:       "home.reason.manager",
	account.RoleCareHomeStaff: "home.reason.care_home_staff",
	account.RoleNHSClinician:  "home.reason.nhs_clinician",
	account.RolePerson:        "home.reason.person",
}

func (s *Pages) home(w http.ResponseWriter, r *http.Request) {
	a := web.AccountFrom(r.Context())
	if a.Role == account.RoleDPO {
		http.Redirect(w, r, "/oversight", http.StatusSeeOther) // their work starts there
		return
	}
	if a.Role == account.RolePlanner {
		http.Redirect(w, r, "/planning", http.StatusSeeOther) // planners read no records: their work is the models
		return
	}
	if a.Role == account.RoleAdmin {
		http.Redirect(w, r, "/admin", http.StatusSeeOther) // an admin reads no records: their work starts there
		return
	}
	v := s.NewView(r, "home.title")
	d := &homeData{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	d.ReasonKey, d.SeesNobody = homeReason[a.Role], homeReason[a.Role] == ""
	d.Box = searchBox{Action: "/", Label: "home.search.label", Hint: "home.search.hint", Query: d.Query}
	status := http.StatusOK
	switch {
	case d.SeesNobody:
	case d.Query != "":
		// The box on the home page is the one search, as on /search.
		found, ok := s.runSearch(w, r, v, d.Box)
		if !ok {
			return
		}
		d.People, d.Hits, d.Box = found.People, found.Hits, found.Box
		if len(v.Errors) > 0 {
			status = http.StatusUnprocessableEntity
		}
	default:
		list, err := people.List(r.Context(), s.DB, web.Subject(r), "")
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		d.People = list
	}
	if a.Role == account.RolePractitioner || a.Role == account.RoleManager {
		overdue, err := people.OverdueReviews(r.Context(), s.DB, web.Subject(r), valid.Today())
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		d.Overdue = overdue
		if d.Crisis, err = conversations.OverdueActions(r.Context(), s.DB, web.Subject(r), valid.Today()); err != nil {
			s.ServerError(w, r, err)
			return
		}
		if !s.addWork(w, r, d) {
			return
		}
	}
	if a.Role == account.RoleManager {
		uses, err := access.BreakGlassForReview(r.Context(), s.DB.Read(), a)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		for _, u := range uses {
			if u.ReviewedAt == nil {
				d.Unreviewed++
			}
		}
	}
	v.Data = d
	s.Page(w, r, status, "home", v)
}

// addWork adds the worker's own people and their team's waiting count.
func (s *Pages) addWork(w http.ResponseWriter, r *http.Request, d *homeData) bool {
	var err error
	d.WorksOn, d.TeamID = true, web.AccountFrom(r.Context()).TeamID
	if d.Mine, err = contacts.MyPeople(r.Context(), s.DB.Read(), web.Subject(r)); err != nil {
		s.ServerError(w, r, err)
		return false
	}
	if d.TeamWaiting, d.HasTeam, err = contacts.TeamWaitingCount(r.Context(), s.DB.Read(), web.Subject(r)); err != nil {
		s.ServerError(w, r, err)
		return false
	}
	return true
}
