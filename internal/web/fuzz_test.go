package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// FuzzSafeNext: whatever comes in, a redirect target that is kept is a
// path on this site alone.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/people/1", "//evil.example", "/\t/evil.example", "/\\evil", "https://x", "/%2F%2Fx", "/a?b=c#d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := SafeNext(next)
		if got == "/" {
			return
		}
		if got != next {
			t.Fatalf("SafeNext(%q) = %q: changed rather than kept or refused", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") ||
			strings.ContainsRune(got, '\\') || strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Fatalf("SafeNext kept %q, which could leave the site", got)
		}
	})
}
