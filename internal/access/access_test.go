package access_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/valid"
)

const password = "correct horse battery staple"

// world is a small locality in which every kind of relationship appears
// once, so each test can say exactly whom each account should see.
type world struct {
	db *store.DB

	riverside, hillside, oakfield, health *account.Organisation
	north, hospital, district             *account.Team

	sam      *account.Account // practitioner, Riverside North; allocated Helen
	priya    *account.Account // practitioner, Riverside Hospital team (allocated Rhodri)
	alys     *account.Account // practitioner, Hillside, no team; allocated Gwen
	loner    *account.Account // practitioner, Riverside, no team, no links
	mgrNorth *account.Account // manager of Riverside North
	mgrRiver *account.Account // manager at Riverside with no team
	mgrHill  *account.Account // manager at Hillside with no team
	jo       *account.Account // care home staff at Oakfield House, where Hugh lives
	nurse    *account.Account // NHS clinician, district nurses (involved with David)
	planner  *account.Account
	admin    *account.Account
	helenAcc *account.Account // Helen herself

	helen, rhodri, hugh, david, gwen, fran *people.Person // Fran: nobody's link
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{db: storetest.Open(t)}
	w.riverside = w.org(t, "Riverside Council", account.OrgCouncil)
	w.hillside = w.org(t, "Hillside Council", account.OrgCouncil)
	w.oakfield = w.org(t, "Oakfield House", account.OrgCareHome)
	w.health = w.org(t, "Riverside Community Health", account.OrgNHSTrust)
	w.north = w.team(t, w.riverside, "North Community account.Team")
	w.hospital = w.team(t, w.riverside, "Hospital Social Care account.Team")
	w.district = w.team(t, w.health, "District Nurses")

	w.helen = w.person(t, "Helen", "Marsh")
	w.rhodri = w.person(t, "Rhodri", "Price")
	w.hugh = w.person(t, "Hugh", "Bevan")
	w.david = w.person(t, "David", "Shaw")
	w.gwen = w.person(t, "Gwen", "Tudor")
	w.fran = w.person(t, "Fran", "Ellis")

	// Only Sam gets a password: hashing one takes a noticeable moment.
	w.sam = w.account(t, "sam@riverside.test", account.RolePractitioner, w.riverside, w.north, password)
	w.priya = w.account(t, "priya@riverside.test", account.RolePractitioner, w.riverside, w.hospital, "")
	w.alys = w.account(t, "alys@hillside.test", account.RolePractitioner, w.hillside, nil, "")
	w.loner = w.account(t, "lee@riverside.test", account.RolePractitioner, w.riverside, nil, "")
	w.mgrNorth = w.account(t, "north.manager@riverside.test", account.RoleManager, w.riverside, w.north, "")
	w.mgrRiver = w.account(t, "manager@riverside.test", account.RoleManager, w.riverside, nil, "")
	w.mgrHill = w.account(t, "manager@hillside.test", account.RoleManager, w.hillside, nil, "")
	w.jo = w.account(t, "jo@oakfield.test", account.RoleCareHomeStaff, w.oakfield, nil, "")
	w.nurse = w.account(t, "nurse@health.test", account.RoleNHSClinician, w.health, w.district, "")
	w.planner = w.account(t, "planner@riverside.test", account.RolePlanner, w.riverside, nil, "")
	w.admin = w.account(t, "admin@riverside.test", account.RoleAdmin, w.riverside, nil, "")
	w.helenAcc = &account.Account{OrganisationID: w.riverside.ID, Email: "helen@example.test", DisplayName: "Helen Marsh",
		Role: account.RolePerson, PersonID: w.helen.ID}
	must(t, account.CreateAccount(context.Background(), w.db, audit.System, w.helenAcc, ""))

	w.link(t, &access.Link{PersonID: w.helen.ID, Kind: access.LinkAllocatedWorker, AccountID: w.sam.ID})
	w.link(t, &access.Link{PersonID: w.rhodri.ID, Kind: access.LinkAllocatedTeam, TeamID: w.hospital.ID})
	w.link(t, &access.Link{PersonID: w.hugh.ID, Kind: access.LinkCareHome, OrganisationID: w.oakfield.ID})
	w.link(t, &access.Link{PersonID: w.david.ID, Kind: access.LinkNHSTeam, TeamID: w.district.ID})
	w.link(t, &access.Link{PersonID: w.gwen.ID, Kind: access.LinkAllocatedWorker, AccountID: w.alys.ID})
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) org(t *testing.T, name string, kind account.OrgKind) *account.Organisation {
	t.Helper()
	o := &account.Organisation{Name: name, Kind: kind}
	must(t, account.CreateOrganisation(context.Background(), w.db, audit.System, o))
	return o
}

