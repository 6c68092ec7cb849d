package web

import "testing"

// An outside test found `/language/en?next=%2F%09%2Fevil.example` answered
// with Location: /<TAB>/evil.example, which a browser follows off-site.
// Only same-site paths pass; every trick below falls back to the home page.
func TestSafeNextKeepsRedirectsOnThisSite(t *testing.T) {
	for _, bad := range []string{
		"", "https://evil.example", "//evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example",
		"\t//evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "//\\evil.example",
		"evil.example", "javascript:alert(1)", "/%09/evil.example\x00", "///evil.example", "/ \t/evil.example",
		"http:/evil.example", "/\u0085/evil.example", "/%2F%2Fevil.example",
	} {
		if got := SafeNext(bad); got != "/" {
			t.Errorf("SafeNext(%q) = %q; want /", bad, got)
		}
	}
	for _, good := range []string{"/", "/people/0192-ab", "/search?q=heron&x=1", "/people/1/story#entry-2"} {
		if got := SafeNext(good); got != good {
			t.Errorf("SafeNext(%q) = %q; want it kept", good, got)
		}
	}
}
