package pages

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/admin"
	"whatmatters/internal/httpx"
	"whatmatters/internal/i18n"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

func (s *Pages) accounts(w http.ResponseWriter, r *http.Request) {
	members, err := admin.Members(r.Context(), s.DB.Read(), web.Subject(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "admin.accounts.title")
	v.Data = members
	s.Page(w, r, http.StatusOK, "accounts", v)
}

// inviteData is the invitation form: the organisations and teams an
// account may be put in.
type inviteData struct {
	Orgs  []admin.Organisation
	Teams []teamOption
	Roles []account.Role
}

func (s *Pages) inviteForm(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.invite.title")
	v.Form["role"] = string(account.RolePractitioner)
	s.showInvite(w, r, v, http.StatusOK)
}

func (s *Pages) showInvite(w http.ResponseWriter, r *http.Request, v *web.View, status int) {
	d, err := s.choices(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.Form["organisation"] == "" && len(d.Orgs) > 0 {
		v.Form["organisation"] = d.Orgs[0].ID
	}
	v.Data = d
	s.Page(w, r, status, "invite", v)
}

// choices lists the organisations the admin runs with their teams.
func (s *Pages) choices(r *http.Request) (*inviteData, error) {
	subj := web.Subject(r)
	orgs, err := admin.Organisations(r.Context(), s.DB.Read(), subj)
	if err != nil {
		return nil, err
	}
	d := &inviteData{Orgs: orgs, Roles: admin.AssignableRoles}
	for _, o := range orgs {
		ts, err := admin.Teams(r.Context(), s.DB.Read(), subj, o.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			d.Teams = append(d.Teams, teamOption{ID: t.ID, Name: t.Name, OrgID: o.ID, OrgName: o.Name})
		}
	}
	return d, nil
}

// invitedData is the page showing a new invitation's link and code.
type invitedData struct {
	Member     *admin.Member
	Invitation *admin.Invitation
	Link       string
	CodeURL    string // where a printed code is typed
}

func (s *Pages) invite(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.invite.title")
	v.Keep(r, "organisation", "name", "email", "role", "team")
	n := admin.NewMember{OrganisationID: v.Form["organisation"], Name: v.Form["name"], Email: v.Form["email"],
		Role: account.Role(v.Form["role"]), TeamID: v.Form["team"]}
	inv, err := admin.Invite(r.Context(), s.DB, web.Subject(r), n, now())
	if err != nil {
		renameProblems(err, map[string]string{"display_name": "name"})
		if v.Problems(err) {
			s.showInvite(w, r, v, http.StatusUnprocessableEntity)
			return
		}
		s.Fail(w, r, err)
		return
	}
	s.showInvited(w, r, inv)
}

// showInvited shows the link and printable code, once: only its hash is
// kept, so the page is not to be cached.
func (s *Pages) showInvited(w http.ResponseWriter, r *http.Request, inv *admin.Invitation) {
	m, err := admin.MemberByID(r.Context(), s.DB.Read(), web.Subject(r), inv.AccountID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := s.NewView(r, "admin.invited.title")
	v.Data = invitedData{Member: m, Invitation: inv, Link: siteURL(r) + "/invite/" + inv.Code, CodeURL: siteURL(r) + "/invite"}
	w.Header().Set("Cache-Control", "no-store")
	s.Page(w, r, http.StatusOK, "invited", v)
}

// siteURL is this site's address as the admin reached it, for the link
// they send on.
func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// memberData is an account's page.
type memberData struct {
	*inviteData
	Member   *admin.Member
	Activity []admin.ActionCount
	Days     int
	Pending  *time.Time
	Self     bool
	Theirs   *admin.Member
}

func (s *Pages) member(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.member.title")
	m, err := admin.MemberByID(r.Context(), s.DB.Read(), web.Subject(r), r.PathValue("acc"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	fillMember(v, m)
	v.Flash = r.URL.Query().Get("done")
	s.showMember(w, r, v, m, nil, http.StatusOK)
}

func fillMember(v *web.View, m *admin.Member) {
	v.Form["role"], v.Form["team"], v.Form["was_role"], v.Form["was_team"] = string(m.Role), m.TeamID, string(m.Role), m.TeamID
}

func (s *Pages) showMember(w http.ResponseWriter, r *http.Request, v *web.View, m, theirs *admin.Member, status int) {
	subj := web.Subject(r)
	d := &memberData{Member: m, Days: admin.ActivityDays, Self: m.ID == subj.Account.ID, Theirs: theirs}
	var err error
	if d.inviteData, err = s.choices(r); err == nil {
		if d.Activity, err = admin.Activity(r.Context(), s.DB, subj, m.ID, now()); err == nil {
			d.Pending, err = admin.PendingInvitation(r.Context(), s.DB.Read(), subj, m.ID, now())
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	// Only the teams of the account's own organisation are offered.
	teams := d.Teams[:0:0]
	for _, t := range d.Teams {
		if t.OrgID == m.OrganisationID {
			teams = append(teams, t)
		}
	}
	d.Teams = teams
	v.Data = d
	s.Page(w, r, status, "member", v)
}

func (s *Pages) changeMember(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.member.title")
	v.Keep(r, "role", "team", "was_role", "was_team")
	subj := web.Subject(r)
	m, err := admin.MemberByID(r.Context(), s.DB.Read(), subj, r.PathValue("acc"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	was := &admin.Member{ID: m.ID, Role: account.Role(v.Form["was_role"]), TeamID: v.Form["was_team"]}
	err = admin.Change(r.Context(), s.DB, subj, was, account.Role(v.Form["role"]), v.Form["team"])
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin/accounts/"+m.ID+"?done=changed", http.StatusSeeOther)
	case errors.Is(err, store.ErrConflict):
		// Someone changed the account since this form was opened: show
		// what it is now; what was chosen stays chosen, to save again.
		conflict(v, "role")
		v.Form["was_role"], v.Form["was_team"] = string(m.Role), m.TeamID
		s.showMember(w, r, v, m, m, http.StatusConflict)
	case v.Problems(err):
		s.showMember(w, r, v, m, nil, http.StatusUnprocessableEntity)
	default:
		s.Fail(w, r, err)
	}
}

func (s *Pages) disable(w http.ResponseWriter, r *http.Request) {
	s.switchAccount(w, r, admin.Disable, "disabled")
}

func (s *Pages) enable(w http.ResponseWriter, r *http.Request) {
	s.switchAccount(w, r, admin.Enable, "enabled")
}

func (s *Pages) switchAccount(w http.ResponseWriter, r *http.Request,
	do func(ctx context.Context, db *store.DB, s account.Subject, id string) error, done string) {
	subj := web.Subject(r)
	id := r.PathValue("acc")
	err := do(r.Context(), s.DB, subj, id)
	if err == nil {
		http.Redirect(w, r, "/admin/accounts/"+id+"?done="+done, http.StatusSeeOther)
		return
	}
	_, bad := valid.From(err)
	raced := errors.Is(err, store.ErrConflict)
	if !bad && !raced {
		s.Fail(w, r, err)
		return
	}
	m, merr := admin.MemberByID(r.Context(), s.DB.Read(), subj, id)
	if merr != nil {
		s.Fail(w, r, merr)
		return
	}
	v := s.NewView(r, "admin.member.title")
	fillMember(v, m)
	if raced {
		// Another admin switched it first: the page shows its access as
		// it is now, and says so, rather than switching it back.
		v.Errors = append(v.Errors, web.FieldError{Field: "disable", Message: i18n.T(v.Lang, "admin.conflict.access")})
		s.showMember(w, r, v, m, nil, http.StatusConflict)
		return
	}
	v.Problems(err)
	s.showMember(w, r, v, m, nil, http.StatusUnprocessableEntity)
}

func (s *Pages) reinvite(w http.ResponseWriter, r *http.Request) {
	subj := web.Subject(r)
	seen, _ := strconv.Atoi(r.PostFormValue("invitations"))
	inv, err := admin.Reinvite(r.Context(), s.DB, subj, r.PathValue("acc"), seen, now())
	if err == nil {
		s.showInvited(w, r, inv)
		return
	}
	if errors.Is(err, store.ErrConflict) {
		// Another admin sent one first: theirs stands, and the page says so.
		m, merr := admin.MemberByID(r.Context(), s.DB.Read(), subj, r.PathValue("acc"))
		if merr != nil {
			s.Fail(w, r, merr)
			return
		}
		v := s.NewView(r, "admin.member.title")
		fillMember(v, m)
		v.Errors = append(v.Errors, web.FieldError{Field: "invite", Message: i18n.T(v.Lang, "admin.conflict.invite")})
		s.showMember(w, r, v, m, nil, http.StatusConflict)
		return
	}
	if _, bad := valid.From(err); !bad {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/accounts/"+r.PathValue("acc"), http.StatusSeeOther)
}

// acceptData is the invitation page as its holder sees it.
type acceptData struct {
	Invited *admin.Invited
	Code    string
	State   string // "", "used", "expired", "withdrawn" or "done"
	Min     int
}

// inviteState names why an invitation cannot be used, for its page.
func inviteState(err error) string {
	switch {
	case errors.Is(err, admin.ErrInviteUsed):
		return "used"
	case errors.Is(err, admin.ErrInviteExpired):
		return "expired"
	case errors.Is(err, admin.ErrInviteWithdrawn):
		return "withdrawn"
	}
	return ""
}

// enterCode is where someone with a printed code types it.
func (s *Pages) enterCode(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.accept.title")
	if q := r.URL.Query().Get("code"); q != "" {
		code := admin.NormaliseCode(q)
		if len(code) == 20 {
			http.Redirect(w, r, "/invite/"+code, http.StatusSeeOther)
			return
		}
		v.Form["code"] = q
		if len(q) > 100 {
			v.Form["code"] = ""
		}
		v.Errors = append(v.Errors, web.FieldError{Field: "code", Message: i18n.T(v.Lang, "admin.accept.code.format")})
	}
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.Page(w, r, status, "entercode", v)
}

func (s *Pages) invitation(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.accept.title")
	in, err := admin.LookUpInvitation(r.Context(), s.DB.Read(), r.PathValue("code"), now())
	s.showAccept(w, r, v, in, err)
}

func (s *Pages) showAccept(w http.ResponseWriter, r *http.Request, v *web.View, in *admin.Invited, err error) {
	w.Header().Set("Cache-Control", "no-store")
	if errors.Is(err, store.ErrNotFound) {
		v.Data = acceptData{State: "unknown"}
		s.Page(w, r, http.StatusNotFound, "accept", v)
		return
	}
	d := acceptData{Invited: in, Code: admin.NormaliseCode(r.PathValue("code")), Min: account.MinPasswordLength}
	status := http.StatusOK
	if st := inviteState(err); st != "" {
		d.State, status = st, http.StatusGone
	} else if v.Problems(err) {
		status = http.StatusUnprocessableEntity
	} else if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Data = d
	s.Page(w, r, status, "accept", v)
}

func (s *Pages) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "admin.accept.title")
	in, err := admin.AcceptInvitation(r.Context(), s.DB, r.PathValue("code"), r.PostFormValue("password"),
		r.PostFormValue("confirm"), httpx.ClientIP(r), httpx.RequestIDFrom(r.Context()), now())
	if err == nil {
		v.Data = acceptData{Invited: in, State: "done"}
		w.Header().Set("Cache-Control", "no-store")
		s.Page(w, r, http.StatusOK, "accept", v)
		return
	}
	s.showAccept(w, r, v, in, err)
}
