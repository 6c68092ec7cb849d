package people_test

import (
	"bytes"
	"image"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"whatmatters/internal/people"
)

// FuzzCheckAttachment: no upload makes the check panic, and whatever it
// accepts has a name ending as its kind.
func FuzzCheckAttachment(f *testing.F) {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 2, 2)))
	f.Add("photo.png", b.Bytes())
	f.Add("letter.pdf", []byte("%PDF-1.4\nstartxref\n9\n%%EOF\n"))
	f.Add("poly.html", append(b.Bytes(), "<script>"...))
	f.Add("x.webp", []byte("RIFF\x0c\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if people.CheckAttachment(name, data) != nil {
			return
		}
		ext := strings.ToLower(filepath.Ext(name))
		if !slices.Contains([]string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf"}, ext) {
			t.Fatalf("accepted %q", name)
		}
	})
}

// FuzzParseNHSNumber: never panics; what it accepts is ten digits whose
// check digit is right.
func FuzzParseNHSNumber(f *testing.F) {
	for _, s := range []string{"943 476 5919", "9434765918", "", "94347659191", "943-476-5919", "٩٤٣٤٧٦٥٩١٩"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := people.ParseNHSNumber(s)
		if err != nil {
			return
		}
		if len(n) != 10 || strings.Trim(n, "0123456789") != "" {
			t.Fatalf("ParseNHSNumber(%q) = %q", s, n)
		}
		sum := 0
		for i := 0; i < 9; i++ {
			sum += int(n[i]-'0') * (10 - i)
		}
		check := 11 - sum%11
		if check == 11 {
			check = 0
		}
		if check == 10 || int(n[9]-'0') != check {
			t.Fatalf("ParseNHSNumber(%q) accepted %q with a wrong check digit", s, n)
		}
	})
}
