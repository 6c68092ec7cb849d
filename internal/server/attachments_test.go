package server_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// A minimal valid PNG (1×1 pixel).
// png1x1 is a real one-pixel PNG, made by the standard encoder (a
// hand-written one here had a broken checksum, which the upload check now
// refuses, as it should).
var png1x1 = func() []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{0, 80, 200, 255})
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

func postStory(t *testing.T, b *browser, personID, body, filename string, file []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"kind": "photo", "date-day": "2", "date-month": "10", "date-year": "2026", "time": "10:30", "body": body} {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.srv.URL+"/people/"+personID+"/story/new", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func TestAttachments(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)

	// Text pretending to be a photo is refused, and no entry is written.
	resp, body := postStory(t, sam, w.Helen.ID, "The heron, by Helen", "heron.png", []byte("<script>alert(1)</script>"))
	if resp.StatusCode != 422 || !strings.Contains(body, `href="#file"`) || !strings.Contains(body, "The heron, by Helen") {
		t.Fatalf("disguised file: %d", resp.StatusCode)
	}
	var n int
	if err := w.DB.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM story_entries WHERE person_id = $1`, w.Helen.ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a refused upload left %d entries (%v)", n, err)
	}
	// Over 10 MB is refused with its own message.
	if resp, body := postStory(t, sam, w.Helen.ID, "Too big", "big.png", bytes.Repeat([]byte{0}, 11<<20)); resp.StatusCode != 422 || !strings.Contains(body, "smaller than 10 MB") {
		t.Errorf("11 MB file: %d", resp.StatusCode)
	}

	if resp, _ := postStory(t, sam, w.Helen.ID, "The heron, drawn by Helen", "heron.png", png1x1); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("real photo: %d", resp.StatusCode)
	}
	_, page := sam.get("/people/" + w.Helen.ID)
	m := regexp.MustCompile(`href="(/people/[^/"]+/attachments/[^"]+)">heron.png`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the record does not link the photo")
	}
	resp, got := sam.get(m[1])
	if resp.StatusCode != 200 || got != string(png1x1) || resp.Header.Get("Content-Type") != "image/png" ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("GET photo: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Security-Policy"))
	}
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	if resp, _ := alys.get(m[1]); resp.StatusCode != 404 {
		t.Errorf("photo as Alys: %d", resp.StatusCode)
	}
}
