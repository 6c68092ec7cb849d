package people

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers the decoders wellFormed uses
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"whatmatters/internal/access"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// MaxAttachment is the largest file accepted: 10 MB.
const MaxAttachment = 10 << 20

// Attachment is a photo, drawing or document attached to a story entry.
type Attachment struct {
	ID          string    `json:"id"`
	EntryID     string    `json:"entry_id"`
	PersonID    string    `json:"person_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	Data        []byte    `json:"-"`
}

// allowedTypes are the kinds of file accepted, decided by what the bytes
// are, never by the name or the type the browser claimed.
var allowedTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "application/pdf": true,
}

// sniff returns the content type of data, as far as we accept it.
func sniff(data []byte) string {
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return "application/pdf"
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return ct
}

// cleanFilename keeps a filename for display and download without any path,
// control characters, or the invisible characters that reorder text
// (a right-to-left override makes "photo\u202Egnp.exe" read as
// "photoexe.png").
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || r == '"' || unicode.Is(unicode.Bidi_Control, r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		name = "attachment"
	}
	if len(name) > 200 {
		name = name[len(name)-200:]
	}
	return strings.ToValidUTF8(name, "")
}

// extensions are the names each accepted type may have: a file's name must
// say what it is, so a photo cannot be saved as "letter.html".
var extensions = map[string][]string{
	"image/jpeg": {".jpg", ".jpeg"}, "image/png": {".png"}, "image/gif": {".gif"},
	"image/webp": {".webp"}, "application/pdf": {".pdf"},
}

// wellFormed checks the whole file is what its first bytes say, to its
// last byte: images decode, and nothing follows their end marker; a PDF
// ends with %%EOF after a cross-reference. A JPEG with a web page appended
// (a polyglot a browser might run) is refused.
func wellFormed(ct string, data []byte) bool {
	switch ct {
	case "image/jpeg", "image/png", "image/gif":
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
			return false
		}
		if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
			return false
		}
		return endsCleanly(ct, data)
	case "image/webp":
		// RIFF: the size in the header must be the file's own, and the one
		// chunk a WebP starts with must be there.
		if len(data) < 20 || string(data[8:12]) != "WEBP" {
			return false
		}
		size := int(binary.LittleEndian.Uint32(data[4:8]))
		chunk := string(data[12:16])
		return size+8 == len(data) && (chunk == "VP8 " || chunk == "VP8L" || chunk == "VP8X")
	case "application/pdf":
		tail := bytes.TrimRight(data[max(0, len(data)-1024):], " \t\r\n\x00")
		return bytes.HasSuffix(tail, []byte("%%EOF")) && bytes.Contains(data[max(0, len(data)-4096):], []byte("startxref"))
	}
	return false
}

// maxPixels bounds the images decoded: 40 megapixels, well above any
// phone's photo, far below what would exhaust memory.
const maxPixels = 40_000_000

// endsCleanly reports whether an image stops at its own end marker.
func endsCleanly(ct string, data []byte) bool {
	data = bytes.TrimRight(data, "\x00") // some cameras pad with zeros
	switch ct {
	case "image/jpeg":
		return bytes.HasSuffix(data, []byte{0xFF, 0xD9})
	case "image/png":
		return bytes.HasSuffix(data, []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82})
	case "image/gif":
		return bytes.HasSuffix(data, []byte{0x3B})
	}
	return false
}

// ErrAttachmentTooLarge and ErrAttachmentType are the two ways a chosen
// file is refused, as problems with the "file" field. CheckAttachment
// returns a fresh copy each time; errors.Is matches it against these.
var (
	ErrAttachmentTooLarge = valid.New("file", "attachment.file.too_large", MaxAttachment>>20)
	ErrAttachmentType     = valid.New("file", "attachment.file.type")
)

// AttachmentTooLarge is the problem with a file over MaxAttachment.
func AttachmentTooLarge() *valid.FieldError {
	return valid.New("file", "attachment.file.too_large", MaxAttachment>>20)
}

// CheckAttachment says whether a file would be accepted, so a form can
// refuse it before saving anything else: it must be one of the kinds we
// take, whole and well formed, and its name must say what it is.
func CheckAttachment(name string, data []byte) error {
	ct := sniff(data)
	switch {
	case len(data) == 0:
		return valid.Problems{valid.New("file", "attachment.file.required")}
	case len(data) > MaxAttachment:
		return valid.Problems{AttachmentTooLarge()}
	case !allowedTypes[ct] || !wellFormed(ct, data):
		return valid.Problems{valid.New("file", "attachment.file.type")}
	}
	ext := strings.ToLower(filepath.Ext(cleanFilename(name)))
	if !slices.Contains(extensions[ct], ext) {
		return valid.Problems{valid.New("file", "attachment.extension", extensions[ct][0])}
	}
	return nil
}

// NewFile is a file uploaded with a story entry.
type NewFile struct {
	Name string
	Data []byte
}

// insertAttachment stores a file attached to a new story entry, inside the
// entry's own transaction. The file was checked (CheckAttachment) before
// the transaction began.
func insertAttachment(ctx context.Context, tx *sql.Tx, op *access.Opened, e *Entry, f NewFile) (*Attachment, error) {
	sum := sha256.Sum256(f.Data)
	a := &Attachment{ID: valid.NewID(), EntryID: e.ID, PersonID: op.PersonID(), Filename: cleanFilename(f.Name),
		ContentType: sniff(f.Data), Size: len(f.Data), SHA256: hex.EncodeToString(sum[:]), CreatedAt: store.Now()}
	_, err := tx.ExecContext(ctx, `INSERT INTO attachments (id, entry_id, person_id, filename, content_type, size, sha256,
		data, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		a.ID, a.EntryID, a.PersonID, a.Filename, a.ContentType, a.Size, a.SHA256, f.Data, op.Subject().Account.ID, a.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("people: add attachment: %w", err)
	}
	return a, nil
}

