package server_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/server"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
)

// authenticator is the phone: the key each account set up, and the last
// 30-second step it showed a code for (a code works once, so the next
// sign-in in the same half minute waits for the next step).
var authenticator = struct {
	sync.Mutex
	keys map[string]string
	last map[string]int64
}{keys: map[string]string{}, last: map[string]int64{}}

var keyRE = regexp.MustCompile(`<code class="wm-key" id="key">([A-Z2-7 ]+)</code>`)

// totp is RFC 6238's code for key at step, written here rather than taken
// from the code under test.
func totp(t *testing.T, key string, step int64) string {
	t.Helper()
	k, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ReplaceAll(key, " ", ""))
	if err != nil {
		t.Fatalf("key %q: %v", key, err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, k)
	m.Write(msg[:])
	h := m.Sum(nil)
	o := h[19] & 15
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(h[o:])&0x7fffffff)%1000000)
}

// nextCode is the phone's code for a step not used before, waiting for
// the next step if the current and the following one are both used.
func (b *browser) nextCode(a *account.Account) string {
	b.t.Helper()
	authenticator.Lock()
	defer authenticator.Unlock()
	key := authenticator.keys[a.ID]
	if key == "" {
		b.t.Fatalf("%s has no authenticator set up in this test", a.Email)
	}
	for {
		now := time.Now().Unix() / 30
		for _, s := range []int64{now, now + 1} {
			if s > authenticator.last[a.ID] {
				authenticator.last[a.ID] = s
				return totp(b.t, key, s)
			}
		}
		time.Sleep(time.Second)
	}
}

// setUpTwoFactor reads the key off the set-up page at path, types the
// app's code, and returns the recovery codes shown.
func (b *browser) setUpTwoFactor(a *account.Account, path string) []string {
	b.t.Helper()
	resp, page := b.get(path)
	m := keyRE.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil || !strings.Contains(page, "<svg") {
		b.t.Fatalf("%s's set-up page: %d, key found %v, QR code %v", a.Email, resp.StatusCode, m != nil, strings.Contains(page, "<svg"))
	}
	authenticator.Lock()
	authenticator.keys[a.ID], authenticator.last[a.ID] = m[1], 0
	authenticator.Unlock()
	resp, page = b.post(path, url.Values{"code": {b.nextCode(a)}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Your recovery codes") {
		b.t.Fatalf("%s confirming set-up: %d\n%s", a.Email, resp.StatusCode, page)
	}
	var codes []string
	for _, c := range regexp.MustCompile(`<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>`).FindAllStringSubmatch(page, -1) {
		codes = append(codes, c[1])
	}
	return codes
}

// An admin must set up two-factor sign-in at their first sign-in; after
// that the password alone is not enough; a recovery code works once; a
// practitioner may turn theirs on and off; with the everyone policy, a
// practitioner must too.
func TestTwoFactorSignIn(t *testing.T) {
	db := storetest.Open(t)
	w := testworld.New(t, db)
	srv := setupWith(t, db, server.Options{})
	admin := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "alex@riverside.test", DisplayName: "Alex Morgan", Role: account.RoleAdmin}
	if err := account.CreateAccount(t.Context(), db, audit.System, admin, testworld.Password); err != nil {
		t.Fatal(err)
	}
	a := newBrowser(t, srv)
	resp, _ := a.post("/sign-in", url.Values{"email": {admin.Email}, "password": {testworld.Password}, "next": {"/admin/coach"}})
	if resp.Header.Get("Location") != "/sign-in/two-factor" {
		t.Fatalf("an admin without two-factor signing in goes to %q, want the set-up", resp.Header.Get("Location"))
	}
	// Not signed in yet: the admin page sends them to sign in.
	if resp, _ := a.get("/admin/coach"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Fatalf("half-way through, the admin page answered %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	a.get("/sign-in/two-factor")
	resp, page := a.post("/sign-in/two-factor", url.Values{"code": {"123456"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "That code is not right") {
		t.Fatalf("a wrong code at set-up: %d", resp.StatusCode)
	}
	codes := a.setUpTwoFactor(admin, "/sign-in/two-factor")
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	if resp, _ := a.get("/admin/coach"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after set-up, the admin page: %d", resp.StatusCode)
	}

	// The next time: the password, then the code.
	b := newBrowser(t, srv)
	resp, _ = b.post("/sign-in", url.Values{"email": {admin.Email}, "password": {testworld.Password}, "next": {"/admin/coach"}})
	if resp.Header.Get("Location") != "/sign-in/code" {
		t.Fatalf("signing in again goes to %q, want the code", resp.Header.Get("Location"))
	}
	if resp, page := b.post("/sign-in/code", url.Values{"code": {"000000"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "That code is not right") {
		t.Fatalf("a wrong code: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/sign-in/code", url.Values{"code": {strings.ToUpper(codes[0])}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/coach" {
		t.Fatalf("a recovery code: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	c := newBrowser(t, srv)
	c.post("/sign-in", url.Values{"email": {admin.Email}, "password": {testworld.Password}})
	if resp, _ := c.post("/sign-in/code", url.Values{"code": {codes[0]}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a recovery code used twice: %d", resp.StatusCode)
	}
	if resp, _ := c.post("/sign-in/code", url.Values{"code": {c.nextCode(admin)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the app's code: %d", resp.StatusCode)
	}
	_, page = c.get("/account/two-factor")
	if !strings.Contains(page, "You have 9 recovery codes left.") || !strings.Contains(page, "cannot be turned off") {
		t.Errorf("the admin's two-factor page:\n%s", page)
	}
	if resp, _ := c.post("/account/two-factor/off", url.Values{"code": {c.nextCode(admin)}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an admin turned off required two-factor: %d", resp.StatusCode)
	}

	// A practitioner may turn it on, and off with a code.
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	_, page = sam.get("/account/two-factor")
	if !strings.Contains(page, "Set up two-factor sign-in") {
		t.Fatalf("Sam's two-factor page offers no set-up:\n%s", page)
	}
	sam.setUpTwoFactor(w.Sam, "/account/two-factor/set-up")
	if resp, _ := sam.post("/account/two-factor/off", url.Values{"code": {"999999"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("turning off with a wrong code: %d", resp.StatusCode)
	}
	if resp, _ := sam.post("/account/two-factor/off", url.Values{"code": {sam.nextCode(w.Sam)}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("turning off with the app's code: %d", resp.StatusCode)
	}
	var n int
	if err := db.Read().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_events WHERE action IN ('two_factor.on', 'two_factor.off') AND account_id = $1`,
		w.Sam.ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("Sam's two-factor on and off audited %d times (%v), want 2", n, err)
	}

	// Everyone: a practitioner is sent to set up too.
	every := setupWith(t, db, server.Options{TwoFactor: account.TwoFactorEveryone})
	alys := newBrowser(t, every)
	resp, _ = alys.post("/sign-in", url.Values{"email": {w.Alys.Email}, "password": {testworld.Password}})
	if resp.Header.Get("Location") != "/sign-in/two-factor" {
		t.Errorf("with two-factor for everyone, a practitioner goes to %q", resp.Header.Get("Location"))
	}
}
