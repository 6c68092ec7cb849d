package people_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{0, 80, 200, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAttachmentsCheckedByContent(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	e := &people.Entry{PersonID: f.person.ID, Kind: "drawing", OccurredAt: at("2026-11-01T10:00:00Z"), Body: "His drawing of the house he wants to live in."}
	if err := people.AddEntry(ctx, f.db, f.worker, e); err != nil {
		t.Fatal(err)
	}
	pic := pngBytes(t)
	a, err := people.AddAttachment(ctx, f.db, f.worker, e.ID, `C:\Users\sam\..\house".png`, pic)
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentType != "image/png" || a.Filename != "house.png" {
		t.Fatalf("attachment = %+v; want image/png named house.png", a)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
	if _, err := people.AddAttachment(ctx, f.db, f.worker, e.ID, "letter.pdf", pdf); err != nil {
		t.Fatalf("PDF refused: %v", err)
	}
	html := []byte("<html><script>alert(1)</script></html>")
	if _, err := people.AddAttachment(ctx, f.db, f.worker, e.ID, "photo.png", html); !isProblem(err, people.ErrAttachmentType) {
		t.Fatalf("HTML named .png = %v; want refused by content", err)
	}
	big := append(append([]byte{}, pic...), make([]byte, people.MaxAttachment)...)
	if _, err := people.AddAttachment(ctx, f.db, f.worker, e.ID, "big.png", big); !isProblem(err, people.ErrAttachmentTooLarge) {
		t.Fatalf("11 MB file = %v; want too large", err)
	}
	if _, err := people.AddAttachment(ctx, f.db, f.stranger, e.ID, "x.png", pic); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stranger's upload = %v; want not found", err)
	}
	got, err := people.GetAttachment(ctx, f.db, f.worker, a.ID)
	if err != nil || !bytes.Equal(got.Data, pic) {
		t.Fatalf("read back = %v; want the same bytes", err)
	}
	if _, err := people.GetAttachment(ctx, f.db, f.stranger, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stranger's read = %v; want not found", err)
	}
	list, _ := people.Attachments(ctx, f.db.Read(), f.person.ID)
	if len(list[e.ID]) != 2 {
		t.Fatalf("entry has %d attachments; want 2", len(list[e.ID]))
	}
	evs, _ := audit.ForPerson(ctx, f.db.Read(), f.person.ID, 50)
	var denied int
	for _, ev := range evs {
		if ev.Outcome == audit.Denied {
			denied++
		}
	}
	if denied != 1 {
		t.Fatalf("%d refused reads audited; want 1", denied)
	}
}

func isProblem(err error, want *valid.FieldError) bool {
	var ps valid.Problems
	return errors.As(err, &ps) && len(ps) == 1 && ps[0] == want
}
