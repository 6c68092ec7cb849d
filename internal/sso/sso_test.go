package sso_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/sso"
	"whatmatters/internal/sso/ssotest"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
)

const publicURL = "http://127.0.0.1:9" // never contacted: the callback is read from the redirect

func setUp(t *testing.T) (*ssotest.IdP, *sso.Provider) {
	idp := ssotest.New("whatmatters", "s3cret-for-tests")
	t.Cleanup(idp.Close)
	p := sso.New(sso.Config{Issuer: idp.URL, ClientID: "whatmatters", ClientSecret: "s3cret-for-tests",
		Name: "Riverside", PublicURL: publicURL}, nil)
	return idp, p
}

// signInAt does what a browser does: follows the provider's authorisation
// address and reads the code and state from where it is sent back.
func signInAt(t *testing.T, p *sso.Provider) (code, state string, start sso.Start) {
	t.Helper()
	start, err := p.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(start.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), publicURL+"/sign-in/sso/callback?") {
		t.Fatalf("provider sent the browser to %q (status %d)", resp.Header.Get("Location"), resp.StatusCode)
	}
	return back.Query().Get("code"), back.Query().Get("state"), start
}

func TestCodeFlowWithPKCE(t *testing.T) {
	idp, p := setUp(t)
	idp.Set(func(i *ssotest.IdP) {
		i.User = ssotest.User{Subject: "abc-123", Email: "Pat@Riverside.gov.uk", EmailVerified: true, Name: "Pat Evans", Groups: []string{"adult-social-care"}}
	})
	code, state, start := signInAt(t, p)
	if state != start.State {
		t.Fatalf("state %q came back as %q", start.State, state)
	}
	c, err := p.Finish(context.Background(), code, start.Verifier, start.Nonce)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "abc-123" || c.Email != "pat@riverside.gov.uk" || c.Name != "Pat Evans" || c.Issuer != idp.URL {
		t.Errorf("claims: %+v", c)
	}
	if got := c.Values("groups"); len(got) != 1 || got[0] != "adult-social-care" {
		t.Errorf("groups: %v", got)
	}
	if got := c.Values("email_domain"); len(got) != 1 || got[0] != "riverside.gov.uk" {
		t.Errorf("email domain: %v", got)
	}
	// The same code a second time is refused by the provider, and so here.
	if _, err := p.Finish(context.Background(), code, start.Verifier, start.Nonce); !errors.Is(err, sso.ErrToken) {
		t.Errorf("replayed code: %v", err)
	}
}

// Each of these answers must be refused, whatever else is right about it.
func TestBadAnswersAreRefused(t *testing.T) {
	cases := []struct {
		name string
		knob func(*ssotest.IdP)
		// verifier/nonce changes made by an attacker on our side of the flow
		verifier, nonce string
		want            string
	}{
		{"wrong audience", func(i *ssotest.IdP) { i.Audience = "someone-else" }, "", "", "another client"},
		{"expired", func(i *ssotest.IdP) { i.Lifetime = -10 * time.Minute }, "", "", "expired"},
		{"wrong nonce", func(i *ssotest.IdP) { i.Nonce = "not-the-one" }, "", "", "nonce"},
		{"another issuer", func(i *ssotest.IdP) { i.Issuer = "https://evil.example" }, "", "", "issued by"},
		{"signed with another key", func(i *ssotest.IdP) { i.SignWrong = true }, "", "", "signature"},
		{"alg none", func(i *ssotest.IdP) { i.Alg = "none" }, "", "", "algorithm"},
		{"HS256", func(i *ssotest.IdP) { i.Alg = "HS256" }, "", "", "algorithm"},
		{"wrong PKCE verifier", nil, "not-the-verifier", "", "token endpoint"},
		{"nonce lost from the session", nil, "", "-", "nonce"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			idp, p := setUp(t)
			idp.Set(func(i *ssotest.IdP) {
				i.User = ssotest.User{Subject: "s1", Email: "a@riverside.gov.uk", EmailVerified: true}
				if tc.knob != nil {
					tc.knob(i)
				}
			})
			code, _, start := signInAt(t, p)
			verifier, nonce := start.Verifier, start.Nonce
			if tc.verifier != "" {
				verifier = tc.verifier
			}
			if tc.nonce == "-" {
				nonce = ""
			}
			c, err := p.Finish(context.Background(), code, verifier, nonce)
			if !errors.Is(err, sso.ErrToken) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %+v, %v; want a refusal saying %q", c, err, tc.want)
			}
		})
	}
}

