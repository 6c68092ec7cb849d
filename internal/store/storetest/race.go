package storetest

import (
	"errors"
	"sync"
	"testing"

	"whatmatters/internal/store"
)

// Race runs the writers at the same moment, each as someone saving from
// the same version, and returns the index of the one that won. It fails
// the test unless exactly one returned nil and every other
// store.ErrConflict: nothing overwritten silently, nothing lost to
// another error.
func Race(t *testing.T, writers ...func() error) int {
	t.Helper()
	errs := make([]error, len(writers))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, write := range writers {
		wg.Go(func() {
			<-start
			errs[i] = write()
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("writers %d and %d both won: one change overwrote the other", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrConflict):
			t.Fatalf("writer %d: %v, want success or a conflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no writer won: %v", errs)
	}
	return winner
}