func (w *world) team(t *testing.T, o *account.Organisation, name string) *account.Team {
	t.Helper()
	tm := &account.Team{OrganisationID: o.ID, Name: name}
	must(t, account.CreateTeam(context.Background(), w.db, audit.System, tm))
	return tm
}

func (w *world) person(t *testing.T, given, family string) *people.Person {
	t.Helper()
	p := &people.Person{GivenName: given, FamilyName: family, DateOfBirth: valid.MustDate("1940-06-01")}
	must(t, people.Create(context.Background(), w.db, audit.System, p))
	return p
}

func (w *world) account(t *testing.T, email string, role account.Role, o *account.Organisation, tm *account.Team, pw string) *account.Account {
	t.Helper()
	a := &account.Account{OrganisationID: o.ID, Email: email, DisplayName: strings.Split(email, "@")[0], Role: role}
	if tm != nil {
		a.TeamID = tm.ID
	}
	must(t, account.CreateAccount(context.Background(), w.db, audit.System, a, pw))
	return a
}

func (w *world) link(t *testing.T, l *access.Link) {
	t.Helper()
	must(t, access.AddLink(context.Background(), w.db, audit.System, l))
}

func subject(a *account.Account) account.Subject { return account.NewSubject(a, "192.0.2.10", "test") }

// names is who the access rule's SQL lets the subject see, by given name,
// sorted.
func (w *world) visible(t *testing.T, s account.Subject) []string {
	t.Helper()
	var args store.Args
	rows, err := w.db.Read().QueryContext(context.Background(),
		`SELECT p.given_name FROM people p WHERE `+access.Visible(s, "p.id", &args)+` ORDER BY p.given_name`, args.Values...)
	if err != nil {
		t.Fatalf("Visible for %s: %v", s.Account.Email, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		out = append(out, n)
	}
	must(t, rows.Err())
	return out
}

func (w *world) canSee(t *testing.T, s account.Subject, p *people.Person) bool {
	t.Helper()
	ok, err := access.CanSee(context.Background(), w.db.Read(), s, p.ID)
	if err != nil {
		t.Fatalf("CanSee: %v", err)
	}
	return ok
}

func (w *world) everyone() []*people.Person {
	return []*people.Person{w.helen, w.rhodri, w.hugh, w.david, w.gwen, w.fran}
}

// TestRuleMatrix checks whom each account sees through Visible (the SQL
// every list uses) and CanSee (every single record), which must agree.
func TestRuleMatrix(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		who  *account.Account
		want []string
		why  string
	}{
		{w.sam, []string{"Helen"}, "allocated worker"},
		{w.priya, []string{"Rhodri"}, "her team is allocated"},
		{w.alys, []string{"Gwen"}, "allocated worker, another council"},
		{w.loner, []string{}, "no link: deny by default"},
		{w.mgrNorth, []string{"Helen"}, "a manager sees people allocated to their team's workers"},
		{w.mgrRiver, []string{"Helen", "Rhodri"}, "a manager with no team sees the organisation's people"},
		{w.mgrHill, []string{"Gwen"}, "a manager with no team sees only their own organisation's people"},
		{w.jo, []string{"Hugh"}, "lives in her care home"},
		{w.nurse, []string{"David"}, "his NHS team is involved"},
		{w.planner, []string{}, "planners see no one through the rule"},
		{w.admin, []string{}, "admins see no one through the rule"},
		{w.helenAcc, []string{"Helen"}, "a person sees only themselves"},
	}
	for _, c := range cases {
		t.Run(c.who.Email, func(t *testing.T) {
			s := subject(c.who)
			got := w.visible(t, s)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s (%s) sees %v; want %v", c.who.Email, c.why, got, c.want)
			}
			for _, p := range w.everyone() {
				if want := slices.Contains(c.want, p.GivenName); w.canSee(t, s, p) != want {
					t.Errorf("CanSee(%s, %s) = %v; want %v (%s)", c.who.Email, p.GivenName, !want, want, c.why)
				}
			}
		})
	}
}

