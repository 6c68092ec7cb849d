// Package people holds the people whatmatters supports: who they are and,
// as the record grows, what matters to them.
package people

import (
	"strings"

	"whatmatters/internal/valid"
)

// The two ways an NHS number is refused, as problems with the
// "nhs_number" field. ParseNHSNumber returns a fresh copy each time;
// errors.Is matches it against these.
var (
	ErrNHSNumberLength = valid.New("nhs_number", "person.nhs_number.length")
	ErrNHSNumberCheck  = valid.New("nhs_number", "person.nhs_number.check")
)

// ParseNHSNumber accepts an NHS number typed with or without spaces or
// hyphens and returns its 10 digits, after checking the modulus 11 check
// digit (NHS Data Dictionary: weights 10 down to 2 on the first nine
// digits; 11 minus the remainder of the sum divided by 11 is the check
// digit; 11 means 0; 10 means the number is invalid). A refused number
// is a *valid.FieldError.
func ParseNHSNumber(s string) (string, error) {
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == ' ' || r == '-':
			return -1
		}
		return 'x'
	}, strings.TrimSpace(s))
	if len(digits) != 10 || strings.ContainsRune(digits, 'x') {
		return "", valid.New("nhs_number", "person.nhs_number.length")
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(digits[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(digits[9]-'0') {
		return "", valid.New("nhs_number", "person.nhs_number.check")
	}
	return digits, nil
}

// FormatNHSNumber shows 10 digits as 3-3-4 ("485 777 3456"), the way NHS
// staff read them.
func FormatNHSNumber(digits string) string {
	if len(digits) != 10 {
		return digits
	}
	return digits[:3] + " " + digits[3:6] + " " + digits[6:]
}
