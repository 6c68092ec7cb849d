package i18n

import "testing"

// Counts read as people say them: "1 person", not "1 people", and Welsh
// chooses among its own plural forms.
func TestPluralForms(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{{English, 0, "other"}, {English, 1, "one"}, {English, 2, "other"}, {English, 21, "other"},
		{Welsh, 0, "zero"}, {Welsh, 1, "one"}, {Welsh, 2, "two"}, {Welsh, 3, "few"}, {Welsh, 6, "many"}, {Welsh, 7, "other"}} {
		if got := PluralForm(c.lang, c.n); got != c.want {
			t.Errorf("PluralForm(%s, %d) = %s; want %s", c.lang, c.n, got, c.want)
		}
	}
	mu.Lock()
	catalogues[English]["test.people.one"], catalogues[English]["test.people.other"] = "%d person", "%d people"
	catalogues[Welsh]["test.people.other"] = "%d o bobl"
	mu.Unlock()
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{{English, 1, "1 person"}, {English, 3, "3 people"}, {Welsh, 2, "2 o bobl"}} {
		if got := N(c.lang, "test.people", c.n); got != c.want {
			t.Errorf("N(%s, %d) = %q; want %q", c.lang, c.n, got, c.want)
		}
	}
}
