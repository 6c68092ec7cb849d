package account_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/valid"
)

// appCode is what an authenticator app shows for secret at t, written
// here from RFC 6238 rather than taken from the code under test.
func appCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatalf("secret %q is not base32: %v", secret, err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	h := m.Sum(nil)
	o := h[19] & 15
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(h[o:])&0x7fffffff)%1000000)
}

func TestTwoFactorSetUpSignInAndRecovery(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	old := store.Now
	store.Now = func() time.Time { return now }
	t.Cleanup(func() { store.Now = old })
	db := storetest.Open(t)
	ctx := context.Background()
	org := &account.Organisation{Name: "Riverside Council", Kind: account.OrgCouncil}
	if err := account.CreateOrganisation(ctx, db, audit.System, org); err != nil {
		t.Fatal(err)
	}
	a := &account.Account{OrganisationID: org.ID, Email: "alex@riverside.test", DisplayName: "Alex Morgan", Role: account.RoleAdmin}
	if err := account.CreateAccount(ctx, db, audit.System, a, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	who := audit.Actor{AccountID: a.ID, Label: a.Label()}

	tf, err := account.StartTwoFactor(ctx, db, who, a)
	if err != nil || len(tf.Secret) != 32 {
		t.Fatalf("start: %v, secret %q (want 32 base32 characters, 160 bits)", err, tf.Secret)
	}
	if _, err := account.ConfirmTwoFactor(ctx, db, who, a, "000000"); !errors.Is(err, valid.New("code", "twofactor.code.wrong")) {
		t.Fatalf("a wrong code confirmed set-up: %v", err)
	}
	codes, err := account.ConfirmTwoFactor(ctx, db, who, a, appCode(t, tf.Secret, now))
	if err != nil || len(codes) != 10 {
		t.Fatalf("confirm: %v, %d recovery codes", err, len(codes))
	}
	got, err := account.GetTwoFactor(ctx, db.Read(), a.ID)
	if err != nil || !got.Enabled || got.Remaining != 10 {
		t.Fatalf("after set-up: %+v, %v", got, err)
	}
	if _, err := account.StartTwoFactor(ctx, db, who, a); !errors.Is(err, account.ErrTwoFactorOn) {
		t.Fatalf("setting up again over a working one: %v", err)
	}

	// The code used to confirm cannot sign in; the next step's can, once.
	if err := account.SecondFactor(ctx, db, who, a, appCode(t, tf.Secret, now)); !errors.Is(err, account.ErrBadCode) {
		t.Fatalf("the confirming code signed in: %v", err)
	}
	now = now.Add(30 * time.Second)
	if err := account.SecondFactor(ctx, db, who, a, appCode(t, tf.Secret, now)); err != nil {
		t.Fatalf("the app's code: %v", err)
	}
	if err := account.SecondFactor(ctx, db, who, a, appCode(t, tf.Secret, now)); !errors.Is(err, account.ErrBadCode) {
		t.Fatalf("the same code twice: %v", err)
	}
	// A recovery code, typed in capitals without its dash, works once.
	rc := codes[3]
	typed := fmt.Sprintf("%s%s", rc[:4], rc[5:])
	if err := account.SecondFactor(ctx, db, who, a, " "+string([]byte(typed))+" "); err != nil {
		t.Fatalf("recovery code %q: %v", typed, err)
	}
	if err := account.SecondFactor(ctx, db, who, a, rc); !errors.Is(err, account.ErrBadCode) {
		t.Fatalf("a recovery code used twice: %v", err)
	}
	if got, _ := account.GetTwoFactor(ctx, db.Read(), a.ID); got.Remaining != 9 {
		t.Errorf("recovery codes left: %d, want 9", got.Remaining)
	}
	// Guessing: after the used recovery code (one failure), five wrong
	// codes make six failures in a row, and sign-in pauses: then even the
	// right code waits.
	var throttled *account.ThrottledError
	for i := range 5 {
		err := account.SecondFactor(ctx, db, who, a, fmt.Sprintf("%06d", i))
		if errors.As(err, &throttled) {
			t.Fatalf("paused after %d wrong codes", i+1)
		}
	}
	// The next step's code is within the window, and right, but waits.
	if err := account.SecondFactor(ctx, db, who, a, appCode(t, tf.Secret, now.Add(30*time.Second))); !errors.As(err, &throttled) {
		t.Fatalf("after six failures in a row the right code went straight in: %v", err)
	}
	var failed int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'signin.second_factor' AND outcome = 'failed' AND account_id = $1`,
		a.ID).Scan(&failed); err != nil || failed != 8 {
		t.Errorf("failed second factors audited: %d (%v), want 8", failed, err)
	}
	if err := account.TurnOffTwoFactor(ctx, db, who, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := account.GetTwoFactor(ctx, db.Read(), a.ID); got != nil || err != nil {
		t.Fatalf("after turning off: %+v, %v", got, err)
	}
}
