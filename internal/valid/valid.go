// Package valid holds what every domain shares when it checks input: new
// ids, field errors as codes with arguments (the words live only in the
// English and Welsh catalogues), and a calendar date type.
package valid

import (
	"errors"
	"strings"

	"github.com/google/uuid"
)

// NewID returns a new time-ordered UUID.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// IsID reports whether s has the shape of an id NewID makes (a UUID in
// its 36-character form), so that anything else from outside is refused
// before it reaches a query.
func IsID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// FieldError is a problem with one input field: a message code and its
// arguments. The code is a key in the English and Welsh catalogues; the
// web and API layers translate it and show it beside the field, or as a
// problem detail with its path.
type FieldError struct {
	Field string
	Code  string
	Args  []any
}

// New makes a field error.
func New(field, code string, args ...any) *FieldError {
	return &FieldError{Field: field, Code: code, Args: args}
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Code }

// Is reports whether target is the same problem (field and code), so a
// package's sentinel, like people.ErrAttachmentType, matches the fresh
// error returned each time (fresh, because a page may move a problem to
// another field and must not change the sentinel).
func (e *FieldError) Is(target error) bool {
	t, ok := target.(*FieldError)
	return ok && t.Field == e.Field && t.Code == e.Code
}

// Problems lists what is wrong with an input, one entry per problem, so a
// form can show them all at once.
type Problems []*FieldError

// Add appends a problem.
func (ps *Problems) Add(field, code string, args ...any) {
	*ps = append(*ps, New(field, code, args...))
}

// Err returns the problems as an error, or nil if there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// From returns the field errors in err: a Problems list or a single
// FieldError. ok is false if err is neither.
func From(err error) (Problems, bool) {
	var ps Problems
	if errors.As(err, &ps) {
		return ps, true
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return Problems{fe}, true
	}
	return nil, false
}

// Rename moves problems reported on one field to another: a domain's
// "date_of_birth" is shown on the form's first date box, say.
func (ps Problems) Rename(from, to string) {
	for _, p := range ps {
		if p.Field == from {
			p.Field = to
		}
	}
}

// Clip is s cut to at most n characters (runes, so a letter is never cut
// in half), for text whose length is bounded but whose loss is harmless:
// a search's extra words, a file's name in a label.
func Clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
