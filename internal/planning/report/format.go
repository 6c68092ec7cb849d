// Package report draws the planning engine's answers as text for a
// person, in English: aligned tables for a report, CSV for a
// spreadsheet, and the wording of an explanation. The engine
// (internal/planning) hands back figures; this is the one place the
// command line's text is drawn from them, and where money and counts
// are rounded for display.
package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Money formats an amount for a report: currency symbol, thousands
// separators, pennies. Rounding happens here and only here.
func Money(currency string, v float64) string {
	sym := map[string]string{"GBP": "£", "EUR": "€", "USD": "$"}[currency]
	if sym == "" && currency != "" {
		sym = currency + " "
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + sym + thousands(v, 2)
}

// Count formats people or units: whole numbers plainly, fractions to one
// decimal place, with thousands separators.
func Count(v float64) string {
	if math.Abs(v-math.Round(v)) < 1e-9 {
		return thousands(math.Round(v), 0)
	}
	return thousands(v, 1)
}

func thousands(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if frac != "" {
		out += "." + frac
	}
	return out
}

// SignedMoney is a change in money: "+£1,360.00", "-£21,300.00".
func SignedMoney(currency string, v float64) string {
	if v > 0 && Money(currency, v) != Money(currency, 0) {
		return "+" + Money(currency, v)
	}
	return Money(currency, v)
}

// SignedCount is a change in people or units: "+1,785", "-20".
func SignedCount(v float64) string {
	if s := Count(v); v > 0 && s != "0" && s != "0.0" {
		return "+" + s
	}
	return Count(v)
}

func percent(v float64) string {
	if v == 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%+.1f%%", v)
}

func plain(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
