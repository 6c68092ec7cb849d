package account_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

// Expired sessions and old sign-in failures were never removed. Prune
// removes them and keeps what is still in force.
func TestPruneRemovesWhatHasRunItsCourse(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	now := store.Now()
	sessions := account.SessionStore{DB: db}
	for _, s := range []struct {
		token  string
		expiry time.Time
	}{{"old", now.Add(-time.Minute)}, {"live", now.Add(time.Hour)}} {
		if err := sessions.Commit(s.token, []byte("x"), s.expiry); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct {
		key     string
		updated time.Time
		until   any
	}{
		{"forgotten", now.Add(-25 * time.Hour), nil},
		{"still-paused", now.Add(-25 * time.Hour), now.Add(time.Minute)},
		{"recent", now.Add(-time.Hour), nil},
	} {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, blocked_until, updated_at) VALUES ($1, 3, $2, $3)`,
				r.key, r.until, r.updated)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	s, th, err := account.Prune(ctx, db)
	if err != nil || s != 1 || th != 1 {
		t.Fatalf("Prune = %d sessions, %d failures, %v; want 1 and 1", s, th, err)
	}
	if _, found, _ := sessions.Find("live"); !found {
		t.Error("a live session was removed")
	}
	var keys []string
	rows, err := db.Read().QueryContext(ctx, `SELECT key FROM login_throttle ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		keys = append(keys, k)
	}
	if len(keys) != 2 || keys[0] != "recent" || keys[1] != "still-paused" {
		t.Errorf("left %v; want recent and still-paused", keys)
	}
}
