package account

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"whatmatters/internal/store"
)

// ThrottleMemory is how long a sign-in failure is remembered once its
// pause is over: long enough to slow a patient guesser, short enough that
// the table does not grow for ever.
const ThrottleMemory = 24 * time.Hour

// Prune removes what has run its course: sessions past their expiry, and
// sign-in failures not added to for ThrottleMemory whose pause has ended.
// The server runs it at start and every few minutes; it is safe to run
// from many servers at once.
func Prune(ctx context.Context, db *store.DB) (sessions, throttles int64, err error) {
	now := store.Now()
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, now)
		if err != nil {
			return fmt.Errorf("account: prune sessions: %w", err)
		}
		sessions, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE updated_at < $1
			AND (blocked_until IS NULL OR blocked_until < $2)`, now.Add(-ThrottleMemory), now)
		if err != nil {
			return fmt.Errorf("account: prune sign-in failures: %w", err)
		}
		throttles, _ = res.RowsAffected()
		return nil
	})
	return sessions, throttles, err
}

// PruneEvery runs Prune now and then every interval until ctx ends,
// logging what it removed or why it could not.
func PruneEvery(ctx context.Context, db *store.DB, interval time.Duration, logf func(msg string, args ...any)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s, th, err := Prune(ctx, db)
		if err != nil && ctx.Err() == nil {
			logf("pruning failed", "err", err)
		} else if s+th > 0 {
			logf("pruned", "sessions", s, "sign_in_failures", th)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
