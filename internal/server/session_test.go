package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/store"
)

// A signed-in page used to rewrite the session row on every request, to
// push its idle expiry on. Now an unchanged session is written at most once
// a minute; idle expiry (30 minutes) still ends it.
func TestSessionExpiryWrittenAtMostOnceAMinute(t *testing.T) {
	w, srv := setup(t)
	start := time.Now().UTC().Truncate(time.Second)
	clock := start
	realNow := store.Now
	store.Now = func() time.Time { return clock }
	t.Cleanup(func() { store.Now = realNow })

	b := newBrowser(t, srv)
	b.signIn(w.Sam)
	token := sessionCookie(t, b)
	expiry := func() time.Time {
		t.Helper()
		var e time.Time
		if err := w.DB.Read().QueryRowContext(context.Background(),
			`SELECT expiry FROM sessions WHERE token = $1`, token).Scan(&e); err != nil {
			t.Fatal(err)
		}
		return e.UTC()
	}
	home := func(when string) {
		t.Helper()
		resp, body := b.get("/")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Helen Marsh") {
			t.Fatalf("%s: home answers %d %q, want Sam's caseload with Helen Marsh", when, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if got, want := expiry(), start.Add(30*time.Minute); !got.Equal(want) {
		t.Fatalf("after sign-in the session expires at %v, want %v", got, want)
	}

	clock = start.Add(30 * time.Second)
	home("30 seconds on")
	if got, want := expiry(), start.Add(30*time.Minute); !got.Equal(want) {
		t.Errorf("a request within the minute wrote the session: expiry %v, want it left at %v", got, want)
	}

	clock = start.Add(61 * time.Second)
	home("61 seconds on")
	if got, want := expiry(), clock.Add(30*time.Minute); !got.Equal(want) {
		t.Errorf("a request a minute on did not move the expiry: %v, want %v", got, want)
	}

	// Past the first expiry, but within 30 minutes of the last write: still
	// signed in, and written again.
	clock = start.Add(61*time.Second + 29*time.Minute)
	home("29 minutes after the last write")
	last := clock
	if got, want := expiry(), last.Add(30*time.Minute); !got.Equal(want) {
		t.Errorf("expiry %v, want %v", got, want)
	}

	// Idle for more than 30 minutes: signed out.
	clock = last.Add(30*time.Minute + time.Second)
	resp, _ := b.get("/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Errorf("after 30 idle minutes home answers %d to %q, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
}
