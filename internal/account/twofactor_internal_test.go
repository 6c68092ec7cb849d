package account

import (
	"testing"
	"time"
)

// RFC 6238, Appendix B: the SHA-1 test vectors (eight digits there; an
// authenticator app shows the last six).
func TestTOTPMatchesRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, c := range []struct {
		unix int64
		want string
	}{{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"}, {1234567890, "89005924"},
		{2000000000, "69279037"}, {20000000000, "65353130"}} {
		if got := totpCode(key, stepAt(time.Unix(c.unix, 0))); got != c.want[2:] {
			t.Errorf("T=%d: %s, want %s", c.unix, got, c.want[2:])
		}
	}
}

func TestMatchTOTPWindowAndReplay(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	now := time.Unix(1111111111, 0) // step 37037037
	step := stepAt(now)
	if _, ok := matchTOTP(secret, "050471", 0, now); !ok {
		t.Fatal("the current code was refused")
	}
	if _, ok := matchTOTP(secret, "081804", 0, now); !ok { // T=1111111109 is the same step
		t.Fatal("the same step's code was refused")
	}
	if s, ok := matchTOTP(secret, "050 471", step, now); ok {
		t.Fatalf("a code for step %d accepted again after it was used", s)
	}
	// A code from three steps ago is outside the window.
	old := totpCode([]byte("12345678901234567890"), step-3)
	if _, ok := matchTOTP(secret, old, 0, now); ok {
		t.Fatal("a code 90 seconds old was accepted")
	}
	prev := totpCode([]byte("12345678901234567890"), step-1)
	if _, ok := matchTOTP(secret, prev, 0, now); !ok {
		t.Fatal("a code 30 seconds old (a slow phone clock) was refused")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := matchTOTP(secret, bad, 0, now); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
