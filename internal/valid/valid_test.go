package valid

import (
	"errors"
	"fmt"
	"testing"
)

// A package's sentinel problem matches the fresh one returned each time,
// wrapped or in a list, and only that problem.
func TestFieldErrorIs(t *testing.T) {
	sentinel := New("file", "attachment.file.type")
	if err := fmt.Errorf("saving: %w", New("file", "attachment.file.type")); !errors.Is(err, sentinel) {
		t.Error("a fresh copy does not match its sentinel")
	}
	if errors.Is(New("file", "attachment.file.required"), sentinel) || errors.Is(New("photo", "attachment.file.type"), sentinel) {
		t.Error("another code, or another field, matches the sentinel")
	}
	ps, ok := From(New("x", "valid.date.real", 1))
	if !ok || len(ps) != 1 || ps[0].Code != "valid.date.real" || len(ps[0].Args) != 1 {
		t.Errorf("From(one problem) = %v, %v", ps, ok)
	}
}
