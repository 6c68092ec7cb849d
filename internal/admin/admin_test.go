package admin_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"whatmatters/internal/account"
	"whatmatters/internal/admin"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
	"whatmatters/internal/valid"
)

// fixture is the test world with an admin for Riverside Council and one
// for Hillside Council.
type fixture struct {
	*testworld.World
	db                  *store.DB
	riverside, hillside *admin.Organisation
	rivAdmin, hillAdmin *account.Account
	riv, hill           account.Subject
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	w := testworld.New(t, db)
	ctx := context.Background()
	f := &fixture{World: w, db: db}
	f.rivAdmin = &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "ade@riverside.test", DisplayName: "Ade Admin", Role: account.RoleAdmin}
	f.hillAdmin = &account.Account{OrganisationID: w.Alys.OrganisationID, Email: "hal@hillside.test", DisplayName: "Hal Admin", Role: account.RoleAdmin}
	for _, a := range []*account.Account{f.rivAdmin, f.hillAdmin} {
		if err := account.CreateAccount(ctx, db, audit.System, a, testworld.Password); err != nil {
			t.Fatal(err)
		}
	}
	f.riv, f.hill = testworld.Subject(f.rivAdmin), testworld.Subject(f.hillAdmin)
	var err error
	if f.riverside, err = admin.Administers(ctx, db.Read(), f.riv, f.rivAdmin.OrganisationID); err != nil {
		t.Fatal(err)
	}
	if f.hillside, err = admin.Administers(ctx, db.Read(), f.hill, f.hillAdmin.OrganisationID); err != nil {
		t.Fatal(err)
	}
	return f
}

// fieldCode is the one problem's field and code, or "" for none.
func fieldCode(err error) string {
	ps, ok := valid.From(err)
	if !ok || len(ps) == 0 {
		return ""
	}
	return ps[0].Field + " " + ps[0].Code
}

func actions(t *testing.T, db *store.DB, action string) []audit.Event {
	t.Helper()
	evs, err := audit.ForAction(context.Background(), db.Read(), action, 50)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestAdminRunsOnlyTheirOwnOrganisationAndItsPartners(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if _, err := admin.Administers(ctx, f.db.Read(), f.riv, f.hillside.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Riverside's admin on Hillside: %v, want not found", err)
	}
	if _, err := admin.Administers(ctx, f.db.Read(), testworld.Subject(f.Sam), f.riverside.ID); !errors.Is(err, admin.ErrNotAdmin) {
		t.Errorf("a practitioner administering: %v", err)
	}
	home := &admin.Organisation{Name: "Willow Court", Kind: account.OrgCareHome, CQCCode: "1-123456789", ODSCode: "vm1ab"}
	if err := admin.AddPartner(ctx, f.db, f.riv, home); err != nil {
		t.Fatal(err)
	}
	if home.ODSCode != "VM1AB" || home.PartnerOf != f.riverside.ID {
		t.Errorf("partner saved as %+v", home)
	}
	if _, err := admin.Administers(ctx, f.db.Read(), f.riv, home.ID); err != nil {
		t.Errorf("Riverside's admin on its partner: %v", err)
	}
	if _, err := admin.Administers(ctx, f.db.Read(), f.hill, home.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside's admin on Riverside's partner: %v, want not found", err)
	}
	orgs, err := admin.Organisations(ctx, f.db.Read(), f.riv)
	if err != nil || len(orgs) != 2 || orgs[0].Name != "Riverside Council" || orgs[1].Name != "Willow Court" {
		t.Errorf("Riverside's admin runs %+v (err %v), want Riverside Council then Willow Court", orgs, err)
	}
	// A care home's own admin runs the home but may not add partners.
	homeAdmin := &account.Account{OrganisationID: home.ID, Email: "wendy@willow.test", DisplayName: "Wendy", Role: account.RoleAdmin}
	if err := account.CreateAccount(ctx, f.db, audit.System, homeAdmin, testworld.Password); err != nil {
		t.Fatal(err)
	}
	err = admin.AddPartner(ctx, f.db, testworld.Subject(homeAdmin), &admin.Organisation{Name: "Dr Jones", Kind: account.OrgGPPractice})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a care home adding a partner: %v", err)
	}
	if _, err := admin.Administers(ctx, f.db.Read(), testworld.Subject(homeAdmin), f.riverside.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the care home's admin on the council: %v", err)
	}
	if evs := actions(t, f.db, "organisation.create"); len(evs) == 0 || evs[0].AccountID != f.rivAdmin.ID || evs[0].Target != "organisation/"+home.ID {
		t.Errorf("adding a partner is not audited to its admin: %+v", evs)
	}
}

