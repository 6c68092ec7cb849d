package people_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
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
	op := open(t, f.db, f.worker, f.person.ID)
	pic := pngBytes(t)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n9\n%%EOF\n")
	e := &people.Entry{Kind: "drawing", OccurredAt: at("2026-11-01T10:00:00Z"), Body: "His drawing of the house he wants to live in."}
	err := people.AddEntry(ctx, f.db, op, e,
		people.NewFile{Name: `C:\Users\sam\..\house".png`, Data: pic}, people.NewFile{Name: "letter.pdf", Data: pdf})
	if err != nil {
		t.Fatal(err)
	}
	list, err := people.Attachments(ctx, f.db.Read(), op)
	if err != nil || len(list[e.ID]) != 2 {
		t.Fatalf("entry has %d attachments (%v); want 2", len(list[e.ID]), err)
	}
	byName := map[string]people.Attachment{}
	for _, x := range list[e.ID] {
		byName[x.Filename] = x
	}
	a, letter := byName["house.png"], byName["letter.pdf"]
	if a.ContentType != "image/png" || a.Filename != "house.png" || a.PersonID != f.person.ID || a.Size != len(pic) {
		t.Fatalf("attachment = %+v; want image/png named house.png", a)
	}
	if letter.ContentType != "application/pdf" || letter.Filename != "letter.pdf" {
		t.Fatalf("PDF kept as %+v", letter)
	}
	html := []byte("<html><script>alert(1)</script></html>")
	big := append(append([]byte{}, pic...), make([]byte, people.MaxAttachment)...)
	entries, files := count(t, f.db, "story_entries"), count(t, f.db, "attachments")
	for _, c := range []struct {
		name  string
		files []people.NewFile
		want  *valid.FieldError
	}{
		{"HTML named .png", []people.NewFile{{Name: "photo.png", Data: html}}, people.ErrAttachmentType},
		{"11 MB file", []people.NewFile{{Name: "big.png", Data: big}}, people.ErrAttachmentTooLarge},
		{"a good file with a bad one", []people.NewFile{{Name: "ok.png", Data: pic}, {Name: "photo.png", Data: html}}, people.ErrAttachmentType},
	} {
		e := &people.Entry{Kind: "photo", OccurredAt: at("2026-11-02T10:00:00Z"), Body: "A photo of the garden."}
		if err := people.AddEntry(ctx, f.db, op, e, c.files...); !isProblem(err, c.want) {
			t.Errorf("%s = %v; want %v", c.name, err, c.want)
		}
	}
	if n, m := count(t, f.db, "story_entries"), count(t, f.db, "attachments"); n != entries || m != files {
		t.Fatalf("refused files left %d entries and %d files; want %d and %d: neither the entry nor its files", n, m, entries, files)
	}
	// A stranger cannot open the record to upload to it or read from it.
	outOfReach(t, f.db, f.stranger, f.person.ID)
	got, err := people.GetAttachment(ctx, f.db.Read(), op, a.ID)
	if err != nil || !bytes.Equal(got.Data, pic) || got.EntryID != e.ID {
		t.Fatalf("read back = %v; want the same bytes", err)
	}
	outOfReach(t, f.db, f.stranger, f.person.ID)
	evs, _ := audit.ForPerson(ctx, f.db.Read(), f.person.ID, 50)
	var denied int
	for _, ev := range evs {
		if ev.Outcome == audit.Denied {
			denied++
		}
	}
	if denied != 2 {
		t.Fatalf("%d refused reads audited; want the stranger's 2", denied)
	}
	added, _ := audit.ForAction(ctx, f.db.Read(), "story.add", 10)
	if len(added) != 1 {
		t.Fatalf("%d story.add audit rows; want 1 (none for the refused entries)", len(added))
	}
}

// A file saved with an entry is the opened person's: through another
// person's record it is not found, as if it did not exist.
func TestAttachmentReadOnlyThroughItsPerson(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	pic := pngBytes(t)
	e := &people.Entry{Kind: "photo", OccurredAt: at("2026-11-01T10:00:00Z"), Body: "Rhodri at the rugby club."}
	if err := people.AddEntry(ctx, f.db, op, e, people.NewFile{Name: "club.png", Data: pic}); err != nil {
		t.Fatal(err)
	}
	list, _ := people.Attachments(ctx, f.db.Read(), op)
	if len(list[e.ID]) != 1 {
		t.Fatalf("attachments = %+v; want the one saved with the entry", list)
	}
	id := list[e.ID][0].ID
	got, err := people.GetAttachment(ctx, f.db.Read(), op, id)
	if err != nil || !bytes.Equal(got.Data, pic) || got.PersonID != f.person.ID {
		t.Fatalf("read through its person = %+v, %v; want the bytes", got, err)
	}
	other := open(t, f.db, f.worker, f.another(t, "Owen").ID)
	if got, err := people.GetAttachment(ctx, f.db.Read(), other, id); !errors.Is(err, store.ErrNotFound) || got != nil {
		t.Fatalf("read through another person's record = %+v, %v; want not found", got, err)
	}
	if theirs, _ := people.Attachments(ctx, f.db.Read(), other); len(theirs) != 0 {
		t.Fatalf("another person's record lists %+v", theirs)
	}
}

