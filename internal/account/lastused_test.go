package account_test

import (
	"context"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
)

// A token's last use is noted at most once a minute, so an API call does
// not cost a write transaction each time.
func TestTokenLastUseNotedOncePerMinute(t *testing.T) {
	w := testworld.New(t, storetest.Open(t))
	ctx := context.Background()
	tok, secret, err := account.CreateToken(ctx, w.DB, audit.System, w.Sam.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	realNow := store.Now
	store.Now = func() time.Time { return clock }
	t.Cleanup(func() { store.Now = realNow })
	lastUsed := func() time.Time {
		list, err := account.Tokens(ctx, w.DB.Read(), w.Sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			if l.ID == tok.ID && l.LastUsedAt != nil {
				return l.LastUsedAt.UTC()
			}
		}
		return time.Time{}
	}
	for _, step := range []struct {
		advance time.Duration
		want    time.Time
	}{
		{0, clock},
		{30 * time.Second, clock}, // within the minute: not written again
		{time.Minute, clock.Add(90 * time.Second)}, // a minute after the last note
	} {
		clock = clock.Add(step.advance)
		if _, err := account.AccountForToken(ctx, w.DB, secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(step.want) {
			t.Errorf("after %v: last used %v, want %v", step.advance, got, step.want)
		}
	}
}
