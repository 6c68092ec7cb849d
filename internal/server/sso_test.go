package server_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/server"
	"whatmatters/internal/sso"
	"whatmatters/internal/sso/ssotest"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
)

// ssoSite serves the test world with single sign-on through a test
// identity provider; the site's address is known before it starts, as the
// provider must send people back to it.
func ssoSite(t *testing.T) (*testworld.World, *httptest.Server, *ssotest.IdP) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	idp := ssotest.New("whatmatters", "test-secret")
	t.Cleanup(idp.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	public := "http://" + ln.Addr().String()
	p := sso.New(sso.Config{Issuer: idp.URL, ClientID: "whatmatters", ClientSecret: "test-secret",
		Name: "Riverside Council account", PublicURL: public}, nil)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: server.New(db, server.Options{SSO: p})}}
	srv.Start()
	t.Cleanup(srv.Close)
	return w, srv, idp
}

// viaProvider follows the site's redirect to the provider, and the
// provider's back to the site, returning the path and query to visit.
func viaProvider(t *testing.T, b *browser, start string) string {
	t.Helper()
	resp, body := b.get(start)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: %d %s", start, resp.StatusCode, body)
	}
	resp, err := b.c.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Host != strings.TrimPrefix(b.srv.URL, "http://") {
		t.Fatalf("the provider sent the browser to %q", resp.Header.Get("Location"))
	}
	return back.RequestURI()
}

func TestSingleSignOn(t *testing.T) {
	w, srv, idp := ssoSite(t)
	b := newBrowser(t, srv)
	_, page := b.get("/sign-in")
	if !strings.Contains(page, "Sign in with your Riverside Council account") || !strings.Contains(page, `href="/sign-in/sso?next=%2f"`) {
		t.Fatalf("no single sign-on button:\n%s", page)
	}

	// Someone the provider knows, with no rule for them: told plainly.
	idp.Set(func(i *ssotest.IdP) {
		i.User = ssotest.User{Subject: "pat-77", Email: "pat.evans@riverside.test", EmailVerified: true, Name: "Pat Evans"}
	})
	resp, body := b.get(viaProvider(t, b, "/sign-in/sso"))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "no rule giving you an account here yet") {
		t.Fatalf("without a rule: %d\n%s", resp.StatusCode, body)
	}

	// Riverside's admin adds a rule; a bad one is refused at its field.
	admin := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "ria@riverside.test", DisplayName: "Ria Admin", Role: account.RoleAdmin}
	if err := account.CreateAccount(context.Background(), w.DB, audit.System, admin, testworld.Password); err != nil {
		t.Fatal(err)
	}
	ab := newBrowser(t, srv)
	ab.signIn(admin)
	if _, body := ab.get("/admin"); !strings.Contains(body, `<a class="govuk-link" href="/admin/sign-in-rules">Single sign-on rules</a>`) {
		t.Errorf("the admin's start page does not lead to the sign-in rules:\n%s", body)
	}
	resp, body = ab.post("/admin/sign-in-rules", url.Values{"claim": {"email_domain"}, "value": {""}, "role": {"admin"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter a value of up to 200 characters") ||
		!strings.Contains(body, "Choose a role a rule may give") || !strings.Contains(body, `value="email_domain" checked`) {
		t.Fatalf("bad rule: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = ab.post("/admin/sign-in-rules", url.Values{"claim": {"email_domain"}, "value": {"riverside.test"},
		"role": {"practitioner"}, "team": {w.NorthTeam.ID}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add rule: %d", resp.StatusCode)
	}
	_, body = ab.get("/admin/sign-in-rules")
	if !strings.Contains(body, "Email domain (checked by the provider): <strong>riverside.test</strong>") ||
		!strings.Contains(body, "social worker, North Community Team") || !strings.Contains(body, idp.URL) {
		t.Fatalf("rules page:\n%s", body)
	}
	// Other roles may not see the rules.
	sb := newBrowser(t, srv)
	sb.signIn(w.Sam)
	if resp, _ := sb.get("/admin/sign-in-rules"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a social worker saw the rules: %d", resp.StatusCode)
	}

	// Now Pat signs in, lands where they were going, and has an account.
	callback := viaProvider(t, b, "/sign-in/sso?next=/account/tokens")
	resp, _ = b.get(callback)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/tokens" {
		t.Fatalf("callback: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = b.get("/")
	if !strings.Contains(body, "Pat Evans") {
		t.Errorf("home does not greet Pat:\n%s", body)
	}
	pat, err := account.AccountByEmail(context.Background(), w.DB.Read(), "pat.evans@riverside.test")
	if err != nil || pat.Role != account.RolePractitioner || pat.TeamID != w.NorthTeam.ID {
		t.Fatalf("Pat's account: %+v %v", pat, err)
	}

	// The callback cannot be replayed: its state was used up.
	other := newBrowser(t, srv)
	if resp, body := other.get(callback); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "not started from this browser") {
		t.Errorf("replayed callback in another browser: %d", resp.StatusCode)
	}

	// Signing out offers the provider's own sign-out.
	resp, _ = b.post("/sign-out", url.Values{})
	if resp.Header.Get("Location") != "/sign-out/sso" {
		t.Fatalf("sign-out went to %q", resp.Header.Get("Location"))
	}
	_, body = b.get("/sign-out/sso")
	if !strings.Contains(body, "You have signed out of whatmatters") || !strings.Contains(body, "Sign out of your Riverside Council account too") ||
		!strings.Contains(body, idp.URL+"/logout?") {
		t.Errorf("signed-out page:\n%s", body)
	}
	if resp, _ := b.get("/account/tokens"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("still signed in after signing out: %d", resp.StatusCode)
	}

	// A token the provider signs for another client is refused, and the
	// person is not signed in.
	idp.Set(func(i *ssotest.IdP) { i.Audience = "another-app" })
	resp, body = b.get(viaProvider(t, b, "/sign-in/sso"))
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "could not be trusted") {
		t.Errorf("wrong audience: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := b.get("/account/tokens"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signed in with a token for another client: %d", resp.StatusCode)
	}
	// Every sign-in, made or refused, is in the trail.
	evs, err := audit.ForAction(context.Background(), w.DB.Read(), "signin", 50)
	if err != nil {
		t.Fatal(err)
	}
	var sso, denied int
	for _, e := range evs {
		if strings.Contains(e.Details, `"method":"sso"`) {
			sso++
			if e.Outcome == audit.Denied {
				denied++
			}
		}
	}
	if sso != 2 || denied != 1 {
		t.Errorf("single sign-ons audited: %d, denied %d; want 2 and 1", sso, denied)
	}
}

// Without single sign-on set up there is no button, and its addresses
// send people to the sign-in page.
func TestNoSingleSignOnButton(t *testing.T) {
	_, srv := setup(t)
	b := newBrowser(t, srv)
	if _, page := b.get("/sign-in"); strings.Contains(page, "/sign-in/sso") {
		t.Error("a sign-on button without a provider")
	}
	for _, p := range []string{"/sign-in/sso", "/sign-in/sso/callback?code=x&state=y", "/sign-out/sso"} {
		if resp, _ := b.get(p); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sign-in" {
			t.Errorf("%s: %d %q", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