// An entry and its files are one transaction: a refusal inside it (here,
// an outcome from another person's record) leaves neither.
func TestEntryAndFilesSavedTogether(t *testing.T) {
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	otherOp := open(t, f.db, f.worker, f.another(t, "Owen").ID)
	theirs := &people.Outcome{Statement: "I want to go fishing", Kind: people.OutcomeChange, ExpressedBy: "person"}
	if err := people.AddOutcome(ctx, f.db, otherOp, theirs); err != nil {
		t.Fatal(err)
	}
	e := &people.Entry{Kind: "photo", OccurredAt: at("2026-11-01T10:00:00Z"), Body: "At the river.", OutcomeIDs: []string{theirs.ID}}
	if err := people.AddEntry(ctx, f.db, op, e, people.NewFile{Name: "river.png", Data: pngBytes(t)}); !fieldsOf(err)["outcome_ids"] {
		t.Fatalf("entry linked to another person's outcome = %v; want an outcome_ids problem", err)
	}
	if n, m := count(t, f.db, "story_entries"), count(t, f.db, "attachments"); n != 0 || m != 0 {
		t.Fatalf("a refused entry left %d entries and %d files", n, m)
	}
	if evs, _ := audit.ForAction(ctx, f.db.Read(), "story.add", 10); len(evs) != 0 {
		t.Fatalf("a refused entry was audited as added: %+v", evs)
	}
}

func isProblem(err error, want *valid.FieldError) bool {
	var ps valid.Problems
	return errors.As(err, &ps) && len(ps) == 1 && errors.Is(ps[0], want)
}

// An outside test had any file beginning %PDF- accepted as a PDF, a JPEG
// with a web page appended accepted as poly.html, and right-to-left
// override characters kept in names. The whole file must be what it says,
// and its name must say what it is.
func TestAttachmentsCheckedWholeAndByName(t *testing.T) {
	pic := pngBytes(t)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	polyglot := append(append([]byte{}, jpg.Bytes()...), []byte("<html><script>alert(document.cookie)</script></html>")...)
	pdf := []byte("%PDF-1.7\n1 0 obj<<>>endobj\nstartxref\n9\n%%EOF\n")
	for _, c := range []struct {
		name string
		data []byte
		ok   bool
	}{
		{"photo.jpg", jpg.Bytes(), true},
		{"photo.JPEG", jpg.Bytes(), true},
		{"poly.html", polyglot, false},
		{"poly.jpg", polyglot, false},
		{"photo.html", jpg.Bytes(), false},
		{"letter.pdf", pdf, true},
		{"junk.pdf", []byte("%PDF-<script>alert(1)</script>"), false},
		{"drawing.png", pic, true},
		{"drawing.png", pic[:len(pic)-5], false},
		{"drawing.pdf", pic, false},
		{"drawing", pic, false},
	} {
		err := people.CheckAttachment(c.name, c.data)
		if (err == nil) != c.ok {
			t.Errorf("CheckAttachment(%q, %d bytes) = %v; want accepted %v", c.name, len(c.data), err, c.ok)
		}
	}
	f := newRecordFixture(t)
	ctx := context.Background()
	op := open(t, f.db, f.worker, f.person.ID)
	e := &people.Entry{Kind: "photo", OccurredAt: at("2026-11-01T10:00:00Z"), Body: "The garden in bloom."}
	if err := people.AddEntry(ctx, f.db, op, e, people.NewFile{Name: "garden\u202Egnp.png", Data: pic}); err != nil {
		t.Fatal(err)
	}
	files, _ := people.Attachments(ctx, f.db.Read(), op)
	if got := files[e.ID][0].Filename; got != "gardengnp.png" {
		t.Errorf("a name with a right-to-left override was kept as %q; want the override removed", got)
	}
}
