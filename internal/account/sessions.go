package account

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"time"

	"github.com/alexedwards/scs/v2"

	"whatmatters/internal/store"
)

// SessionStore keeps web sessions in the database (for the scs session
// manager), so that any instance of the server can serve any request.
//
// With an idle timeout, scs commits the session after every request to
// push its expiry on. Written every time, that is a write transaction (an
// fsync on SQLite) on every page. The store instead writes a session
// whose data has not changed only when its expiry would move on by a
// minute or more (SessionWriteEvery), as API tokens' last use is noted.
// The cost is that an idle session ends up to a minute early: after 29 to
// 30 minutes rather than exactly 30.
type SessionStore struct {
	DB *store.DB
	// IdleTimeout is the manager's idle timeout. The store works out the
	// idle expiry itself, from store.Now, so that deciding whether a write
	// can be skipped and deciding whether a session has expired use one
	// clock (the one tests can pin).
	IdleTimeout time.Duration
}

// SessionWriteEvery is how far a session's expiry must move on before an
// otherwise unchanged session is written again.
const SessionWriteEvery = time.Minute

// sessionCodec is how scs encodes session data: the manager's default.
var sessionCodec scs.Codec = scs.GobCodec{}

// foundSession is the session as Find read it, kept for the request so
// Commit can tell whether anything changed without reading it again.
type foundSession struct {
	token  string
	data   []byte
	expiry time.Time
}

type foundKey struct{}

// WithSessionMemo prepares a request's context for the store to remember
// the session it found. Put it in front of the session manager's
// middleware; without it every commit is written.
func WithSessionMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, foundKey{}, &foundSession{})
}

// Find returns the session data for a token, if it exists and has not
// expired.
func (s SessionStore) Find(token string) ([]byte, bool, error) { return s.FindCtx(bg(), token) }

// FindCtx is Find, remembering what it found in the request's memo.
func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	var expiry time.Time
	err := s.DB.Read().QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE token = $1 AND expiry > $2`,
		token, store.Now()).Scan(&data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if m, ok := ctx.Value(foundKey{}).(*foundSession); ok {
		*m = foundSession{token: token, data: data, expiry: expiry.UTC()}
	}
	return data, true, nil
}

// Commit saves session data.
func (s SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(bg(), token, data, expiry)
}

// CommitCtx saves session data, unless it is the session found for this
// request, unchanged, and its expiry would move on by less than
// SessionWriteEvery.
func (s SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	// Data the codec cannot read is written as given, with scs's expiry.
	if deadline, values, err := sessionCodec.Decode(data); err == nil {
		expiry = deadline
		if idle := store.Now().Add(s.IdleTimeout); s.IdleTimeout > 0 && idle.Before(expiry) {
			expiry = idle
		}
		// Outside a request (the command line, tests) nothing was found
		// first, so the session is written.
		if m, ok := ctx.Value(foundKey{}).(*foundSession); ok && m.token == token {
			moved := expiry.Sub(m.expiry)
			if moved >= 0 && moved < SessionWriteEvery && sameSession(m.data, deadline, values) {
				return nil
			}
		}
	}
	// The response is on its way: a client that has gone must not undo it.
	ctx = context.WithoutCancel(ctx)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			token, data, expiry.UTC().Truncate(time.Microsecond))
		return err
	})
}

// sameSession compares decoded sessions, not bytes: gob writes a map's
// entries in no fixed order, so equal sessions can encode differently.
func sameSession(old []byte, deadline time.Time, values map[string]any) bool {
	d, v, err := sessionCodec.Decode(old)
	return err == nil && d.Equal(deadline) && reflect.DeepEqual(v, values)
}

// Delete removes a session.
func (s SessionStore) Delete(token string) error { return s.DeleteCtx(bg(), token) }

// DeleteCtx removes a session.
func (s SessionStore) DeleteCtx(ctx context.Context, token string) error {
	ctx = context.WithoutCancel(ctx) // signing out must finish once begun
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
		return err
	})
}

// bg is the context for the session store's calls without one.
func bg() context.Context { return context.Background() }
