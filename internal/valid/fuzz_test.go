package valid

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzDateInput: the date boxes never panic; a date they accept is real,
// has a four-digit year and reads back as what was typed.
func FuzzDateInput(f *testing.F) {
	for _, s := range [][3]string{{"27", "3", "1941"}, {"31", "2", "2026"}, {"", "", ""}, {"1", "1", "26"}, {"٣", "3", "1941"}, {"+1", "-2", "0x10"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, day, month, year string) {
		d, fe := DateInput{Day: day, Month: month, Year: year}.Parse("date", false)
		if fe != nil || d.IsZero() {
			return
		}
		if d.Year() < 1000 || d.Year() > 9999 {
			t.Fatalf("accepted year %d from %q", d.Year(), year)
		}
		back := FromDate(d)
		for _, c := range [][2]string{{back.Day, day}, {back.Month, month}, {back.Year, year}} {
			want, _ := strconv.Atoi(strings.TrimSpace(c[1]))
			if got, _ := strconv.Atoi(c[0]); got != want {
				t.Fatalf("%q/%q/%q read as %v", day, month, year, d)
			}
		}
	})
}