func TestOrganisationCodesAreChecked(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, c := range []struct {
		o    admin.Organisation
		want string
	}{
		{admin.Organisation{Name: "", Kind: account.OrgCareHome}, "name organisation.name.required"},
		{admin.Organisation{Name: "A", Kind: account.OrgCouncil}, "kind organisation.kind.required"},
		{admin.Organisation{Name: "A", Kind: account.OrgGPPractice, ODSCode: "AB"}, "ods_code admin.ods_code.format"},
		{admin.Organisation{Name: "A", Kind: account.OrgGPPractice, ODSCode: "A123456"}, "ods_code admin.ods_code.format"},
		{admin.Organisation{Name: "A", Kind: account.OrgGPPractice, ODSCode: "A1-34"}, "ods_code admin.ods_code.format"},
		{admin.Organisation{Name: "A", Kind: account.OrgCareHome, CQCCode: "123456789"}, "cqc_code admin.cqc_code.format"},
		{admin.Organisation{Name: "A", Kind: account.OrgCareHome, CQCCode: "1-12345"}, "cqc_code admin.cqc_code.format"},
		{admin.Organisation{Name: "A", Kind: account.OrgCareHome, CQCCode: "2-123456789"}, "cqc_code admin.cqc_code.format"},
	} {
		o := c.o
		if got := fieldCode(admin.AddPartner(ctx, f.db, f.riv, &o)); got != c.want {
			t.Errorf("%+v: %q, want %q", c.o, got, c.want)
		}
	}
	first := &admin.Organisation{Name: "Dr Jones", Kind: account.OrgGPPractice, ODSCode: "A12345"}
	if err := admin.AddPartner(ctx, f.db, f.riv, first); err != nil {
		t.Fatal(err)
	}
	second := &admin.Organisation{Name: "Dr Smith", Kind: account.OrgGPPractice, ODSCode: "a12345"}
	if got := fieldCode(admin.AddPartner(ctx, f.db, f.riv, second)); got != "ods_code organisation.ods_code.taken" {
		t.Errorf("a second practice with the same code: %q", got)
	}
	home := &admin.Organisation{Name: "Willow Court", Kind: account.OrgCareHome, CQCCode: "1-123456789"}
	if err := admin.AddPartner(ctx, f.db, f.riv, home); err != nil {
		t.Fatal(err)
	}
	again := &admin.Organisation{Name: "Willow Lodge", Kind: account.OrgCareHome, CQCCode: "1-123456789"}
	if got := fieldCode(admin.AddPartner(ctx, f.db, f.riv, again)); got != "cqc_code admin.cqc_code.taken" {
		t.Errorf("a second home with the same CQC id: %q", got)
	}
}

