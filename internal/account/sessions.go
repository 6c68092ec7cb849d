package account

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"whatmatters/internal/store"
)

// SessionStore keeps web sessions in the database (for the scs session
// manager), so that any instance of the server can serve any request.
type SessionStore struct{ DB *store.DB }

// Find returns the session data for a token, if it exists and has not
// expired.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	var data []byte
	err := s.DB.Read().QueryRowContext(bg(), `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`,
		token, store.Now()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// Commit saves session data.
func (s SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return s.DB.Tx(bg(), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(bg(), `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			token, data, expiry.UTC().Truncate(time.Microsecond))
		return err
	})
}

// Delete removes a session.
func (s SessionStore) Delete(token string) error {
	return s.DB.Tx(bg(), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(bg(), `DELETE FROM sessions WHERE token = $1`, token)
		return err
	})
}

// bg is the context for the session store, whose interface (scs.Store)
// carries none.
func bg() context.Context { return context.Background() }
