package csvx

import (
	"bytes"
	"testing"
)

func TestFormulasAreDefused(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	if err := w.Write("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "Helen Jones", "O'Brien, Sean"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),Helen Jones,\"O'Brien, Sean\"\n"
	if got := b.String(); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}