// GetAttachment reads one of the opened person's attachments, with its
// bytes; another person's is not found.
func GetAttachment(ctx context.Context, r store.Reader, op *access.Opened, id string) (*Attachment, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	var a Attachment
	err := r.QueryRowContext(ctx, `SELECT id, entry_id, person_id, filename, content_type, size, sha256, data, created_at
		FROM attachments WHERE id = $1 AND person_id = $2`, id, op.PersonID()).
		Scan(&a.ID, &a.EntryID, &a.PersonID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Data, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// Attachments lists a person's attachments without their bytes, by entry.
func Attachments(ctx context.Context, r store.Reader, op *access.Opened) (map[string][]Attachment, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	return attachments(ctx, r, op.PersonID())
}

// AttachmentsOf lists the attachments of the given entries of the opened
// person's, without their bytes, by entry: a page of the story reads its
// own entries' files, never the whole story's.
func AttachmentsOf(ctx context.Context, r store.Reader, op *access.Opened, entries []Entry) (map[string][]Attachment, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return map[string][]Attachment{}, nil
	}
	var args store.Args
	where := `person_id = ` + args.Add(op.PersonID())
	marks := make([]string, len(entries))
	for i := range entries {
		marks[i] = args.Add(entries[i].ID)
	}
	return attachmentsWhere(ctx, r, where+` AND entry_id IN (`+strings.Join(marks, ", ")+`)`, args.Values...)
}

func attachments(ctx context.Context, r store.Reader, personID string) (map[string][]Attachment, error) {
	return attachmentsWhere(ctx, r, `person_id = $1`, personID)
}

func attachmentsWhere(ctx context.Context, r store.Reader, where string, args ...any) (map[string][]Attachment, error) {
	rows, err := r.QueryContext(ctx, `SELECT id, entry_id, person_id, filename, content_type, size, sha256, created_at
		FROM attachments WHERE `+where+` ORDER BY created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("people: attachments: %w", err)
	}
	defer rows.Close()
	out := map[string][]Attachment{}
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.EntryID, &a.PersonID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out[a.EntryID] = append(out[a.EntryID], a)
	}
	return out, rows.Err()
}
