package admin_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/admin"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/valid"
)

// Two admins changing one thing from the same version at the same moment,
// on both engines: every round exactly one wins, the other is told of the
// conflict, what is saved is the winner's, and the audit trail holds one
// row per change that happened.
func TestRacingAdminsNeverBothWin(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	t.Logf("engine: %s", storetest.Engine())

	t.Run("organisation", func(t *testing.T) {
		for round := range storetest.RaceRounds {
			cur, err := admin.Administers(ctx, f.db.Read(), f.riv, f.riverside.ID)
			if err != nil {
				t.Fatal(err)
			}
			a, b := *cur, *cur
			a.Name, b.Name = fmt.Sprintf("Riverside Council A%d", round), fmt.Sprintf("Riverside Council B%d", round)
			w := storetest.Race(t, "organisation", round,
				func() error { return admin.UpdateOrganisation(ctx, f.db, f.riv, &a) },
				func() error { return admin.UpdateOrganisation(ctx, f.db, f.riv, &b) })
			now, _ := admin.Administers(ctx, f.db.Read(), f.riv, f.riverside.ID)
			if want := []string{a.Name, b.Name}[w]; now.Name != want || now.Version != cur.Version+1 {
				t.Fatalf("round %d: saved %q version %d, want the winner's %q at %d", round, now.Name, now.Version, want, cur.Version+1)
			}
		}
		if n := len(actions(t, f.db, "organisation.update")); n != storetest.RaceRounds {
			t.Errorf("%d organisation changes audited, want %d", n, storetest.RaceRounds)
		}
	})

	t.Run("team", func(t *testing.T) {
		team := &admin.Team{OrganisationID: f.riverside.ID, Name: "Hospital Discharge", Kind: "hospital"}
		if err := admin.AddTeam(ctx, f.db, f.riv, team); err != nil {
			t.Fatal(err)
		}
		for round := range storetest.RaceRounds {
			cur, err := admin.TeamByID(ctx, f.db.Read(), f.riv, team.ID)
			if err != nil {
				t.Fatal(err)
			}
			a, b := *cur, *cur
			a.Name, b.Name = fmt.Sprintf("Hospital Team A%d", round), fmt.Sprintf("Hospital Team B%d", round)
			w := storetest.Race(t, "team", round,
				func() error { return admin.UpdateTeam(ctx, f.db, f.riv, &a) },
				func() error { return admin.UpdateTeam(ctx, f.db, f.riv, &b) })
			now, _ := admin.TeamByID(ctx, f.db.Read(), f.riv, team.ID)
			if want := []string{a.Name, b.Name}[w]; now.Name != want || now.Version != cur.Version+1 {
				t.Fatalf("round %d: saved %q version %d, want the winner's %q at %d", round, now.Name, now.Version, want, cur.Version+1)
			}
		}
		if n := len(actions(t, f.db, "team.update")); n != storetest.RaceRounds {
			t.Errorf("%d team changes audited, want %d", n, storetest.RaceRounds)
		}
	})

	t.Run("link", func(t *testing.T) {
		home := &admin.Organisation{Name: "Willow Court", Kind: account.OrgCareHome}
		if err := admin.AddPartner(ctx, f.db, f.riv, home); err != nil {
			t.Fatal(err)
		}
		start := valid.MustDate("2026-01-05")
		ends := []valid.Date{valid.MustDate("2026-06-30"), valid.MustDate("2026-07-31")}
		for round := range storetest.RaceRounds {
			l := &admin.Link{OrganisationID: f.riverside.ID, Kind: admin.CommissionsPlacesAt, PartnerID: home.ID, StartsOn: start}
			if err := admin.AddLink(ctx, f.db, f.riv, l); err != nil {
				t.Fatal(err)
			}
			w := storetest.Race(t, "link", round,
				func() error { return admin.EndLink(ctx, f.db, f.riv, l.ID, l.Version, ends[0]) },
				func() error { return admin.EndLink(ctx, f.db, f.riv, l.ID, l.Version, ends[1]) })
			now, _ := admin.LinkByID(ctx, f.db.Read(), f.riv, l.ID)
			if now.EndsOn != ends[w] || now.Version != l.Version+1 {
				t.Fatalf("round %d: ends %s version %d, want the winner's %s at %d", round, now.EndsOn, now.Version, ends[w], l.Version+1)
			}
		}
		if n := len(actions(t, f.db, "organisation.link.end")); n != storetest.RaceRounds {
			t.Errorf("%d link ends audited, want %d", n, storetest.RaceRounds)
		}
	})

	t.Run("role and team", func(t *testing.T) {
		south := &admin.Team{OrganisationID: f.riverside.ID, Name: "South Community Team", Kind: "community"}
		if err := admin.AddTeam(ctx, f.db, f.riv, south); err != nil {
			t.Fatal(err)
		}
		type choice struct {
			role account.Role
			team string
		}
		choices := []choice{{account.RolePractitioner, f.NorthTeam.ID}, {account.RoleManager, south.ID}, {account.RolePlanner, ""}}
		for round := range storetest.RaceRounds {
			was, err := admin.MemberByID(ctx, f.db.Read(), f.riv, f.Sam.ID)
			if err != nil {
				t.Fatal(err)
			}
			// Each writer changes something: the two choices that differ
			// from what Sam is now.
			var two []choice
			for _, c := range choices {
				if c.role != was.Role || c.team != was.TeamID {
					two = append(two, c)
				}
			}
			w := storetest.Race(t, "role and team", round,
				func() error { return admin.Change(ctx, f.db, f.riv, was, two[0].role, two[0].team) },
				func() error { return admin.Change(ctx, f.db, f.riv, was, two[1].role, two[1].team) })
			now, _ := admin.MemberByID(ctx, f.db.Read(), f.riv, f.Sam.ID)
			if now.Role != two[w].role || now.TeamID != two[w].team {
				t.Fatalf("round %d: Sam is %s in %q, want the winner's %s in %q", round, now.Role, now.TeamID, two[w].role, two[w].team)
			}
		}
		if n := len(actions(t, f.db, "account.change")); n != storetest.RaceRounds {
			t.Errorf("%d role changes audited, want %d", n, storetest.RaceRounds)
		}
	})

	t.Run("reinvite", func(t *testing.T) {
		inv, err := admin.Invite(ctx, f.db, f.riv, admin.NewMember{OrganisationID: f.riverside.ID, Name: "Owen Hughes",
			Email: "owen@riverside.test", Role: account.RoleManager}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		made := len(actions(t, f.db, "invitation.create"))
		for round := range storetest.RaceRounds {
			m, err := admin.MemberByID(ctx, f.db.Read(), f.riv, inv.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			var codes [2]string
			send := func(i int) func() error {
				return func() error {
					got, err := admin.Reinvite(ctx, f.db, f.riv, m.ID, m.Invitations, time.Now())
					if err == nil {
						codes[i] = got.Code
					}
					return err
				}
			}
			w := storetest.Race(t, "reinvite", round, send(0), send(1))
			// The winner's code is the one that works: the loser's
			// never existed, and nobody's was withdrawn unseen.
			if _, err := admin.LookUpInvitation(ctx, f.db.Read(), codes[w], time.Now()); err != nil {
				t.Fatalf("round %d: the winner's code: %v", round, err)
			}
			if now, _ := admin.MemberByID(ctx, f.db.Read(), f.riv, m.ID); now.Invitations != m.Invitations+1 {
				t.Fatalf("round %d: %d invitations, want %d", round, now.Invitations, m.Invitations+1)
			}
		}
		if n := len(actions(t, f.db, "invitation.create")) - made; n != storetest.RaceRounds {
			t.Errorf("%d reinvitations audited, want %d", n, storetest.RaceRounds)
		}
	})

	t.Run("disable and enable", func(t *testing.T) {
		for round := range storetest.RaceRounds {
			storetest.Race(t, "disable", round,
				func() error { return admin.Disable(ctx, f.db, f.riv, f.Sam.ID) },
				func() error { return admin.Disable(ctx, f.db, f.riv, f.Sam.ID) })
			if now, _ := admin.MemberByID(ctx, f.db.Read(), f.riv, f.Sam.ID); !now.Disabled {
				t.Fatalf("round %d: Sam is not disabled", round)
			}
			storetest.Race(t, "enable", round,
				func() error { return admin.Enable(ctx, f.db, f.riv, f.Sam.ID) },
				func() error { return admin.Enable(ctx, f.db, f.riv, f.Sam.ID) })
			if now, _ := admin.MemberByID(ctx, f.db.Read(), f.riv, f.Sam.ID); now.Disabled {
				t.Fatalf("round %d: Sam is still disabled", round)
			}
		}
		for _, a := range []string{"account.disable", "account.enable"} {
			if n := len(actions(t, f.db, a)); n != storetest.RaceRounds {
				t.Errorf("%d %s audited, want %d", n, a, storetest.RaceRounds)
			}
		}
	})
}
