// Package people holds the people whatmatters supports: who they are and,
// as the record grows, what matters to them.
package people

import (
	"errors"
	"strings"
)

// NHS number errors, worded for the person typing.
var (
	//lint:ignore ST1005 shown to the person as a sentence
	ErrNHSNumberLength = errors.New("An NHS number is 10 digits, like 485 777 3456")
	//lint:ignore ST1005 shown to the person as a sentence
	ErrNHSNumberCheck = errors.New("This is not a valid NHS number: check each digit against the card or letter")
)

// ParseNHSNumber accepts an NHS number typed with or without spaces or
// hyphens and returns its 10 digits, after checking the modulus 11 check
// digit (NHS Data Dictionary: weights 10 down to 2 on the first nine
// digits; 11 minus the remainder of the sum divided by 11 is the check
// digit; 11 means 0; 10 means the number is invalid).
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
		return "", ErrNHSNumberLength
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
		return "", ErrNHSNumberCheck
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
