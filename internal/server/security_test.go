package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"whatmatters/internal/testworld"
)

// Every GET, pages and API, as the allocated worker: the security headers
// are on every answer, personal pages are never cached, the session cookie
// is HttpOnly and SameSite, and no GET changes anything in the record.
func TestRouteWalkSecurityHeadersAndSafeGets(t *testing.T) {
	wk := newWalker(t)
	w := wk.w
	th := wk.seed(w.Sam, w.Helen.ID)
	sam := newBrowser(t, wk.srv)
	sam.signIn(w.Sam)
	token := wk.token(w.Sam)
	before := wk.snapshot()
	n := 0
	for _, r := range wk.routes() {
		if r.method() != "GET" || strings.HasPrefix(r.path(), "/language/") {
			continue // the language switch sets a cookie and redirects: it is the one GET that changes a setting
		}
		resp, _ := wk.visit(sam, token, r, w.Helen.ID, th)
		n++
		h := resp.Header
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
		} {
			if h.Get(name) != want {
				t.Errorf("%s: %s = %q; want %q", r.pattern, name, h.Get(name), want)
			}
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy %q", r.pattern, csp)
		}
		if resp.StatusCode >= 500 {
			t.Errorf("%s: %d", r.pattern, resp.StatusCode)
		}
		personal := r.namesPerson() || r.access == "token" || r.access == "signed in" || r.access == "role"
		if personal && resp.StatusCode == http.StatusOK && !strings.Contains(h.Get("Cache-Control"), "no-store") &&
			!strings.Contains(h.Get("Cache-Control"), "private") {
			t.Errorf("%s: personal answer may be cached: Cache-Control %q", r.pattern, h.Get("Cache-Control"))
		}
	}
	if n < 25 {
		t.Fatalf("walked only %d GET routes", n)
	}
	if diff := changed(before, wk.snapshot()); len(diff) > 0 {
		t.Errorf("GET requests changed %v", diff)
	}
	// The session cookie, as set at sign-in.
	resp, _ := newBrowser(t, wk.srv).post("/sign-in", url.Values{"email": {w.Sam.Email}, "password": {testworld.Password}, "next": {"/"}})
	cookies := resp.Cookies()
	i := slices.IndexFunc(cookies, func(c *http.Cookie) bool { return c.Name == "whatmatters_session" })
	if i < 0 {
		t.Fatal("no session cookie after signing in")
	}
	if c := cookies[i]; !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie: HttpOnly %v SameSite %v; want HttpOnly and Lax", c.HttpOnly, c.SameSite)
	}
}
