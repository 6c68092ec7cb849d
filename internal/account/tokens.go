package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/telemetry"
	"whatmatters/internal/valid"
)

// tokenPrefix marks whatmatters API tokens, so a leaked one is easy to
// recognise and search for.
const tokenPrefix = "wm_"

// Token is a personal access token for the API. Only its SHA-256 hash is
// stored; the token itself is shown once, when it is made.
type Token struct {
	ID         string
	AccountID  string
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a new token for the account and returns it with its
// secret, which cannot be recovered later.
func CreateToken(ctx context.Context, db *store.DB, who audit.Actor, accountID, name string) (*Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, "", valid.New("name", "token.name.required")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", err
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := &Token{ID: valid.NewID(), AccountID: accountID, Name: name, CreatedAt: store.Now()}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, account_id, name, token_hash, created_at) VALUES ($1,$2,$3,$4,$5)`,
			t.ID, t.AccountID, t.Name, hashToken(secret), t.CreatedAt)
		if err != nil {
			return fmt.Errorf("access: create token: %w", err)
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "token.create", Target: "api_token/" + t.ID,
			Details: map[string]string{"account_id": accountID, "name": name}})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// lastUsedResolution is how stale a token's "last used" may be.
const lastUsedResolution = time.Minute

// ErrBadToken is the one answer for a token that is unknown, revoked, or
// belongs to a disabled account.
var ErrBadToken = errors.New("the API token is not valid")

// AccountForToken returns the account a bearer token belongs to.
func AccountForToken(ctx context.Context, db *store.DB, secret string) (*Account, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, ErrBadToken
	}
	var tokenID, accountID string
	var lastUsed sql.NullTime
	err := db.Read().QueryRowContext(ctx, `SELECT id, account_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
		hashToken(secret)).Scan(&tokenID, &accountID, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	a, err := AccountByID(ctx, db.Read(), accountID)
	if err != nil || a.Disabled {
		return nil, ErrBadToken
	}
	// Last use is for the owner's token list, to the minute: noting it at
	// most once a minute keeps a write transaction off every API call. A
	// failure to note it must not refuse the request.
	now := store.Now()
	if !lastUsed.Valid || now.Sub(lastUsed.Time) >= lastUsedResolution {
		_ = db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, tokenID)
			return err
		})
	}
	return a, nil
}

// RevokeToken stops a token working. Only its owner may revoke it.
func RevokeToken(ctx context.Context, db *store.DB, s Subject, tokenID string) error {
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL`,
			store.Now(), tokenID, s.Account.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "token.revoke", Target: "api_token/" + tokenID})
	})
	if errors.Is(err, store.ErrNotFound) {
		// Someone else's token, a revoked one, or none: refused, and the
		// attempt is recorded.
		if aerr := audit.WriteAlone(ctx, db, s.Actor, audit.Record{Action: "token.revoke", Outcome: audit.Denied,
			Target: "api_token/" + audit.Short(strings.ToValidUTF8(tokenID, "?"))}); aerr != nil {
			return aerr
		}
	}
	return err
}

// Tokens lists an account's tokens, newest first.
func Tokens(ctx context.Context, r store.Reader, accountID string) ([]Token, error) {
	rows, err := r.QueryContext(ctx, `SELECT id, account_id, name, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.AccountID, &t.Name, &t.CreatedAt, &used, &revoked); err != nil {
			return nil, err
		}
		t.LastUsedAt, t.RevokedAt = store.NullTime(used), store.NullTime(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Bad tokens are throttled like bad passwords, by client: twenty free,
// then a pause that doubles up to fifteen minutes. Only some failures are
// audited, each with the count so far (the first twenty, then the 32nd,
// 64th, …), so a flood of bad tokens cannot write a row a request.
var badTokenRule = throttleRule{free: 20, maxPause: 15 * time.Minute}

func badTokenKey(ip string) []throttleKey {
	return []throttleKey{{key: "token:" + ip, rule: badTokenRule}}
}

// TokenPause is how long a client must wait before its next token is
// checked, after too many bad ones.
func TokenPause(ctx context.Context, db *store.DB, ip string) (time.Duration, error) {
	return blocked(ctx, db.Read(), badTokenKey(ip))
}

// BadToken counts a bad token from a client and writes the audit row for
// it, when this failure is one that is audited (see badTokenRule).
func BadToken(ctx context.Context, db *store.DB, who audit.Actor) error {
	telemetry.SignInFailed(telemetry.FailAPIToken)
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := recordFailure(ctx, tx, badTokenKey(who.IP)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT failures FROM login_throttle WHERE key = $1`, "token:"+who.IP).Scan(&n); err != nil {
			return err
		}
		if n > badTokenRule.free && n&(n-1) != 0 {
			return nil // counted, not written: the next power of two is
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "api.token", Outcome: audit.Failed,
			Details: map[string]int{"failures_from_client": n}})
	})
}
