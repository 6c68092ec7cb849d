package people

import (
	"errors"
	"testing"
)

// Valid numbers are taken from the NHS's published examples and checked
// by hand: 943 476 5919 → 9×10+4×9+3×8+4×7+7×6+6×5+5×4+9×3+1×2 = 299;
// 299 mod 11 = 2; 11 − 2 = 9 ✓.
func TestParseNHSNumber(t *testing.T) {
	for _, c := range []struct {
		in, want string
		err      error
	}{
		{"9434765919", "9434765919", nil},
		{"943 476 5919", "9434765919", nil},
		{"943-476-5919", "9434765919", nil},
		{"4010232137", "4010232137", nil}, // 4×10+0+1×8+0+2×6+3×5+2×4+1×3+3×2 = 92; 92 mod 11 = 4; 11−4 = 7 ✓
		{"9434765918", "", ErrNHSNumberCheck},
		{"943476591", "", ErrNHSNumberLength},
		{"94347659190", "", ErrNHSNumberLength},
		{"94347a5919", "", ErrNHSNumberLength},
		{"", "", ErrNHSNumberLength},
		// Remainder 1 gives check digit 10, which no number may have:
		// 1000000010 → 1×10 + 1×2 = 12; 12 mod 11 = 1; 11 − 1 = 10.
		{"1000000010", "", ErrNHSNumberCheck},
	} {
		got, err := ParseNHSNumber(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("ParseNHSNumber(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestFormatNHSNumber(t *testing.T) {
	if got := FormatNHSNumber("9434765919"); got != "943 476 5919" {
		t.Fatalf("got %q", got)
	}
}
