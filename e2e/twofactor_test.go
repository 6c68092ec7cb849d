//go:build e2e

package e2e

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// phone is the authenticator app of every account that set one up in
// this run: its key, and the last 30-second step it gave a code for (each
// code works once).
var phone = &authenticator{keys: map[string][]byte{}, last: map[string]int64{}}

type authenticator struct {
	sync.Mutex
	keys map[string][]byte
	last map[string]int64
}

func (a *authenticator) set(email, key string) {
	k, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ReplaceAll(strings.TrimSpace(key), " ", ""))
	if err != nil {
		panic(fmt.Sprintf("the key on the page, %q, is not base32: %v", key, err))
	}
	a.Lock()
	defer a.Unlock()
	a.keys[baseURL+" "+email], a.last[baseURL+" "+email] = k, 0
}

// code is RFC 6238's code for a step not used before, waiting for the
// next step when need be.
func (a *authenticator) code(t *testing.T, email string) string {
	t.Helper()
	a.Lock()
	defer a.Unlock()
	email = baseURL + " " + email // each server in the run has its own accounts
	k := a.keys[email]
	if k == nil {
		t.Fatalf("%s has no authenticator in this run", email)
	}
	for {
		now := time.Now().Unix() / 30
		for _, s := range []int64{now, now + 1} {
			if s > a.last[email] {
				a.last[email] = s
				var msg [8]byte
				binary.BigEndian.PutUint64(msg[:], uint64(s))
				m := hmac.New(sha1.New, k)
				m.Write(msg[:])
				h := m.Sum(nil)
				o := h[19] & 15
				return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(h[o:])&0x7fffffff)%1000000)
			}
		}
		time.Sleep(time.Second)
	}
}

// The admin signs in twice: the first time (in this test or an earlier
// one) sets up two-factor sign-in; the second asks for the app's code.
// A practitioner's own two-factor page and set-up fit a phone and pass axe.
func TestTwoFactorInTheBrowser(t *testing.T) {
	first := browser(t)
	signIn(t, first, "admin@riverside.example")
	ctx := browser(t)
	signInPassword(t, ctx, "admin@riverside.example")
	if got := h1(t, ctx); got != "Enter the code from your app" {
		t.Fatalf("signing in again, the admin sees %q", got)
	}
	atWidth(t, ctx, "/sign-in/code", "twofactor-code", 375)
	axeScan(t, ctx)
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#code`), "000000"), chromedp.Submit(chromedp.CSS(`#code`)),
		chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	if body := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(body, "That code is not right") {
		t.Errorf("a wrong code: %s", body)
	}
	axeScan(t, ctx)
	secondStep(t, ctx, "admin@riverside.example")
	if body := eval[string](t, ctx, `document.querySelector('main').innerText`); strings.Contains(body, "Enter the code") {
		t.Fatal("the right code did not sign the admin in")
	}

	sam := browser(t)
	signIn(t, sam, "sam@riverside.example")
	atWidth(t, sam, "/account/two-factor", "twofactor-manage", 1280)
	axeScan(t, sam)
	atWidth(t, sam, "/account/two-factor/set-up", "twofactor-setup", 1280)
	atWidth(t, sam, "/account/two-factor/set-up", "twofactor-setup", 375)
	axeScan(t, sam)
	if n := eval[int](t, sam, `document.querySelectorAll('main svg[role=img][aria-label]').length`); n != 1 {
		t.Errorf("the set-up page has %d labelled QR codes, want 1", n)
	}
}
