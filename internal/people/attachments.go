package people

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

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

// cleanFilename keeps a filename for display and download without any path
// or control characters.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || r == '"' {
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
	return name
}

// ErrAttachmentTooLarge and ErrAttachmentType are the two ways a file is
// refused; both come back as field problems with plain messages.
var (
	ErrAttachmentTooLarge = &valid.FieldError{Field: "file", Code: "The file must be smaller than 10 MB"}
	ErrAttachmentType     = &valid.FieldError{Field: "file", Code: "The file must be a photo (JPEG, PNG, GIF or WebP) or a PDF"}
)

// CheckAttachment says whether a file would be accepted, so a form can
// refuse it before saving anything else.
func CheckAttachment(data []byte) error {
	switch {
	case len(data) == 0:
		return valid.Problems{{Field: "file", Code: "Choose a file"}}
	case len(data) > MaxAttachment:
		return valid.Problems{ErrAttachmentTooLarge}
	case !allowedTypes[sniff(data)]:
		return valid.Problems{ErrAttachmentType}
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