func TestES256Tokens(t *testing.T) {
	idp, p := setUp(t)
	idp.Set(func(i *ssotest.IdP) { i.UseEC = true; i.User = ssotest.User{Subject: "ec", Email: "e@x.org"} })
	code, _, start := signInAt(t, p)
	c, err := p.Finish(context.Background(), code, start.Verifier, start.Nonce)
	if err != nil || c.Subject != "ec" {
		t.Fatalf("%+v %v", c, err)
	}
	// An unverified email address gives no domain to match rules on.
	if d := c.Values("email_domain"); d != nil {
		t.Errorf("unverified email domain: %v", d)
	}
}

func TestConfigValidate(t *testing.T) {
	good := sso.Config{Issuer: "https://login.example.org", ClientID: "c", ClientSecret: "s", PublicURL: "https://care.example.org"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*sso.Config){
		"issuer":  func(c *sso.Config) { c.Issuer = "" },
		"secret":  func(c *sso.Config) { c.ClientSecret = "" },
		"public":  func(c *sso.Config) { c.PublicURL = "" },
		"http":    func(c *sso.Config) { c.Issuer = "http://login.example.org" },
		"client":  func(c *sso.Config) { c.ClientID = "" },
		"garbage": func(c *sso.Config) { c.PublicURL = "::not a url" },
	} {
		c := good
		mutate(&c)
		if c.Validate() == nil {
			t.Errorf("%s: accepted %+v", name, c)
		}
	}
	local := good
	local.Issuer = "http://127.0.0.1:5556"
	if err := local.Validate(); err != nil {
		t.Errorf("loopback http: %v", err)
	}
}

