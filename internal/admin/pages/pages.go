// Package pages is administration in the browser: the admin's start page,
// their organisation (details, teams, links with partners), the partners a
// council adds, the accounts (invite, role and team, disable), and the
// public page where an invited person sets their password. The rules are
// in package admin; the handlers read forms and show answers.
package pages

import (
	"embed"
	"errors"
	"net/http"
	"strconv"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/admin"
	"whatmatters/internal/i18n"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves the admin's pages.
type Pages struct{ web.Pages }

// New makes this domain's pages.
func New(shell *web.Shell) *Pages { return &Pages{shell.Pages(templates)} }

// Routes adds the admin's pages and the invitation page.
func (s *Pages) Routes(rt *web.Router) {
	isAdmin := web.IsRole(account.RoleAdmin)
	rt.Menu(web.MenuItem{Href: "/admin", Key: "layout.nav.admin", Order: 80,
		For: func(a *account.Account) bool { return a.Role == account.RoleAdmin }})
	rt.ForRoles("GET /admin", "admins", isAdmin, s.start)
	rt.ForRoles("GET /admin/partners/new", "admins", isAdmin, s.newPartner)
	rt.ForRoles("POST /admin/partners", "admins", isAdmin, s.addPartner)
	rt.ForRoles("GET /admin/organisations/{org}", "admins", isAdmin, s.organisation)
	rt.ForRoles("POST /admin/organisations/{org}", "admins", isAdmin, s.updateOrganisation)
	rt.ForRoles("POST /admin/organisations/{org}/teams", "admins", isAdmin, s.addTeam)
	rt.ForRoles("POST /admin/organisations/{org}/links", "admins", isAdmin, s.addLink)
	rt.ForRoles("POST /admin/links/{link}/end", "admins", isAdmin, s.endLink)
	rt.ForRoles("GET /admin/teams/{team}", "admins", isAdmin, s.team)
	rt.ForRoles("POST /admin/teams/{team}", "admins", isAdmin, s.updateTeam)
	rt.ForRoles("GET /admin/accounts", "admins", isAdmin, s.accounts)
	rt.ForRoles("GET /admin/accounts/invite", "admins", isAdmin, s.inviteForm)
	rt.ForRoles("POST /admin/accounts/invite", "admins", isAdmin, s.invite)
	rt.ForRoles("GET /admin/accounts/{acc}", "admins", isAdmin, s.member)
	rt.ForRoles("POST /admin/accounts/{acc}", "admins", isAdmin, s.changeMember)
	rt.ForRoles("POST /admin/accounts/{acc}/disable", "admins", isAdmin, s.disable)
	rt.ForRoles("POST /admin/accounts/{acc}/enable", "admins", isAdmin, s.enable)
	rt.ForRoles("POST /admin/accounts/{acc}/reinvite", "admins", isAdmin, s.reinvite)
	rt.Public("GET /invite", s.enterCode)
	rt.Public("GET /invite/{code}", s.invitation)
	rt.Public("POST /invite/{code}", s.acceptInvitation)
}

// conflictKey is the message shown when another admin saved first.
const conflictKey = "admin.conflict"

// conflict marks the form's first field with the conflict message.
func conflict(v *web.View, field string) {
	v.Errors = append(v.Errors, web.FieldError{Field: field, Message: i18n.T(v.Lang, conflictKey)})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// startData is the admin's start page.
type startData struct {
	Own      admin.Organisation
	Partners []admin.Organisation
	Council  bool
	Accounts int
}

func (s *Pages) start(w http.ResponseWriter, r *http.Request) {
	subj := web.Subject(r)
	orgs, err := admin.Organisations(r.Context(), s.DB.Read(), subj)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if len(orgs) == 0 {
		s.Fail(w, r, store.ErrNotFound)
		return
	}
	members, err := admin.Members(r.Context(), s.DB.Read(), subj)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "admin.title")
	v.Flash = r.URL.Query().Get("done")
	v.Data = startData{Own: orgs[0], Partners: orgs[1:], Council: orgs[0].Kind == account.OrgCouncil, Accounts: len(members)}
	s.Page(w, r, http.StatusOK, "admin", v)
}

// orgData is an organisation's page: its details form, teams and links.
type orgData struct {
	Org       *admin.Organisation
	Kinds     []account.OrgKind
	Teams     []admin.Team
	TeamKinds []admin.TeamKind
	Links     []admin.Link
	LinkKinds []admin.LinkKind
	Others    []admin.Organisation // what it may be linked with
	AllTeams  []teamOption         // the others' teams
	Today     valid.Date
	Theirs    *admin.Organisation // saved by another admin meanwhile
	Saved     string
}

type teamOption struct{ ID, Name, OrgID, OrgName string }

func (s *Pages) organisation(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.org.title")
	o, err := admin.Administers(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("org"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	fillOrg(v, o)
	v.Form["team_kind"] = "community"
	v.FillDate("starts_on", valid.Today())
	s.showOrg(w, r, v, o, http.StatusOK, nil)
}

func fillOrg(v *web.View, o *admin.Organisation) {
	v.Form["name"], v.Form["kind"], v.Form["ods_code"], v.Form["cqc_code"] = o.Name, string(o.Kind), o.ODSCode, o.CQCCode
	v.Form["version"] = strconv.Itoa(o.Version)
}

// showOrg renders an organisation's page with whatever the view holds.
func (s *Pages) showOrg(w http.ResponseWriter, r *http.Request, v *web.View, o *admin.Organisation, status int, theirs *admin.Organisation) {
	ctx, subj := r.Context(), web.Subject(r)
	d := &orgData{Org: o, TeamKinds: admin.TeamKinds, LinkKinds: admin.LinkKinds, Today: valid.Today(), Theirs: theirs}
	if status == http.StatusOK {
		d.Saved = r.URL.Query().Get("done")
	}
	switch {
	case o.Kind == account.OrgCouncil:
		d.Kinds = []account.OrgKind{account.OrgCouncil}
	case o.PartnerOf != "":
		d.Kinds = admin.PartnerKinds
	default:
		d.Kinds = account.OrgKinds
	}
	var err error
	if d.Teams, err = admin.Teams(ctx, s.DB.Read(), subj, o.ID); err == nil {
		d.Links, err = admin.Links(ctx, s.DB.Read(), subj, o.ID)
	}
	var orgs []admin.Organisation
	if err == nil {
		orgs, err = admin.Organisations(ctx, s.DB.Read(), subj)
	}
	for _, other := range orgs {
		if other.ID == o.ID || err != nil {
			continue
		}
		d.Others = append(d.Others, other)
		var ts []admin.Team
		ts, err = admin.Teams(ctx, s.DB.Read(), subj, other.ID)
		for _, t := range ts {
			d.AllTeams = append(d.AllTeams, teamOption{ID: t.ID, Name: t.Name, OrgID: other.ID, OrgName: other.Name})
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Data = d
	s.Page(w, r, status, "organisation", v)
}

func (s *Pages) updateOrganisation(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.org.title")
	v.Keep(r, "name", "kind", "ods_code", "cqc_code", "version")
	o := &admin.Organisation{ID: r.PathValue("org"), Name: v.Form["name"], Kind: account.OrgKind(v.Form["kind"]),
		ODSCode: v.Form["ods_code"], CQCCode: v.Form["cqc_code"], Version: atoi(v.Form["version"])}
	err := admin.UpdateOrganisation(r.Context(), s.DB, web.Subject(r), o)
	if err == nil {
		http.Redirect(w, r, "/admin/organisations/"+o.ID+"?done=details", http.StatusSeeOther)
		return
	}
	current, cerr := admin.Administers(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("org"))
	if cerr != nil {
		s.Fail(w, r, cerr)
		return
	}
	status := http.StatusUnprocessableEntity
	switch {
	case errors.Is(err, store.ErrConflict):
		// What the other admin saved is shown beside what this one typed,
		// which is kept; saving again puts it on top of theirs.
		conflict(v, "name")
		v.Form["version"] = strconv.Itoa(current.Version)
		status = http.StatusConflict
	case !v.Problems(err):
		s.Fail(w, r, err)
		return
	}
	v.FillDate("starts_on", valid.Today())
	var theirs *admin.Organisation
	if status == http.StatusConflict {
		theirs = current
	}
	s.showOrg(w, r, v, current, status, theirs)
}

// reshowOrg shows an organisation's page again after a refused team or
// link form, its details form filled from what is saved.
func (s *Pages) reshowOrg(w http.ResponseWriter, r *http.Request, v *web.View, err error) {
	o, oerr := admin.Administers(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("org"))
	if oerr != nil {
		s.Fail(w, r, oerr)
		return
	}
	if !v.Problems(err) && err != nil {
		s.Fail(w, r, err)
		return
	}
	fillOrg(v, o)
	s.showOrg(w, r, v, o, http.StatusUnprocessableEntity, nil)
}

func (s *Pages) addTeam(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.org.title")
	v.Keep(r, "team_name", "team_kind")
	v.FillDate("starts_on", valid.Today())
	t := &admin.Team{OrganisationID: r.PathValue("org"), Name: v.Form["team_name"], Kind: admin.TeamKind(v.Form["team_kind"])}
	err := admin.AddTeam(r.Context(), s.DB, web.Subject(r), t)
	if err == nil {
		http.Redirect(w, r, "/admin/organisations/"+t.OrganisationID+"?done=team", http.StatusSeeOther)
		return
	}
	renameProblems(err, map[string]string{"name": "team_name", "kind": "team_kind"})
	s.reshowOrg(w, r, v, err)
}

// renameProblems moves problems onto the form's own field names, where
// one page has several forms.
func renameProblems(err error, names map[string]string) {
	ps, ok := valid.From(err)
	if !ok {
		return
	}
	for from, to := range names {
		ps.Rename(from, to)
	}
}

func (s *Pages) addLink(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.org.title")
	v.Keep(r, "link_kind", "partner", "partner_team")
	v.Form["team_kind"] = "community"
	starts, ok := v.Date(r, "starts_on", true)
	l := &admin.Link{OrganisationID: r.PathValue("org"), Kind: admin.LinkKind(v.Form["link_kind"]), PartnerID: v.Form["partner"],
		PartnerTeamID: v.Form["partner_team"], StartsOn: starts}
	var err error
	if ok {
		err = admin.AddLink(r.Context(), s.DB, web.Subject(r), l)
		if err == nil {
			http.Redirect(w, r, "/admin/organisations/"+l.OrganisationID+"?done=link", http.StatusSeeOther)
			return
		}
		renameProblems(err, map[string]string{"kind": "link_kind"})
	}
	s.reshowOrg(w, r, v, err)
}

func (s *Pages) endLink(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.link.end.title")
	subj := web.Subject(r)
	l, err := admin.LinkByID(r.Context(), s.DB.Read(), subj, r.PathValue("link"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Keep(r, "version")
	on, ok := v.Date(r, "ends_on", true)
	if ok {
		err = admin.EndLink(r.Context(), s.DB, subj, l.ID, atoi(v.Form["version"]), on)
		switch {
		case err == nil:
			http.Redirect(w, r, "/admin/organisations/"+l.OrganisationID+"?done=ended", http.StatusSeeOther)
			return
		case errors.Is(err, store.ErrConflict):
			// Another admin ended it first: their end stands, and the page
			// says so.
			http.Redirect(w, r, "/admin/organisations/"+l.OrganisationID+"?done=ended_elsewhere", http.StatusSeeOther)
			return
		case !v.Problems(err):
			s.Fail(w, r, err)
			return
		}
	}
	v.Data = l
	s.Page(w, r, http.StatusUnprocessableEntity, "endlink", v)
}

func (s *Pages) newPartner(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.partner.title")
	v.Form["kind"] = string(account.OrgCareHome)
	s.showPartner(w, r, v, http.StatusOK)
}

func (s *Pages) showPartner(w http.ResponseWriter, r *http.Request, v *web.View, status int) {
	own, err := admin.Administers(r.Context(), s.DB.Read(), web.Subject(r), web.AccountFrom(r.Context()).OrganisationID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if own.Kind != account.OrgCouncil {
		s.NotFound(w, r)
		return
	}
	v.Data = admin.PartnerKinds
	s.Page(w, r, status, "partner", v)
}

func (s *Pages) addPartner(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.partner.title")
	v.Keep(r, "name", "kind", "ods_code", "cqc_code")
	o := &admin.Organisation{Name: v.Form["name"], Kind: account.OrgKind(v.Form["kind"]), ODSCode: v.Form["ods_code"], CQCCode: v.Form["cqc_code"]}
	err := admin.AddPartner(r.Context(), s.DB, web.Subject(r), o)
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin/organisations/"+o.ID+"?done=added", http.StatusSeeOther)
	case v.Problems(err):
		s.showPartner(w, r, v, http.StatusUnprocessableEntity)
	default:
		s.Fail(w, r, err)
	}
}

// teamData is a team's page.
type teamData struct {
	Team   *admin.Team
	Org    *admin.Organisation
	Kinds  []admin.TeamKind
	Theirs *admin.Team
}

func (s *Pages) team(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.team.title")
	t, err := admin.TeamByID(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("team"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Form["name"], v.Form["kind"], v.Form["version"] = t.Name, string(t.Kind), strconv.Itoa(t.Version)
	s.showTeam(w, r, v, t, nil, http.StatusOK)
}

func (s *Pages) showTeam(w http.ResponseWriter, r *http.Request, v *web.View, t, theirs *admin.Team, status int) {
	o, err := admin.Administers(r.Context(), s.DB.Read(), web.Subject(r), t.OrganisationID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Data = teamData{Team: t, Org: o, Kinds: admin.TeamKinds, Theirs: theirs}
	s.Page(w, r, status, "team", v)
}

func (s *Pages) updateTeam(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.team.title")
	v.Keep(r, "name", "kind", "version")
	t := &admin.Team{ID: r.PathValue("team"), Name: v.Form["name"], Kind: admin.TeamKind(v.Form["kind"]), Version: atoi(v.Form["version"])}
	err := admin.UpdateTeam(r.Context(), s.DB, web.Subject(r), t)
	if err == nil {
		http.Redirect(w, r, "/admin/organisations/"+t.OrganisationID+"?done=team_saved", http.StatusSeeOther)
		return
	}
	current, cerr := admin.TeamByID(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("team"))
	if cerr != nil {
		s.Fail(w, r, cerr)
		return
	}
	switch {
	case errors.Is(err, store.ErrConflict):
		conflict(v, "name")
		v.Form["version"] = strconv.Itoa(current.Version)
		s.showTeam(w, r, v, current, current, http.StatusConflict)
	case v.Problems(err):
		s.showTeam(w, r, v, current, nil, http.StatusUnprocessableEntity)
	default:
		s.Fail(w, r, err)
	}
}

// now is the clock the invitation pages use; tests may move it.
var now = time.Now