func TestDenyByDefault(t *testing.T) {
	w := newWorld(t)
	// A disabled account, a nil account, and an unknown role see no one,
	// whatever links they have.
	disabled := *w.sam
	disabled.Disabled = true
	odd := *w.sam
	odd.Role = "superuser"
	for name, s := range map[string]account.Subject{
		"disabled":     subject(&disabled),
		"no account":   {},
		"unknown role": subject(&odd),
	} {
		var args store.Args
		if cond := access.Visible(s, "p.id", &args); cond != "1 = 0" {
			t.Errorf("%s: Visible = %q; want the condition that matches nothing", name, cond)
		}
		if s.Account != nil {
			if got := w.visible(t, s); len(got) != 0 {
				t.Errorf("%s sees %v; want no one", name, got)
			}
		}
		ok, err := access.CanSee(context.Background(), w.db.Read(), s, w.helen.ID)
		if err != nil || ok {
			t.Errorf("%s: CanSee(Helen) = %v, %v; want false", name, ok, err)
		}
	}

	// Naming a person on an account grants nothing unless the account is
	// that person's own.
	circle := &account.Account{OrganisationID: w.riverside.ID, Email: "friend@example.test", DisplayName: "Friend",
		Role: account.RoleCircleMember, PersonID: w.helen.ID}
	must(t, account.CreateAccount(context.Background(), w.db, audit.System, circle, ""))
	if got := w.visible(t, subject(circle)); len(got) != 0 || w.canSee(t, subject(circle), w.helen) {
		t.Errorf("a circle member account naming Helen sees %v; want no one", got)
	}

	// A link that has ended grants nothing.
	l := &access.Link{PersonID: w.fran.ID, Kind: access.LinkAllocatedWorker, AccountID: w.loner.ID}
	w.link(t, l)
	if !w.canSee(t, subject(w.loner), w.fran) {
		t.Fatal("a current allocation does not let the worker see the person")
	}
	endLink(t, w.db, l.ID)
	if w.canSee(t, subject(w.loner), w.fran) {
		t.Error("an ended allocation still lets the worker see the person")
	}
	if got := w.visible(t, subject(w.loner)); len(got) != 0 {
		t.Errorf("after the allocation ended the worker sees %v; want no one", got)
	}
}

