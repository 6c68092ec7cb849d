package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"whatmatters/internal/store"
)

// Sign-in throttling. Failures are counted under three keys, each with its
// own allowance and longest pause:
//
//   - the email address and client address together: 5 free tries, then a
//     pause that doubles with each failure, up to 15 minutes. This is what
//     slows someone guessing one account's password.
//   - the client address alone: 20 free tries, then doubling up to 15
//     minutes: one client guessing many accounts.
//   - the email address alone: 20 free tries, then at most a 1-minute
//     pause: guessing from many addresses. It is capped low on purpose, so
//     that nobody can lock the real person out of their account for long
//     from somewhere else.
//
// A pause never lasts for good: it ends by itself, failures are forgotten
// once none has come for FailureDecay, and a successful sign-in clears the
// email and client pair. The email address's own count never stops the
// right password coming from a client with no failures of its own: an
// outsider guessing from elsewhere must not be able to keep the real
// person out (the client and pair counts slow the guesser).
type throttleRule struct {
	free     int
	maxPause time.Duration
}

type throttleKey struct {
	key  string
	rule throttleRule
}

// FailureDecay is how long a count of failures lasts with none added: the
// next failure after that starts counting from one again.
const FailureDecay = 30 * time.Minute

func throttleKeys(email, ip string) []throttleKey {
	return []throttleKey{
		{"pair:" + email + "|" + ip, throttleRule{5, 15 * time.Minute}},
		{"ip:" + ip, throttleRule{20, 15 * time.Minute}},
		{"email:" + email, throttleRule{20, time.Minute}},
	}
}

func (r throttleRule) pause(failures int) time.Duration {
	over := failures - r.free
	if over <= 0 {
		return 0
	}
	if over > 20 {
		return r.maxPause
	}
	d := time.Second << (over - 1)
	if d > r.maxPause {
		d = r.maxPause
	}
	return d
}

// blocked returns how long the longest current pause has left to run.
// keys are the pair, the client and the email address, in that order; the
// email address's pause counts only if this client has failed too.
func blocked(ctx context.Context, r store.Reader, keys []throttleKey) (time.Duration, error) {
	now := store.Now()
	var wait time.Duration
	clientFailed := false
	for i, k := range keys {
		var until sql.NullTime
		var failures int
		var updated time.Time
		err := r.QueryRowContext(ctx, `SELECT blocked_until, failures, updated_at FROM login_throttle WHERE key = $1`, k.key).
			Scan(&until, &failures, &updated)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("account: read throttle: %w", err)
		}
		if i < 2 && failures > 0 && now.Sub(updated) < FailureDecay {
			clientFailed = true
		}
		if i == 2 && !clientFailed {
			continue
		}
		if until.Valid && until.Time.After(now) && until.Time.Sub(now) > wait {
			wait = until.Time.Sub(now)
		}
	}
	return wait, nil
}

func recordFailure(ctx context.Context, tx *sql.Tx, keys []throttleKey) error {
	now := store.Now()
	for _, k := range keys {
		var failures int
		_, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, updated_at) VALUES ($1, 0, $2)
			ON CONFLICT (key) DO NOTHING`, k.key, now)
		if err == nil {
			// Counted in the database, not read and written back: on
			// PostgreSQL guesses sent in parallel would otherwise overwrite
			// each other's counts and go mostly uncounted. The UPDATE also
			// locks the row until commit, so blocked_until below is set in
			// the order the failures were counted.
			// A count with no failure added for FailureDecay starts again.
			err = tx.QueryRowContext(ctx, `UPDATE login_throttle SET failures = CASE WHEN updated_at < $1 THEN 1 ELSE failures + 1 END,
				updated_at = $2 WHERE key = $3 RETURNING failures`, now.Add(-FailureDecay), now, k.key).Scan(&failures)
		}
		if err != nil {
			return fmt.Errorf("access: throttle: %w", err)
		}
		var until any
		if p := k.rule.pause(failures); p > 0 {
			until = now.Add(p)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET blocked_until = $1 WHERE key = $2`,
			until, k.key); err != nil {
			return fmt.Errorf("access: throttle: %w", err)
		}
	}
	return nil
}

func clearFailures(ctx context.Context, tx *sql.Tx, keys []throttleKey) error {
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, k.key); err != nil {
			return fmt.Errorf("access: throttle: %w", err)
		}
	}
	return nil
}
