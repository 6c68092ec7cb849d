package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/server"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
)

// browser is a cookie-keeping client that does not follow redirects, so
// tests can see where each answer points.
type browser struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.send("GET", path, nil)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	return b.send("POST", path, form)
}

func (b *browser) send(method, path string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func (b *browser) signIn(a *account.Account) {
	b.t.Helper()
	resp, body := b.post("/sign-in", url.Values{"email": {a.Email}, "password": {testworld.Password}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: %d\n%s", a.Email, resp.StatusCode, body)
	}
	// Admins must use two-factor sign-in: set it up the first time, as a
	// person with an authenticator app would, and type a code after.
	switch resp.Header.Get("Location") {
	case "/sign-in/two-factor":
		b.setUpTwoFactor(a, "/sign-in/two-factor")
	case "/sign-in/code":
		if resp, body := b.post("/sign-in/code", url.Values{"code": {b.nextCode(a)}}); resp.StatusCode != http.StatusSeeOther {
			b.t.Fatalf("%s's code: %d\n%s", a.Email, resp.StatusCode, body)
		}
	}
}

func setup(t *testing.T) (*testworld.World, *httptest.Server) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	return w, setupWith(t, db, server.Options{})
}

// setupWith serves db with the options.
func setupWith(t *testing.T, db *store.DB, opts server.Options) *httptest.Server {
	srv := httptest.NewServer(server.New(db, opts))
	t.Cleanup(srv.Close)
	return srv
}

func TestHealthz(t *testing.T) {
	_, srv := setup(t)
	resp, body := newBrowser(t, srv).get("/healthz")
	if resp.StatusCode != 200 || strings.TrimSpace(body) != `{"status":"ok"}` {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	_, srv := setup(t)
	resp, _ := newBrowser(t, srv).get("/sign-in")
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Errorf("headers %v", resp.Header)
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS sent over plain HTTP")
	}
}

func TestSignInSameAnswerForUnknownAndWrong(t *testing.T) {
	w, srv := setup(t)
	b := newBrowser(t, srv)
	wrong, wrongBody := b.post("/sign-in", url.Values{"email": {w.Sam.Email}, "password": {"not the password"}})
	unknown, unknownBody := b.post("/sign-in", url.Values{"email": {"nobody@riverside.test"}, "password": {"not the password"}})
	if wrong.StatusCode != 401 || unknown.StatusCode != 401 {
		t.Fatalf("statuses %d and %d, want 401", wrong.StatusCode, unknown.StatusCode)
	}
	msg := "The email address or password is not right"
	if !strings.Contains(wrongBody, msg) || !strings.Contains(unknownBody, msg) {
		t.Errorf("sign-in failures do not both say %q", msg)
	}
	if !strings.Contains(wrongBody, `value="`+w.Sam.Email+`"`) {
		t.Errorf("the email typed is not kept")
	}
	evs, err := audit.ForAction(context.Background(), w.DB.Read(), "signin", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Errorf("%d sign-in attempts audited, want 2", len(evs))
	}
}

func sessionCookie(t *testing.T, b *browser) string {
	u, _ := url.Parse(b.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "whatmatters_session" {
			return c.Value
		}
	}
	return ""
}

func TestSignInRenewsSessionAndSignOutEndsIt(t *testing.T) {
	w, srv := setup(t)
	b := newBrowser(t, srv)
	b.post("/sign-in", url.Values{"email": {w.Sam.Email}, "password": {"wrong password here"}})
	before := sessionCookie(t, b)
	b.signIn(w.Sam)
	after := sessionCookie(t, b)
	if after == "" || after == before {
		t.Errorf("session token not renewed on sign-in: %q then %q", before, after)
	}
	resp, body := b.get("/")
	if resp.StatusCode != 200 || !strings.Contains(body, "Helen Marsh") || strings.Contains(body, "Gwen") {
		t.Fatalf("home as Sam: %d, Helen listed %v, Gwen listed %v", resp.StatusCode,
			strings.Contains(body, "Helen Marsh"), strings.Contains(body, "Gwen"))
	}
	b.post("/sign-out", url.Values{})
	resp, _ = b.get("/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Errorf("after sign-out, home answers %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestPersonOutOfReachIs404(t *testing.T) {
	w, srv := setup(t)
	b := newBrowser(t, srv)
	b.signIn(w.Alys)
	hidden, hiddenBody := b.get("/people/" + w.Helen.ID)
	missing, missingBody := b.get("/people/no-such-person")
	if hidden.StatusCode != 404 || missing.StatusCode != 404 {
		t.Fatalf("statuses %d and %d, want 404", hidden.StatusCode, missing.StatusCode)
	}
	// The pages differ only in the address they link back to.
	if strings.Contains(hiddenBody, "Helen") || strings.ReplaceAll(hiddenBody, w.Helen.ID, "no-such-person") != missingBody {
		t.Errorf("the 404 for a hidden person differs from one for nobody")
	}
	if resp, _ := b.get("/people/" + w.Helen.ID + "/edit"); resp.StatusCode != 404 {
		t.Errorf("edit page of a hidden person: %d", resp.StatusCode)
	}
	if _, body := b.get("/?q=Helen"); strings.Contains(body, "Helen Marsh") {
		t.Errorf("search shows a person out of reach")
	}
}

func editForm(p *people.Person, version string) url.Values {
	return url.Values{"given_name": {p.GivenName}, "family_name": {p.FamilyName}, "preferred_name": {p.PreferredName},
		"nhs_number": {p.NHSNumber}, "date_of_birth-day": {"4"}, "date_of_birth-month": {"5"}, "date_of_birth-year": {"1938"}, "version": {version}}
}

func TestEditBadInputKeepsWhatWasTypedAndWritesNothing(t *testing.T) {
	w, srv := setup(t)
	b := newBrowser(t, srv)
	b.signIn(w.Sam)
	form := editForm(w.Helen, "1")
	form.Set("preferred_name", "Nell")
	form.Set("nhs_number", "943 476 5918") // wrong check digit
	form.Set("date_of_birth-day", "31")
	form.Set("date_of_birth-month", "2")
	resp, body := b.post("/people/"+w.Helen.ID+"/edit", form)
	if resp.StatusCode != 422 {
		t.Fatalf("bad edit: %d", resp.StatusCode)
	}
	for _, want := range []string{`href="#nhs_number"`, "not a valid NHS number", `href="#date_of_birth-day"`, "The date must be a real date", `value="31"`, `value="Nell"`, `value="943 476 5918"`} {
		if !strings.Contains(body, want) {
			t.Errorf("bad-input page lacks %q", want)
		}
	}
	p, err := people.Load(context.Background(), w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.PreferredName != "" {
		t.Errorf("a refused edit changed the record: version %d, preferred %q", p.Version, p.PreferredName)
	}
}

func TestEditConflictShowsBothAndOverwritesNothing(t *testing.T) {
	w, srv := setup(t)
	b := newBrowser(t, srv)
	b.signIn(w.Sam)
	first := editForm(w.Helen, "1")
	first.Set("preferred_name", "Nell")
	if resp, _ := b.post("/people/"+w.Helen.ID+"/edit", first); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", resp.StatusCode)
	}
	second := editForm(w.Helen, "1") // started from the same version
	second.Set("preferred_name", "Lena")
	resp, body := b.post("/people/"+w.Helen.ID+"/edit", second)
	if resp.StatusCode != 409 || !strings.Contains(body, "Nell") || !strings.Contains(body, "Lena") {
		t.Fatalf("conflicting edit: %d; shows saved %v, typed %v", resp.StatusCode,
			strings.Contains(body, "Nell"), strings.Contains(body, "Lena"))
	}
	p, _ := people.Load(context.Background(), w.DB.Read(), w.Open(t, w.Sam, w.Helen.ID))
	if p.PreferredName != "Nell" || p.Version != 2 {
		t.Errorf("after conflict: %q v%d, want Nell v2", p.PreferredName, p.Version)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	w, srv := setup(t)
	b := newBrowser(t, srv)
	b.signIn(w.Sam)
	b.get("/language/cy?next=/")
	resp, body := b.send("POST", "/people/"+w.Helen.ID+"/edit", editForm(w.Helen, "1"), "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	// The refusal is the service's own page in the person's language (it
	// was Go's plain English text), and it is audited against the person.
	if !strings.Contains(body, `lang="cy"`) || !strings.Contains(body, "govuk-heading-l") {
		t.Errorf("cross-site refusal is not the service's Welsh page: %.200q", body)
	}
	var n int
	if err := w.DB.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_events
		WHERE action = 'request.cross_origin' AND outcome = 'denied' AND person_id = $1`, w.Helen.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("cross-site refusals audited against Helen: %d (%v); want 1", n, err)
	}
}

func TestWelsh(t *testing.T) {
	_, srv := setup(t)
	b := newBrowser(t, srv)
	resp, _ := b.get("/language/cy?next=/sign-in")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sign-in" {
		t.Fatalf("language switch: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := b.get("/sign-in")
	if !strings.Contains(body, `lang="cy"`) || !strings.Contains(body, "Cyfeiriad e-bost") {
		t.Errorf("sign-in page not in Welsh")
	}
	// An off-site "next" is not followed.
	if resp, _ := b.get("/language/en?next=//evil.example"); resp.Header.Get("Location") != "/" {
		t.Errorf("open redirect to %q", resp.Header.Get("Location"))
	}
}

func TestBreakGlass(t *testing.T) {
	w, srv := setup(t)
	b := newBrowser(t, srv)
	b.signIn(w.Alys)
	resp, body := b.post("/break-glass", url.Values{"nhs_number": {"943 476 5919"}, "reason": {"urgent"}})
	if resp.StatusCode != 422 || !strings.Contains(body, `href="#reason"`) || !strings.Contains(body, "943 476 5919") {
		t.Errorf("short reason: %d", resp.StatusCode)
	}
	// A mistyped NHS number is a problem with that box, in the page's
	// language, with what was typed kept.
	b.get("/language/cy?next=/")
	resp, body = b.post("/break-glass", url.Values{"nhs_number": {"943 476 5918"}, "reason": {"Called to A&E, she cannot tell us her medication"}})
	if resp.StatusCode != 422 || !strings.Contains(body, `href="#nhs_number"`) || !strings.Contains(body, "Nid yw hwn yn rhif GIG dilys") || !strings.Contains(body, `value="943 476 5918"`) {
		t.Errorf("mistyped NHS number: %d\n%s", resp.StatusCode, body)
	}
	b.get("/language/en?next=/")
	resp, _ = b.post("/break-glass", url.Values{"nhs_number": {"943 476 5919"}, "reason": {"Called to A&E, she cannot tell us her medication"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/people/"+w.Helen.ID {
		t.Fatalf("break glass: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.get("/people/" + w.Helen.ID); resp.StatusCode != 200 {
		t.Errorf("after break glass Helen's record: %d", resp.StatusCode)
	}
	p := newBrowser(t, srv)
	p.signIn(w.Planner)
	if resp, _ := p.get("/break-glass"); resp.StatusCode != 403 {
		t.Errorf("planner break-glass page: %d, want 403", resp.StatusCode)
	}
}

// A form over the limit is refused with a page in the person's language,
// not bare text.
func TestOversizedFormRefusedWithAPage(t *testing.T) {
	_, srv := setup(t)
	b := newBrowser(t, srv)
	b.get("/language/cy?next=/sign-in")
	resp, body := b.post("/sign-in", url.Values{"email": {strings.Repeat("a", 2<<20)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "rhy fawr") || !strings.Contains(body, `lang="cy"`) {
		t.Errorf("2 MB form: %d, Welsh page %v", resp.StatusCode, strings.Contains(body, "rhy fawr"))
	}
}