func TestTwoAdminsEditingOneOrganisationOrTeamConflict(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	mine, theirs := *f.riverside, *f.riverside
	mine.Name, theirs.Name = "Riverside County Council", "Riverside Borough Council"
	if err := admin.UpdateOrganisation(ctx, f.db, f.riv, &theirs); err != nil {
		t.Fatal(err)
	}
	if err := admin.UpdateOrganisation(ctx, f.db, f.riv, &mine); !errors.Is(err, store.ErrConflict) {
		t.Errorf("the second save from the same version: %v, want a conflict", err)
	}
	now, _ := admin.Administers(ctx, f.db.Read(), f.riv, f.riverside.ID)
	if now.Name != "Riverside Borough Council" || now.Version != 2 {
		t.Errorf("saved: %+v", now)
	}
	// A council stays a council.
	now.Kind = account.OrgCareHome
	if got := fieldCode(admin.UpdateOrganisation(ctx, f.db, f.riv, now)); got != "kind organisation.kind.required" {
		t.Errorf("a council made a care home: %q", got)
	}
	hosp := &admin.Team{OrganisationID: f.riverside.ID, Name: "Hospital Discharge", Kind: "hospital"}
	if err := admin.AddTeam(ctx, f.db, f.riv, hosp); err != nil {
		t.Fatal(err)
	}
	a, b := *hosp, *hosp
	a.Name, b.Name = "Hospital Team", "Discharge Team"
	if err := admin.UpdateTeam(ctx, f.db, f.riv, &a); err != nil {
		t.Fatal(err)
	}
	if err := admin.UpdateTeam(ctx, f.db, f.riv, &b); !errors.Is(err, store.ErrConflict) {
		t.Errorf("the second rename: %v, want a conflict", err)
	}
	dup := &admin.Team{OrganisationID: f.riverside.ID, Name: "North Community Team", Kind: "community"}
	if got := fieldCode(admin.AddTeam(ctx, f.db, f.riv, dup)); got != "name team.name.taken" {
		t.Errorf("a second team of the same name: %q", got)
	}
	if got := fieldCode(admin.AddTeam(ctx, f.db, f.riv, &admin.Team{OrganisationID: f.riverside.ID, Name: "X", Kind: "space"})); got != "kind admin.team.kind.required" {
		t.Errorf("a team of no known kind: %q", got)
	}
	if err := admin.AddTeam(ctx, f.db, f.hill, &admin.Team{OrganisationID: f.riverside.ID, Name: "Spies", Kind: "other"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside adding a team to Riverside: %v", err)
	}
	if _, err := admin.TeamByID(ctx, f.db.Read(), f.hill, hosp.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside reading Riverside's team: %v", err)
	}
	teams, _ := admin.Teams(ctx, f.db.Read(), f.riv, f.riverside.ID)
	if len(teams) != 2 || teams[0].Name != "Hospital Team" || teams[1].Name != "North Community Team" || teams[1].Accounts != 1 {
		t.Errorf("Riverside's teams: %+v", teams)
	}
	if evs := actions(t, f.db, "team.update"); len(evs) != 1 || evs[0].AccountID != f.rivAdmin.ID {
		t.Errorf("one rename audited, want 1: %+v", evs)
	}
}

func TestLinksBetweenOrganisationsKeepTheirHistory(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	home := &admin.Organisation{Name: "Willow Court", Kind: account.OrgCareHome}
	gp := &admin.Organisation{Name: "Bridge Street Surgery", Kind: account.OrgGPPractice, ODSCode: "B81001"}
	nhs := &admin.Organisation{Name: "Riverside Community Health", Kind: account.OrgNHSCommunity}
	for _, o := range []*admin.Organisation{home, gp, nhs} {
		if err := admin.AddPartner(ctx, f.db, f.riv, o); err != nil {
			t.Fatal(err)
		}
	}
	nurses := &admin.Team{OrganisationID: nhs.ID, Name: "District Nurses East", Kind: "district_nursing"}
	if err := admin.AddTeam(ctx, f.db, f.riv, nurses); err != nil {
		t.Fatal(err)
	}
	jan := valid.MustDate("2026-01-05")
	for _, l := range []*admin.Link{
		{OrganisationID: home.ID, Kind: admin.ServedBy, PartnerID: gp.ID, StartsOn: jan},
		{OrganisationID: home.ID, Kind: admin.ServedBy, PartnerID: nhs.ID, PartnerTeamID: nurses.ID, StartsOn: jan},
		{OrganisationID: f.riverside.ID, Kind: admin.CommissionsPlacesAt, PartnerID: home.ID, StartsOn: valid.MustDate("2025-04-01")},
	} {
		if err := admin.AddLink(ctx, f.db, f.riv, l); err != nil {
			t.Fatalf("%+v: %v", l, err)
		}
	}
	for _, c := range []struct {
		l    admin.Link
		want string
	}{
		{admin.Link{OrganisationID: home.ID, Kind: admin.ServedBy, PartnerID: f.hillside.ID, StartsOn: jan}, "partner admin.link.partner.required"},
		{admin.Link{OrganisationID: home.ID, Kind: admin.ServedBy, PartnerID: home.ID, StartsOn: jan}, "partner admin.link.partner.self"},
		{admin.Link{OrganisationID: home.ID, Kind: admin.ServedBy, PartnerID: gp.ID, PartnerTeamID: nurses.ID, StartsOn: jan}, "partner_team admin.link.team.not_partners"},
		{admin.Link{OrganisationID: home.ID, Kind: "owns", PartnerID: gp.ID, StartsOn: jan}, "kind admin.link.kind.required"},
		{admin.Link{OrganisationID: home.ID, Kind: admin.ServedBy, PartnerID: gp.ID}, "starts_on admin.link.starts_on.required"},
	} {
		l := c.l
		if got := fieldCode(admin.AddLink(ctx, f.db, f.riv, &l)); got != c.want {
			t.Errorf("%+v: %q, want %q", c.l, got, c.want)
		}
	}
	if err := admin.AddLink(ctx, f.db, f.hill, &admin.Link{OrganisationID: home.ID, Kind: admin.ServedBy, PartnerID: gp.ID, StartsOn: jan}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside linking Riverside's partners: %v", err)
	}
	links, err := admin.Links(ctx, f.db.Read(), f.riv, home.ID)
	if err != nil || len(links) != 3 {
		t.Fatalf("the home's links: %+v (err %v), want 3", links, err)
	}
	var gpLink admin.Link
	for _, l := range links {
		if l.PartnerID == gp.ID {
			gpLink = l
		}
		if l.PartnerTeamID == nurses.ID && l.PartnerTeamName != "District Nurses East" {
			t.Errorf("the nurses' link names the team %q", l.PartnerTeamName)
		}
	}
	if got := fieldCode(admin.EndLink(ctx, f.db, f.riv, gpLink.ID, gpLink.Version, valid.MustDate("2025-12-31"))); got != "ends_on admin.link.ends_on.before_start" {
		t.Errorf("ending before it started: %q", got)
	}
	end := valid.MustDate("2026-10-31")
	if err := admin.EndLink(ctx, f.db, f.riv, gpLink.ID, gpLink.Version, end); err != nil {
		t.Fatal(err)
	}
	if err := admin.EndLink(ctx, f.db, f.riv, gpLink.ID, gpLink.Version, end); !errors.Is(err, store.ErrConflict) {
		t.Errorf("ending it again from the old version: %v, want a conflict", err)
	}
	ended, _ := admin.LinkByID(ctx, f.db.Read(), f.riv, gpLink.ID)
	if ended.EndsOn != end || ended.Current(valid.MustDate("2026-11-01")) || !ended.Current(end) {
		t.Errorf("the ended link: %+v", ended)
	}
	links, _ = admin.Links(ctx, f.db.Read(), f.riv, gp.ID)
	if len(links) != 1 || links[0].EndsOn != end {
		t.Errorf("the practice's history: %+v, want the ended link kept", links)
	}
	if _, err := admin.LinkByID(ctx, f.db.Read(), f.hill, gpLink.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside reading Riverside's link: %v", err)
	}
	if n := len(actions(t, f.db, "organisation.link.create")); n != 3 {
		t.Errorf("%d link creations audited, want 3", n)
	}
	if evs := actions(t, f.db, "organisation.link.end"); len(evs) != 1 || evs[0].Target != "organisation_link/"+gpLink.ID {
		t.Errorf("ending audited as %+v", evs)
	}
}

func TestInvitationWorksOnceAndRunsOut(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	n := admin.NewMember{OrganisationID: f.riverside.ID, Name: "Nia Jones", Email: "Nia@Riverside.test",
		Role: account.RolePractitioner, TeamID: f.NorthTeam.ID}
	_, err := admin.Invite(ctx, f.db, f.riv, admin.NewMember{OrganisationID: f.riverside.ID, Name: "X", Email: "nope", Role: account.RolePractitioner}, now)
	if got := fieldCode(err); got != "email account.email.format" {
		t.Errorf("a bad email: %q", got)
	}
	_, err = admin.Invite(ctx, f.db, f.riv, admin.NewMember{OrganisationID: f.riverside.ID, Name: "X", Email: "x@r.test", Role: account.RolePerson}, now)
	if got := fieldCode(err); got != "role account.role.required" {
		t.Errorf("inviting a person-role account: %q", got)
	}
	_, err = admin.Invite(ctx, f.db, f.hill, n, now)
	if got := fieldCode(err); got != "organisation account.organisation.required" {
		t.Errorf("Hillside inviting into Riverside: %q", got)
	}
	inv, err := admin.Invite(ctx, f.db, f.riv, n, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Code) != 20 || !inv.ExpiresAt.Equal(now.Add(7*24*time.Hour)) || len(inv.Grouped()) != 23 {
		t.Errorf("invitation %+v", inv)
	}
	// The account exists and cannot be signed in to yet; its email is taken.
	if _, err := account.SignIn(ctx, f.db, "nia@riverside.test", "", "192.0.2.9", "t"); !errors.Is(err, account.ErrBadCredentials) {
		t.Errorf("signing in before the invitation is used: %v", err)
	}
	if _, err := admin.Invite(ctx, f.db, f.riv, n, now); fieldCode(err) != "email account.email.taken" {
		t.Errorf("inviting the same email twice: %v", err)
	}
	// Only the hash is kept.
	var stored int
	_ = f.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE code_hash = $1`, inv.Code).Scan(&stored)
	if stored != 0 {
		t.Error("the code is stored as it is")
	}
	// Typed with dashes, in lower case, with O for 0: still found.
	if in, err := admin.LookUpInvitation(ctx, f.db.Read(), "  "+lowerDashed(inv.Grouped()), now); err != nil || in.Email != "nia@riverside.test" {
		t.Errorf("the code as typed: %+v, %v", in, err)
	}
	if _, err := admin.AcceptInvitation(ctx, f.db, "ZZZZZZZZZZZZZZZZZZZZ", testworld.Password, testworld.Password, "192.0.2.9", "t", now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a code that is no one's: %v", err)
	}
	if _, err := admin.AcceptInvitation(ctx, f.db, inv.Code, "short", "short", "192.0.2.9", "t", now); fieldCode(err) != "password account.password.too_short" {
		t.Errorf("a short password: %v", err)
	}
	if _, err := admin.AcceptInvitation(ctx, f.db, inv.Code, testworld.Password, "something else", "192.0.2.9", "t", now); fieldCode(err) != "confirm admin.invite.confirm.different" {
		t.Errorf("two different passwords: %v", err)
	}
	later := now.Add(7*24*time.Hour - time.Second)
	if _, err := admin.AcceptInvitation(ctx, f.db, inv.Code, testworld.Password, testworld.Password, "192.0.2.9", "t", later); err != nil {
		t.Fatalf("using the invitation a second before it runs out: %v", err)
	}
	a, err := account.SignIn(ctx, f.db, "nia@riverside.test", testworld.Password, "192.0.2.9", "t")
	if err != nil || a.TeamID != f.NorthTeam.ID || a.Role != account.RolePractitioner {
		t.Fatalf("signing in after: %+v, %v", a, err)
	}
	if _, err := admin.AcceptInvitation(ctx, f.db, inv.Code, "another password entirely", "another password entirely", "192.0.2.9", "t", later); !errors.Is(err, admin.ErrInviteUsed) {
		t.Errorf("using it again: %v, want refused as used", err)
	}
	if _, err := account.SignIn(ctx, f.db, "nia@riverside.test", testworld.Password, "192.0.2.9", "t"); err != nil {
		t.Errorf("the replay changed the password: %v", err)
	}
	// A second invitation, left until it runs out.
	m := admin.NewMember{OrganisationID: f.riverside.ID, Name: "Owen Hughes", Email: "owen@riverside.test", Role: account.RoleManager}
	inv2, err := admin.Invite(ctx, f.db, f.riv, m, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AcceptInvitation(ctx, f.db, inv2.Code, testworld.Password, testworld.Password, "192.0.2.9", "t", now.Add(7*24*time.Hour)); !errors.Is(err, admin.ErrInviteExpired) {
		t.Errorf("using it at seven days: %v, want expired", err)
	}
	// A new link replaces it; the old one stops working.
	inv3, err := admin.Reinvite(ctx, f.db, f.riv, inv2.AccountID, 1, now.Add(8*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.LookUpInvitation(ctx, f.db.Read(), inv2.Code, now.Add(8*24*time.Hour)); !errors.Is(err, admin.ErrInviteWithdrawn) {
		t.Errorf("the replaced code: %v", err)
	}
	if _, err := admin.AcceptInvitation(ctx, f.db, inv3.Code, testworld.Password, testworld.Password, "192.0.2.9", "t", now.Add(9*24*time.Hour)); err != nil {
		t.Errorf("the new link: %v", err)
	}
	if _, err := admin.Reinvite(ctx, f.db, f.riv, inv2.AccountID, 2, now.Add(9*24*time.Hour)); fieldCode(err) != "invite admin.invite.not_needed" {
		t.Errorf("inviting an account that has a password: %v", err)
	}
	used := actions(t, f.db, "invitation.use")
	var ok, denied int
	for _, e := range used {
		switch e.Outcome {
		case audit.OK:
			ok++
		case audit.Denied:
			denied++
		}
	}
	if ok != 2 || denied != 2 {
		t.Errorf("invitation uses audited: %d ok and %d refused, want 2 and 2", ok, denied)
	}
	if n := len(actions(t, f.db, "invitation.create")); n != 3 {
		t.Errorf("%d invitations audited, want 3", n)
	}
}

func lowerDashed(s string) string {
	out := []rune{}
	for _, r := range s {
		switch {
		case r == '0':
			out = append(out, 'o')
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// session stores a web session signed in as the account, as the web shell
// would.
func session(t *testing.T, db *store.DB, token, accountID string) {
	t.Helper()
	data, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{"account_id": accountID})
	if err != nil {
		t.Fatal(err)
	}
	if err := (account.SessionStore{DB: db}).Commit(token, data, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func TestDisablingEndsSessionsAndTokensAtOnce(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	sessions := account.SessionStore{DB: f.db}
	session(t, f.db, "sam-phone", f.Sam.ID)
	session(t, f.db, "sam-desk", f.Sam.ID)
	session(t, f.db, "pat-desk", f.Planner.ID)
	_, secret, err := account.CreateToken(ctx, f.db, testworld.Subject(f.Sam).Actor, f.Sam.ID, "spreadsheet")
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Disable(ctx, f.db, f.hill, f.Sam.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside disabling Riverside's Sam: %v", err)
	}
	if got := fieldCode(admin.Disable(ctx, f.db, f.riv, f.rivAdmin.ID)); got != "disable admin.account.self_disable" {
		t.Errorf("an admin disabling themselves: %q", got)
	}
	if err := admin.Disable(ctx, f.db, f.riv, f.Sam.ID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"sam-phone", "sam-desk"} {
		if _, found, _ := sessions.Find(tok); found {
			t.Errorf("Sam's session %s survived", tok)
		}
	}
	if _, found, _ := sessions.Find("pat-desk"); !found {
		t.Error("Pat's session was ended too")
	}
	if _, err := account.AccountForToken(ctx, f.db, secret); !errors.Is(err, account.ErrBadToken) {
		t.Errorf("Sam's token after: %v", err)
	}
	if _, err := account.SignIn(ctx, f.db, f.Sam.Email, testworld.Password, "192.0.2.9", "t"); !errors.Is(err, account.ErrBadCredentials) {
		t.Errorf("Sam signing in after: %v", err)
	}
	evs := actions(t, f.db, "account.disable")
	if len(evs) != 1 || evs[0].AccountID != f.rivAdmin.ID || evs[0].Details != `{"sessions_ended":2,"tokens_revoked":1}` {
		t.Errorf("disabling audited as %+v", evs)
	}
	if err := admin.Enable(ctx, f.db, f.riv, f.Sam.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := account.SignIn(ctx, f.db, f.Sam.Email, testworld.Password, "192.0.2.9", "t"); err != nil {
		t.Errorf("Sam signing in once enabled: %v", err)
	}
	if _, err := account.AccountForToken(ctx, f.db, secret); !errors.Is(err, account.ErrBadToken) {
		t.Errorf("the revoked token works again after enabling: %v", err)
	}
}

func TestChangingRoleAndTeam(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	south := &admin.Team{OrganisationID: f.riverside.ID, Name: "South Community Team", Kind: "community"}
	if err := admin.AddTeam(ctx, f.db, f.riv, south); err != nil {
		t.Fatal(err)
	}
	hillTeam := &admin.Team{OrganisationID: f.hillside.ID, Name: "Hill Team", Kind: "community"}
	if err := admin.AddTeam(ctx, f.db, f.hill, hillTeam); err != nil {
		t.Fatal(err)
	}
	sam, err := admin.MemberByID(ctx, f.db.Read(), f.riv, f.Sam.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := fieldCode(admin.Change(ctx, f.db, f.riv, sam, account.RolePractitioner, hillTeam.ID)); got != "team admin.account.team.other_org" {
		t.Errorf("moving Sam to Hillside's team: %q", got)
	}
	if err := admin.Change(ctx, f.db, f.riv, sam, account.RoleManager, south.ID); err != nil {
		t.Fatal(err)
	}
	// Another admin's form, opened before the change, is refused.
	if err := admin.Change(ctx, f.db, f.riv, sam, account.RolePractitioner, ""); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a change from a stale form: %v, want a conflict", err)
	}
	now, _ := admin.MemberByID(ctx, f.db.Read(), f.riv, f.Sam.ID)
	if now.Role != account.RoleManager || now.TeamName != "South Community Team" {
		t.Errorf("Sam is now %+v", now)
	}
	me, _ := admin.MemberByID(ctx, f.db.Read(), f.riv, f.rivAdmin.ID)
	if got := fieldCode(admin.Change(ctx, f.db, f.riv, me, account.RolePractitioner, "")); got != "role admin.account.self_role" {
		t.Errorf("an admin demoting themselves: %q", got)
	}
	if _, err := admin.MemberByID(ctx, f.db.Read(), f.hill, f.Sam.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside reading Sam: %v", err)
	}
	members, err := admin.Members(ctx, f.db.Read(), f.riv)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range members {
		names = append(names, m.Name)
	}
	// Riverside's five accounts (Ade, Dee, Pat, Sam; none of Hillside's or
	// Oakfield's), by name.
	if want := "Ade Admin,Dee Powell,Pat Lewis,Sam Okafor"; join(names) != want {
		t.Errorf("Riverside's accounts: %s, want %s", join(names), want)
	}
	if evs := actions(t, f.db, "account.change"); len(evs) != 1 || evs[0].Target != "account/"+f.Sam.ID {
		t.Errorf("the change audited as %+v", evs)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func TestActivityAndLastSignIn(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	m, _ := admin.MemberByID(ctx, f.db.Read(), f.riv, f.Sam.ID)
	if m.LastSignIn != nil {
		t.Errorf("Sam has never signed in, but the page would say %v", m.LastSignIn)
	}
	for range 2 {
		if _, err := account.SignIn(ctx, f.db, f.Sam.Email, testworld.Password, "192.0.2.9", "t"); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = account.SignIn(ctx, f.db, f.Sam.Email, "wrong password", "192.0.2.9", "t")
	f.Open(t, f.Sam, f.Helen.ID)
	m, _ = admin.MemberByID(ctx, f.db.Read(), f.riv, f.Sam.ID)
	if m.LastSignIn == nil || time.Since(*m.LastSignIn) > time.Minute {
		t.Errorf("Sam's last sign-in: %v", m.LastSignIn)
	}
	got, err := admin.Activity(ctx, f.db, f.riv, f.Sam.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Two sign-ins and one record opened; the failed sign-in has no
	// account on its row (sign-in reveals nothing), so it is not counted.
	want := map[string]int{"signin": 2, "person.read": 1}
	counted := map[string]int{}
	for _, c := range got {
		counted[c.Action] = c.N
	}
	for k, n := range want {
		if counted[k] != n {
			t.Errorf("Sam's %s: %d, want %d (all: %+v)", k, counted[k], n, got)
		}
	}
	if len(got) == 0 || got[0].Action != "signin" {
		t.Errorf("the most frequent first: %+v", got)
	}
	if got, _ := admin.Activity(ctx, f.db, f.riv, f.Sam.ID, time.Now().AddDate(0, 0, 31)); len(got) != 0 {
		t.Errorf("a month on, the last 30 days: %+v", got)
	}
	if _, err := admin.Activity(ctx, f.db, f.hill, f.Sam.ID, time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Hillside reading Sam's activity: %v", err)
	}
	if evs := actions(t, f.db, "account.activity.read"); len(evs) != 2 {
		t.Errorf("%d activity reads audited, want 2", len(evs))
	}
}

func TestInvitationRefusesOversizedInput(t *testing.T) {
	f := setup(t)
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'a'
	}
	_, err := admin.Invite(context.Background(), f.db, f.riv, admin.NewMember{OrganisationID: f.riverside.ID, Name: string(long),
		Email: string(long) + "@riverside.test", Role: account.RolePractitioner}, time.Now())
	ps, _ := valid.From(err)
	got := map[string]string{}
	for _, p := range ps {
		got[p.Field] = p.Code
	}
	// The email's message names its length, not its format.
	if got["email"] != "account.email.too_long" || got["name"] != "admin.name.too_long" {
		t.Errorf("an oversized name and email: %v", got)
	}
	// The test world's five accounts and the two admins; no more.
	if n := len(actions(t, f.db, "account.create")); n != 7 {
		t.Errorf("%d accounts created in all, want only the fixture's 7", n)
	}
}

// An organisation's or a team's name is at most 200 characters (counted
// as letters, not bytes); a longer one is refused at the name and nothing
// changes.
func TestNamesAreBounded(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	long := strings.Repeat("ŵ", 201)
	before := len(actions(t, f.db, "organisation.create")) + len(actions(t, f.db, "team.create"))
	o := *f.riverside
	o.Name = long
	if got := fieldCode(admin.UpdateOrganisation(ctx, f.db, f.riv, &o)); got != "name admin.name.too_long" {
		t.Errorf("an organisation name of 201 letters: %q", got)
	}
	p := &admin.Organisation{Name: long, Kind: account.OrgCareHome}
	if got := fieldCode(admin.AddPartner(ctx, f.db, f.riv, p)); got != "name admin.name.too_long" {
		t.Errorf("a partner name of 201 letters: %q", got)
	}
	if got := fieldCode(admin.AddTeam(ctx, f.db, f.riv, &admin.Team{OrganisationID: f.riverside.ID, Name: long, Kind: "other"})); got != "name admin.name.too_long" {
		t.Errorf("a team name of 201 letters: %q", got)
	}
	o.Name = strings.Repeat("ŵ", 200)
	if err := admin.UpdateOrganisation(ctx, f.db, f.riv, &o); err != nil {
		t.Errorf("a name of exactly 200 letters: %v", err)
	}
	if after := len(actions(t, f.db, "organisation.create")) + len(actions(t, f.db, "team.create")); after != before {
		t.Errorf("%d organisations or teams made by refused adds", after-before)
	}
}