// claims makes checked claims the way Finish would, from the test IdP.
func claims(t *testing.T, idp *ssotest.IdP, p *sso.Provider, u ssotest.User) *sso.Claims {
	t.Helper()
	idp.Set(func(i *ssotest.IdP) { i.User = u })
	code, _, start := signInAt(t, p)
	c, err := p.Finish(context.Background(), code, start.Verifier, start.Nonce)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func auditCount(t *testing.T, db *store.DB, action, outcome string) int {
	t.Helper()
	var n int
	if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE action = $1 AND outcome = $2`, action, outcome).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAccountsFromRules(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	w := testworld.New(t, db)
	idp, p := setUp(t)
	council := w.Sam.OrganisationID
	riversideAdmin := &account.Account{OrganisationID: council, Email: "admin@riverside.test", DisplayName: "Ria Admin", Role: account.RoleAdmin}
	hillsideTeam := &account.Team{OrganisationID: w.Alys.OrganisationID, Name: "Hillside Hospital Team"}
	if err := account.CreateAccount(ctx, db, audit.System, riversideAdmin, ""); err != nil {
		t.Fatal(err)
	}
	if err := account.CreateTeam(ctx, db, audit.System, hillsideTeam); err != nil {
		t.Fatal(err)
	}
	admin := testworld.Subject(riversideAdmin)

	// No rule: nobody gets an account, and the refusal is audited.
	pat := ssotest.User{Subject: "pat-1", Email: "pat@riverside.gov.uk", EmailVerified: true, Name: "Pat Evans"}
	if _, err := sso.SignIn(ctx, db, claims(t, idp, p, pat), "192.0.2.9", "r1"); !errors.Is(err, sso.ErrNoRule) {
		t.Fatalf("no rule: %v", err)
	}
	if n := auditCount(t, db, "signin", "denied"); n != 1 {
		t.Errorf("denied sign-ins audited: %d", n)
	}

	// Bad rules are refused by field.
	for field, r := range map[string]sso.Rule{
		"claim": {Claim: "shoe_size", Value: "9", Role: account.RolePractitioner},
		"value": {Claim: "groups", Value: " ", Role: account.RolePractitioner},
		"role":  {Claim: "groups", Value: "x", Role: account.RoleAdmin},
		"team":  {Claim: "groups", Value: "x", Role: account.RolePractitioner, TeamID: hillsideTeam.ID},
	} {
		err := sso.AddRule(ctx, db, admin, &r)
		if err == nil || !strings.Contains(err.Error(), field+":") {
			t.Errorf("rule with a bad %s: %v", field, err)
		}
	}
	rule := &sso.Rule{Claim: "email_domain", Value: "@Riverside.gov.uk", Role: account.RolePractitioner, TeamID: w.NorthTeam.ID}
	if err := sso.AddRule(ctx, db, admin, rule); err != nil {
		t.Fatal(err)
	}

	// First sign-in makes the account with the rule's role and team.
	a, err := sso.SignIn(ctx, db, claims(t, idp, p, pat), "192.0.2.9", "r2")
	if err != nil {
		t.Fatal(err)
	}
	if a.Role != account.RolePractitioner || a.TeamID != w.NorthTeam.ID || a.OrganisationID != council || a.DisplayName != "Pat Evans" {
		t.Errorf("made %+v", a)
	}
	// Later sign-ins find it by issuer and subject, even with a new email.
	pat.Email = "pat.evans@riverside.gov.uk"
	again, err := sso.SignIn(ctx, db, claims(t, idp, p, pat), "192.0.2.9", "r3")
	if err != nil || again.ID != a.ID {
		t.Fatalf("second sign-in: %+v %v", again, err)
	}

	// An existing account of the rule's organisation is linked by its
	// verified email; an unverified one is not matched, so a new account
	// cannot be made over it either.
	if err := sso.AddRule(ctx, db, admin, &sso.Rule{Claim: "email_domain", Value: "riverside.test", Role: account.RoleManager}); err != nil {
		t.Fatal(err)
	}
	sam := ssotest.User{Subject: "sam-at-idp", Email: w.Sam.Email, EmailVerified: false}
	if _, err := sso.SignIn(ctx, db, claims(t, idp, p, sam), "", ""); err == nil {
		t.Error("unverified email signed in")
	}
	sam.EmailVerified = true
	sam.Email = w.Sam.Email
	got, err := sso.SignIn(ctx, db, claims(t, idp, p, sam), "", "")
	if err != nil || got.ID != w.Sam.ID || got.Role != account.RolePractitioner {
		t.Fatalf("Sam by verified email: %+v %v", got, err)
	}
	// A second identity with the same email cannot take Sam's account.
	sam.Subject = "someone-else"
	if _, err := sso.SignIn(ctx, db, claims(t, idp, p, sam), "", ""); !errors.Is(err, sso.ErrEmailElsewhere) {
		t.Errorf("second identity on Sam's email: %v", err)
	}

	// A disabled account is refused.
	if err := db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET disabled = TRUE WHERE id = $1`, a.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := sso.SignIn(ctx, db, claims(t, idp, p, pat), "", ""); !errors.Is(err, sso.ErrDisabled) {
		t.Errorf("disabled: %v", err)
	}
	if n := auditCount(t, db, "sso.link", "ok"); n != 2 {
		t.Errorf("links audited: %d, want 2 (Pat made, Sam matched)", n)
	}

	// Rules belong to the admin's organisation: another's cannot remove them.
	rules, err := sso.Rules(ctx, db.Read(), council)
	if err != nil || len(rules) != 2 || rules[0].Value != "riverside.gov.uk" || rules[0].TeamName != w.NorthTeam.Name {
		t.Fatalf("rules: %+v %v", rules, err)
	}
	outsider := &account.Account{OrganisationID: w.Jo.OrganisationID, Email: "admin@oakfield.example", DisplayName: "Oak Admin", Role: account.RoleAdmin}
	if err := account.CreateAccount(ctx, db, audit.System, outsider, ""); err != nil {
		t.Fatal(err)
	}
	if err := sso.RemoveRule(ctx, db, testworld.Subject(outsider), rule.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another organisation's admin removed a rule: %v", err)
	}
	if err := sso.RemoveRule(ctx, db, admin, rule.ID); err != nil {
		t.Fatal(err)
	}
}