func endLink(t *testing.T, db *store.DB, id string) {
	t.Helper()
	must(t, db.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE person_links SET ended_at = $1 WHERE id = $2`, store.Now(), id)
		return err
	}))
}

// clock stands in for store.Now, so tests can move time on. Tests that use
// it must not run in parallel.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func fakeClock(t *testing.T) *clock {
	t.Helper()
	c := &clock{now: store.Now()}
	old := store.Now
	store.Now = c.Now
	t.Cleanup(func() { store.Now = old })
	return c
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// lastEvent is the newest audit event about a person.
func lastEvent(t *testing.T, db *store.DB, personID string) audit.Event {
	t.Helper()
	events, err := audit.ForPerson(context.Background(), db.Read(), personID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatalf("no audit event about person %s", personID)
	}
	return events[0]
}

func countRows(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Read().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func verifyTrail(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := audit.Verify(context.Background(), db.Read()); err != nil {
		t.Errorf("audit trail: %v", err)
	}
}

func TestOpenAuditsReadsAndRefusals(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	sam := subject(w.sam)
	before := countRows(t, w.db, `SELECT COUNT(*) FROM audit_events`)

	if _, err := access.Open(ctx, w.db, sam, w.helen.ID, "person/"+w.helen.ID); err != nil {
		t.Fatalf("Open(Helen) for her allocated worker: %v", err)
	}
	e := lastEvent(t, w.db, w.helen.ID)
	if e.Action != "person.read" || e.Outcome != audit.OK || e.AccountID != w.sam.ID ||
		e.Target != "person/"+w.helen.ID || e.IP != "192.0.2.10" || e.Actor != w.sam.Label() {
		t.Errorf("read audited as %+v", e)
	}

	_, errOutOfReach := access.Open(ctx, w.db, sam, w.gwen.ID, "person/"+w.gwen.ID)
	if !errors.Is(errOutOfReach, store.ErrNotFound) {
		t.Fatalf("Open(Gwen) for a worker of another council = %v; want store.ErrNotFound", errOutOfReach)
	}
	e = lastEvent(t, w.db, w.gwen.ID)
	if e.Action != "person.read" || e.Outcome != audit.Denied || e.AccountID != w.sam.ID || e.PersonID != w.gwen.ID {
		t.Errorf("refusal audited as %+v; want a denied person.read by Sam about Gwen", e)
	}

	// Someone who does not exist gets exactly the same answer, and the
	// attempt is audited too.
	ghost := valid.NewID()
	_, errMissing := access.Open(ctx, w.db, sam, ghost, "person/"+ghost)
	if !errors.Is(errMissing, store.ErrNotFound) || errMissing.Error() != errOutOfReach.Error() {
		t.Errorf("Open(no such person) = %v; want the same answer as out of reach, %v", errMissing, errOutOfReach)
	}
	if e := lastEvent(t, w.db, ghost); e.Outcome != audit.Denied || e.AccountID != w.sam.ID {
		t.Errorf("attempt on a missing person audited as %+v", e)
	}

	if n := countRows(t, w.db, `SELECT COUNT(*) FROM audit_events`) - before; n != 3 {
		t.Errorf("three opens wrote %d audit rows; want 3", n)
	}
	verifyTrail(t, w.db)
}

func TestBreakGlass(t *testing.T) {
	w := newWorld(t)
	clk := fakeClock(t)
	ctx := context.Background()
	priya := subject(w.priya)
	reason := "A&E rang: Helen was admitted confused and they need her contacts"

	// A reason of a word or two is refused, with the field named.
	for _, short := range []string{"", "urgent", "   fourteen chars   "} {
		_, err := access.StartBreakGlass(ctx, w.db, priya, w.helen.ID, short)
		var fe *valid.FieldError
		if !errors.As(err, &fe) || fe.Field != "reason" {
			t.Errorf("StartBreakGlass(reason %q) = %v; want a FieldError for reason", short, err)
		}
	}
	if _, err := access.StartBreakGlass(ctx, w.db, priya, w.helen.ID, strings.Repeat("x", 2001)); err == nil {
		t.Error("a reason of 2001 characters was accepted")
	}
	// Roles that may not break glass.
	for _, a := range []*account.Account{w.planner, w.admin, w.helenAcc} {
		if _, err := access.StartBreakGlass(ctx, w.db, subject(a), w.gwen.ID, reason); !errors.Is(err, access.ErrNotAllowed) {
			t.Errorf("StartBreakGlass by %s = %v; want ErrNotAllowed", a.Role, err)
		}
	}
	if _, err := access.StartBreakGlass(ctx, w.db, priya, valid.NewID(), reason); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("StartBreakGlass on no such person = %v; want ErrNotFound", err)
	}
	if n := countRows(t, w.db, `SELECT COUNT(*) FROM break_glass`); n != 0 {
		t.Fatalf("refused attempts left %d break-glass grants", n)
	}
	if w.canSee(t, priya, w.helen) {
		t.Fatal("Priya sees Helen before breaking glass")
	}

	bg, err := access.StartBreakGlass(ctx, w.db, priya, w.helen.ID, "  "+reason+"  ")
	if err != nil {
		t.Fatal(err)
	}
	if bg.Reason != reason || bg.ExpiresAt.Sub(bg.StartedAt) != access.BreakGlassDuration || access.BreakGlassDuration != 30*time.Minute {
		t.Errorf("grant = %+v; want the trimmed reason and 30 minutes", bg)
	}
	if e := lastEvent(t, w.db, w.helen.ID); e.Action != "breakglass.start" || e.AccountID != w.priya.ID || !strings.Contains(e.Details, "need her contacts") {
		t.Errorf("break glass audited as %+v", e)
	}
	if got := w.visible(t, priya); !slices.Equal(got, []string{"Helen", "Rhodri"}) {
		t.Errorf("after breaking glass Priya sees %v; want Helen and Rhodri", got)
	}
	op, err := access.Open(ctx, w.db, priya, w.helen.ID, "person/"+w.helen.ID)
	if err != nil {
		t.Fatalf("Open after breaking glass: %v", err)
	}
	// Emergency access reads the whole record and changes nothing, and the
	// opened record says why it is open, for the banner on every page.
	if g := op.Grant(); !g.MayRead(access.PartsAll) || !g.ReadOnly() {
		t.Errorf("emergency grant = %v; want read everything, change nothing", g)
	}
	if bg := op.Emergency(); bg == nil || bg.Reason != reason {
		t.Errorf("opened record's emergency = %+v; want the reason %q", bg, reason)
	}
	if w.canSee(t, subject(w.loner), w.helen) {
		t.Error("Priya's emergency access let someone else see Helen")
	}
	clk.Advance(29 * time.Minute)
	if !w.canSee(t, priya, w.helen) {
		t.Error("emergency access ended before 30 minutes")
	}
	clk.Advance(time.Minute)
	if w.canSee(t, priya, w.helen) {
		t.Error("emergency access lasts beyond 30 minutes")
	}
	if _, err := access.Open(ctx, w.db, priya, w.helen.ID, "person/"+w.helen.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Open after emergency access expired = %v; want ErrNotFound", err)
	}

	// Managers review it: a manager of the whole organisation sees it, and
	// the manager of the team holding the record; another council's does not.
	list, err := access.BreakGlassForReview(ctx, w.db.Read(), w.mgrRiver)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != bg.ID || list[0].ReviewedAt != nil || list[0].Reason != reason ||
		list[0].PersonName != "Helen Marsh" || !strings.Contains(list[0].Account, w.priya.Email) {
		t.Fatalf("Riverside's manager is shown %+v; want Priya's unreviewed grant", list)
	}
	// The manager of the team that holds Helen's record sees it too,
	// though Priya is not in that team.
	if list, err := access.BreakGlassForReview(ctx, w.db.Read(), w.mgrNorth); err != nil || len(list) != 1 || list[0].ID != bg.ID {
		t.Errorf("the holding team's manager is shown %v, %v; want Priya's use of Helen's record", list, err)
	}
	if n, err := access.UnreviewedBreakGlass(ctx, w.db.Read(), w.mgrNorth); n != 1 || err != nil {
		t.Errorf("unreviewed for the holding team's manager = %d, %v; want 1", n, err)
	}
	for _, m := range []*account.Account{w.mgrHill} {
		if list, err := access.BreakGlassForReview(ctx, w.db.Read(), m); err != nil || len(list) != 0 {
			t.Errorf("%s is shown %v, %v; want nothing", m.Email, list, err)
		}
		if err := access.ReviewBreakGlass(ctx, w.db, subject(m), bg.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ReviewBreakGlass by %s = %v; want ErrNotFound", m.Email, err)
		}
	}
	if _, err := access.BreakGlassForReview(ctx, w.db.Read(), w.sam); !errors.Is(err, access.ErrNotAllowed) {
		t.Errorf("BreakGlassForReview for a practitioner = %v; want ErrNotAllowed", err)
	}
	if err := access.ReviewBreakGlass(ctx, w.db, subject(w.mgrRiver), bg.ID); err != nil {
		t.Fatalf("ReviewBreakGlass: %v", err)
	}
	list, err = access.BreakGlassForReview(ctx, w.db.Read(), w.mgrRiver)
	if err != nil || len(list) != 1 || list[0].ReviewedAt == nil || list[0].ReviewedBy != w.mgrRiver.DisplayName {
		t.Errorf("after review the list is %+v, %v; want it marked reviewed by the manager", list, err)
	}
	if err := access.ReviewBreakGlass(ctx, w.db, subject(w.mgrRiver), bg.ID); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second review = %v; want ErrConflict", err)
	}
	if e := lastEvent(t, w.db, w.helen.ID); e.Action != "breakglass.review" || e.AccountID != w.mgrRiver.ID {
		t.Errorf("review audited as %+v", e)
	}
	verifyTrail(t, w.db)
}

func TestTokens(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, _, err := account.CreateToken(ctx, w.db, subject(w.sam).Actor, w.sam.ID, "  "); err == nil {
		t.Error("a token without a name was made")
	}
	tok, secret, err := account.CreateToken(ctx, w.db, subject(w.sam).Actor, w.sam.ID, "reporting script")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "wm_") || len(secret) < 40 {
		t.Errorf("secret %q; want wm_ and at least 256 random bits", secret)
	}
	_, other, err := account.CreateToken(ctx, w.db, subject(w.sam).Actor, w.sam.ID, "another")
	if err != nil || other == secret {
		t.Fatalf("second token: %v (same secret: %v)", err, other == secret)
	}

	// Only the SHA-256 of the secret is kept; the secret is nowhere in the
	// database, the audit trail included.
	sum := sha256.Sum256([]byte(secret))
	var id, acct, name, hash string
	err = w.db.Read().QueryRowContext(ctx, `SELECT id, account_id, name, token_hash FROM api_tokens WHERE id = $1`, tok.ID).
		Scan(&id, &acct, &name, &hash)
	if err != nil {
		t.Fatal(err)
	}
	if hash != hex.EncodeToString(sum[:]) {
		t.Errorf("stored hash %q; want the SHA-256 of the secret", hash)
	}
	for _, v := range []string{id, acct, name, hash} {
		if strings.Contains(v, secret) || strings.Contains(v, strings.TrimPrefix(secret, "wm_")) {
			t.Errorf("the secret is stored in clear: %q", v)
		}
	}
	if n := countRows(t, w.db, `SELECT COUNT(*) FROM audit_events WHERE details LIKE $1`,
		"%"+strings.TrimPrefix(secret, "wm_")+"%"); n != 0 {
		t.Errorf("the secret is in %d audit rows", n)
	}

	a, err := account.AccountForToken(ctx, w.db, secret)
	if err != nil || a.ID != w.sam.ID {
		t.Fatalf("account.AccountForToken = %v, %v; want Sam", a, err)
	}
	for _, bad := range []string{"", "wm_", "wm_" + strings.Repeat("A", 43), strings.TrimPrefix(secret, "wm_"), hash, secret + "x"} {
		if _, err := account.AccountForToken(ctx, w.db, bad); !errors.Is(err, account.ErrBadToken) {
			t.Errorf("account.AccountForToken(%q) = %v; want account.ErrBadToken", bad, err)
		}
	}
	list, err := account.Tokens(ctx, w.db.Read(), w.sam.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("account.Tokens = %v, %v", list, err)
	}
	for _, l := range list {
		if l.ID == tok.ID && l.LastUsedAt == nil {
			t.Error("the token's last use was not noted")
		}
	}

	// Only the owner may revoke it; after that it stops working, and the
	// other token goes on.
	if err := account.RevokeToken(ctx, w.db, subject(w.priya), tok.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("account.RevokeToken by someone else = %v; want ErrNotFound", err)
	}
	if _, err := account.AccountForToken(ctx, w.db, secret); err != nil {
		t.Errorf("someone else's failed revoke stopped the token: %v", err)
	}
	if err := account.RevokeToken(ctx, w.db, subject(w.sam), tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := account.AccountForToken(ctx, w.db, secret); !errors.Is(err, account.ErrBadToken) {
		t.Errorf("a revoked token = %v; want account.ErrBadToken", err)
	}
	if err := account.RevokeToken(ctx, w.db, subject(w.sam), tok.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking twice = %v; want ErrNotFound", err)
	}
	if a, err := account.AccountForToken(ctx, w.db, other); err != nil || a.ID != w.sam.ID {
		t.Errorf("the other token after the revoke = %v, %v", a, err)
	}
	if n := countRows(t, w.db, `SELECT COUNT(*) FROM audit_events WHERE action IN ('token.create', 'token.revoke') AND outcome = 'ok'`); n != 3 {
		t.Errorf("%d token audit rows; want 2 made and 1 revoked", n)
	}

	// A disabled account's token does not work.
	off := &account.Account{OrganisationID: w.riverside.ID, Email: "gone@riverside.test", DisplayName: "Gone",
		Role: account.RolePractitioner, Disabled: true}
	must(t, account.CreateAccount(ctx, w.db, audit.System, off, ""))
	_, offSecret, err := account.CreateToken(ctx, w.db, audit.System, off.ID, "old script")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := account.AccountForToken(ctx, w.db, offSecret); !errors.Is(err, account.ErrBadToken) {
		t.Errorf("a disabled account's token = %v; want account.ErrBadToken", err)
	}
	verifyTrail(t, w.db)
}

// signins counts the audited sign-in attempts by outcome.
func signins(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	events, err := audit.ForAction(context.Background(), db.Read(), "signin", 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range events {
		out[e.Outcome]++
	}
	return out
}

func TestSignInSameAnswerAndAudited(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	off := &account.Account{OrganisationID: w.riverside.ID, Email: "gone@riverside.test", DisplayName: "Gone",
		Role: account.RolePractitioner, Disabled: true}
	must(t, account.CreateAccount(ctx, w.db, audit.System, off, password))

	var answers []error
	for _, try := range []struct{ email, password string }{
		{"nobody@riverside.test", password},              // unknown address
		{"sam@riverside.test", "not the right password"}, // wrong password
		{"priya@riverside.test", password},               // an account with no password yet
		{"gone@riverside.test", password},                // a disabled account, right password
		{"sam@riverside.test", strings.Repeat("p", 5000)},
	} {
		a, err := account.SignIn(ctx, w.db, try.email, try.password, "198.51.100.1", "req")
		if a != nil || !errors.Is(err, account.ErrBadCredentials) {
			t.Errorf("account.SignIn(%s) = %v, %v; want account.ErrBadCredentials", try.email, a, err)
		}
		answers = append(answers, err)
	}
	for _, err := range answers[1:] {
		if err == nil || answers[0] == nil || err.Error() != answers[0].Error() {
			t.Errorf("answers differ: %v and %v", answers[0], err)
		}
	}
	a, err := account.SignIn(ctx, w.db, "  SAM@Riverside.Test ", password, "198.51.100.1", "req")
	if err != nil || a.ID != w.sam.ID {
		t.Fatalf("account.SignIn with the right password = %v, %v", a, err)
	}

	got := signins(t, w.db)
	if got[audit.Failed] != 5 || got[audit.OK] != 1 || len(got) != 2 {
		t.Errorf("sign-ins audited %v; want 5 failed and 1 ok", got)
	}
	events, err := audit.ForAction(ctx, w.db.Read(), "signin", 10)
	if err != nil {
		t.Fatal(err)
	}
	if e := events[0]; e.Outcome != audit.OK || e.AccountID != w.sam.ID || e.IP != "198.51.100.1" {
		t.Errorf("successful sign-in audited as %+v", e)
	}
	if e := events[len(events)-1]; e.Outcome != audit.Failed || e.Actor != "nobody@riverside.test" || e.AccountID != "" {
		t.Errorf("unknown address audited as %+v; want the address typed, no account", e)
	}
	verifyTrail(t, w.db)
}

func throttled(t *testing.T, err error, wait time.Duration) {
	t.Helper()
	var te *account.ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v; want *account.ThrottledError", err)
	}
	if te.Wait != wait {
		t.Errorf("throttled for %v; want %v", te.Wait, wait)
	}
}

func badCredentials(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, account.ErrBadCredentials) {
		t.Fatalf("err = %v; want account.ErrBadCredentials", err)
	}
}

// TestSignInThrottleOneAccount: one client guessing Sam's password gets
// five free tries, then pauses that double; the pause ends by itself, does
// not stop the real Sam signing in from elsewhere, and a successful
// sign-in from that client starts the count again.
func TestSignInThrottleOneAccount(t *testing.T) {
	w := newWorld(t)
	clk := fakeClock(t)
	ctx := context.Background()
	const email, wrong, attacker, home = "sam@riverside.test", "not the right password", "203.0.113.66", "198.51.100.7"
	signIn := func(pw, ip string) (*account.Account, error) { return account.SignIn(ctx, w.db, email, pw, ip, "req") }

	for i := 0; i < 6; i++ {
		_, err := signIn(wrong, attacker)
		badCredentials(t, err)
	}
	// The sixth failure started a pause of a second: even the right
	// password from that client is refused, unchecked.
	_, err := signIn(password, attacker)
	throttled(t, err, time.Second)
	if a, err := signIn(password, home); err != nil || a.ID != w.sam.ID {
		t.Fatalf("Sam signing in from home during the attacker's pause = %v, %v", a, err)
	}
	clk.Advance(time.Second)
	_, err = signIn(wrong, attacker)
	badCredentials(t, err)
	_, err = signIn(password, attacker)
	throttled(t, err, 2*time.Second)
	clk.Advance(time.Second)
	_, err = signIn(wrong, attacker)
	throttled(t, err, time.Second)
	clk.Advance(time.Second)
	if a, err := signIn(password, attacker); err != nil || a.ID != w.sam.ID {
		t.Fatalf("the right password after the pause = %v, %v", a, err)
	}
	// The success cleared the count for this client and address.
	_, err = signIn(wrong, attacker)
	badCredentials(t, err)
	if _, err := signIn(password, attacker); err != nil {
		t.Errorf("one failure after a success paused sign-in: %v", err)
	}

	got := signins(t, w.db)
	if want := map[string]int{audit.Failed: 8, audit.Denied: 3, audit.OK: 3}; !maps.Equal(got, want) {
		t.Errorf("sign-ins audited %v; want %v", got, want)
	}
	verifyTrail(t, w.db)
}

// TestSignInThrottleManyClients: an outsider guessing one address from
// many clients slows only themselves. An outside test made 55 guesses from
// 55 addresses, then one a minute, and kept the real user out 21 times in
// 24: the right password from a client with no failures of its own is
// never refused because of someone else's guesses. One client guessing
// many addresses is paused.
func TestSignInThrottleManyClients(t *testing.T) {
	w := newWorld(t)
	clk := fakeClock(t)
	ctx := context.Background()
	const email, wrong, home = "sam@riverside.test", "not the right password", "198.51.100.7"
	for i := 0; i < 55; i++ {
		_, err := account.SignIn(ctx, w.db, email, wrong, fmt.Sprintf("203.0.113.%d", i+1), "req")
		badCredentials(t, err)
	}
	refused := 0
	for i := 0; i < 24; i++ {
		clk.Advance(time.Minute)
		// The outsider guesses again from one of their addresses …
		if _, err := account.SignIn(ctx, w.db, email, wrong, fmt.Sprintf("203.0.113.%d", i%55+1), "req"); err == nil {
			t.Fatal("a wrong password was accepted")
		}
		// … and Sam signs in from home.
		if a, err := account.SignIn(ctx, w.db, email, password, home, "req"); err != nil || a.ID != w.sam.ID {
			refused++
		}
	}
	if refused != 0 {
		t.Errorf("the real user was kept out %d times in 24", refused)
	}
	// The outsider's own clients are still slowed: after the 20 free, each
	// further guess from a client that has failed waits on the address's
	// pause.
	_, err := account.SignIn(ctx, w.db, email, password, "203.0.113.1", "req")
	throttled(t, err, time.Minute)

	// Failures are forgotten once none has come for a while.
	clk.Advance(account.FailureDecay + time.Minute)
	for i := 0; i < 5; i++ {
		_, err := account.SignIn(ctx, w.db, email, wrong, "203.0.113.1", "req")
		badCredentials(t, err)
	}

	// One client, many addresses: twenty free, then paused for every
	// address, Sam's included, while other clients are not.
	// The guesses go in parallel, to save time: none can be paused, since
	// only the 21st failure starts a pause.
	const guesser = "203.0.113.200"
	errs := make([]error, 21)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = account.SignIn(ctx, w.db, fmt.Sprintf("guess%d@riverside.test", i), wrong, guesser, "req")
		})
	}
	wg.Wait()
	for _, err := range errs {
		badCredentials(t, err)
	}
	_, err = account.SignIn(ctx, w.db, email, password, guesser, "req")
	throttled(t, err, time.Second)
	if _, err := account.SignIn(ctx, w.db, email, password, home, "req"); err != nil {
		t.Errorf("Sam from home while another client is paused: %v", err)
	}
	verifyTrail(t, w.db)
}

// TestSignInThrottleCountsParallelGuesses: guesses sent at the same time
// are each counted, so firing them in parallel buys no extra tries.
func TestSignInThrottleCountsParallelGuesses(t *testing.T) {
	w := newWorld(t)
	fakeClock(t) // time stands still: no pause runs out during the test
	ctx := context.Background()
	const email, wrong, attacker, n = "sam@riverside.test", "not the right password", "203.0.113.99", 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = account.SignIn(ctx, w.db, email, wrong, attacker, "req") })
	}
	wg.Wait()
	failures := 0
	for _, err := range errs {
		var te *account.ThrottledError
		switch {
		case errors.Is(err, account.ErrBadCredentials):
			failures++
		case errors.As(err, &te): // began after an earlier guess had started a pause
		default:
			t.Fatalf("a parallel guess = %v", err)
		}
	}
	if failures < 6 {
		t.Fatalf("only %d of %d parallel guesses were checked", failures, n)
	}
	// The email and client pair allows five failures, then pauses for a
	// second, doubling with each further failure.
	_, err := account.SignIn(ctx, w.db, email, password, attacker, "req")
	throttled(t, err, time.Second<<(failures-6))
	verifyTrail(t, w.db)
}
