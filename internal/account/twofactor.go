package account

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/telemetry"
	"whatmatters/internal/valid"
)

// Two-factor sign-in: after the password, a six-digit code from an
// authenticator app (TOTP, RFC 6238: HMAC-SHA1 over 30-second steps, the
// parameters every authenticator app uses), or one of ten single-use
// recovery codes.

// TOTP parameters.
const (
	totpStep   = 30 * time.Second
	totpDigits = 6
	// totpSkew is how many steps either side of now a code may be from:
	// one, so a phone's clock 30 seconds out still works.
	totpSkew = 1
	// RecoveryCodes is how many recovery codes an account is given.
	RecoveryCodes = 10
)

// TwoFactorPolicy says who must use two-factor sign-in.
type TwoFactorPolicy string

const (
	TwoFactorAdmins   TwoFactorPolicy = "admins"   // admins must; anyone else may (the default)
	TwoFactorEveryone TwoFactorPolicy = "everyone" // every account with a password must
)

// Requires reports whether the policy requires two-factor sign-in of a.
func (p TwoFactorPolicy) Requires(a *Account) bool {
	if p == TwoFactorEveryone {
		return true
	}
	return a.Role == RoleAdmin
}

// Valid reports whether p is a known policy ("" is the default, admins).
func (p TwoFactorPolicy) Valid() bool {
	return p == "" || p == TwoFactorAdmins || p == TwoFactorEveryone
}

// totpCode is the code for one step (RFC 4226's HOTP with the step as
// the counter), as six digits.
func totpCode(secret []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac := hmac.New(sha1.New, secret)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, n%1_000_000)
}

func stepAt(t time.Time) int64 { return t.Unix() / int64(totpStep/time.Second) }

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// newSecret is 20 random bytes (160 bits, RFC 4226's recommended length).
func newSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return b32.EncodeToString(b)
}

// TwoFactor is an account's two-factor set-up.
type TwoFactor struct {
	Secret    string // base32, as an authenticator app takes it
	Enabled   bool
	Remaining int // recovery codes not yet used
}

// GroupedSecret is the secret in groups of four, easier to type.
func (t *TwoFactor) GroupedSecret() string {
	var parts []string
	for s := t.Secret; len(s) > 0; {
		n := min(4, len(s))
		parts = append(parts, s[:n])
		s = s[n:]
	}
	return strings.Join(parts, " ")
}

// URI is the otpauth address an authenticator app reads from a QR code.
func (t *TwoFactor) URI(a *Account, issuer string) string {
	label := url.PathEscape(issuer + ":" + a.Email)
	q := url.Values{"secret": {t.Secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// GetTwoFactor returns the account's two-factor set-up, or nil if it has
// none (not even one being set up).
func GetTwoFactor(ctx context.Context, r store.Reader, accountID string) (*TwoFactor, error) {
	t := &TwoFactor{}
	var enabled sql.NullTime
	err := r.QueryRowContext(ctx, `SELECT secret, enabled_at FROM two_factor WHERE account_id = $1`, accountID).Scan(&t.Secret, &enabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("account: two-factor: %w", err)
	}
	t.Enabled = enabled.Valid
	if err := r.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL`, accountID).
		Scan(&t.Remaining); err != nil {
		return nil, fmt.Errorf("account: recovery codes: %w", err)
	}
	return t, nil
}

// StartTwoFactor makes a new secret for the account to set up, replacing
// one being set up; an account that has two-factor on keeps its own
// until the new one is confirmed (ConfirmTwoFactor).
func StartTwoFactor(ctx context.Context, db *store.DB, who audit.Actor, a *Account) (*TwoFactor, error) {
	t := &TwoFactor{Secret: newSecret()}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var enabled sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT enabled_at FROM two_factor WHERE account_id = $1`, a.ID).Scan(&enabled)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO two_factor (account_id, secret, created_at) VALUES ($1, $2, $3)`,
				a.ID, t.Secret, store.Now())
		case err != nil:
		case enabled.Valid:
			return ErrTwoFactorOn
		default:
			_, err = tx.ExecContext(ctx, `UPDATE two_factor SET secret = $1, created_at = $2 WHERE account_id = $3`,
				t.Secret, store.Now(), a.ID)
		}
		if err != nil {
			return fmt.Errorf("account: start two-factor: %w", err)
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "two_factor.start", Target: "account/" + a.ID})
	})
	return t, err
}

// ErrTwoFactorOn is returned when setting up two-factor sign-in for an
// account that already has it: turn it off first.
var ErrTwoFactorOn = errors.New("two-factor sign-in is already on")

// ConfirmTwoFactor turns two-factor sign-in on once the account has shown
// a code from its app, and returns its recovery codes: the only time they
// are shown. A wrong code is a problem with the field code.
func ConfirmTwoFactor(ctx context.Context, db *store.DB, who audit.Actor, a *Account, code string) ([]string, error) {
	var codes []string
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var secret string
		var last int64
		var enabled sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT secret, last_step, enabled_at FROM two_factor WHERE account_id = $1`, a.ID).
			Scan(&secret, &last, &enabled)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if enabled.Valid {
			return ErrTwoFactorOn
		}
		step, ok := matchTOTP(secret, code, last, store.Now())
		if !ok {
			return valid.New("code", "twofactor.code.wrong")
		}
		if err := store.ExecOne(ctx, tx, `UPDATE two_factor SET enabled_at = $1, last_step = $2 WHERE account_id = $3 AND enabled_at IS NULL`,
			store.Now(), step, a.ID); err != nil {
			return err
		}
		if codes, err = newRecoveryCodes(ctx, tx, a.ID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "two_factor.on", Target: "account/" + a.ID})
	})
	return codes, err
}

// NewRecoveryCodes replaces the account's recovery codes with new ones,
// which are returned to be shown once.
func NewRecoveryCodes(ctx context.Context, db *store.DB, who audit.Actor, a *Account) ([]string, error) {
	var codes []string
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if codes, err = newRecoveryCodes(ctx, tx, a.ID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "two_factor.recovery_codes", Target: "account/" + a.ID})
	})
	return codes, err
}

func newRecoveryCodes(ctx context.Context, tx *sql.Tx, accountID string) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE account_id = $1`, accountID); err != nil {
		return nil, fmt.Errorf("account: recovery codes: %w", err)
	}
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 5)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		c := strings.ToLower(b32.EncodeToString(b)) // 8 characters, 40 bits
		codes[i] = c[:4] + "-" + c[4:]
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (id, account_id, code_hash, created_at) VALUES ($1, $2, $3, $4)`,
			valid.NewID(), accountID, hashRecovery(codes[i]), store.Now()); err != nil {
			return nil, fmt.Errorf("account: recovery codes: %w", err)
		}
	}
	return codes, nil
}

// hashRecovery hashes a recovery code as typed, ignoring case, spaces and
// the dash.
func hashRecovery(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	sum := sha256.Sum256([]byte("whatmatters recovery code\x00" + c))
	return hex.EncodeToString(sum[:])
}

// TurnOffTwoFactor removes the account's two-factor set-up and recovery
// codes. Callers check the policy allows it.
func TurnOffTwoFactor(ctx context.Context, db *store.DB, who audit.Actor, accountID string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE account_id = $1`, accountID); err != nil {
			return err
		}
		if err := store.ExecOne(ctx, tx, `DELETE FROM two_factor WHERE account_id = $1`, accountID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "two_factor.off", Target: "account/" + accountID})
	})
}

// matchTOTP finds the step within the skew whose code is code, later than
// last (a code is accepted once).
func matchTOTP(secret, code string, last int64, now time.Time) (int64, bool) {
	key, err := b32.DecodeString(secret)
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if err != nil || len(code) != totpDigits {
		return 0, false
	}
	now0 := stepAt(now)
	for s := now0 - totpSkew; s <= now0+totpSkew; s++ {
		if s > last && hmac.Equal([]byte(totpCode(key, s)), []byte(code)) {
			return s, true
		}
	}
	return 0, false
}

// SecondFactor checks the code an account gave after its password: a code
// from its app, or a recovery code (used up). Guesses are throttled per
// account like passwords; each attempt is audited. A wrong code is
// ErrBadCode; too many, a *ThrottledError.
func SecondFactor(ctx context.Context, db *store.DB, who audit.Actor, a *Account, code string) error {
	keys := []throttleKey{{"code:" + a.ID, throttleRule{5, 15 * time.Minute}}}
	if wait, err := blocked(ctx, db.Read(), keys); err != nil {
		return err
	} else if wait > 0 {
		telemetry.SignInFailed(telemetry.FailThrottled)
		_ = audit.WriteAlone(ctx, db, who, audit.Record{Action: "signin.second_factor", Outcome: audit.Denied,
			Target: "account/" + a.ID, Details: map[string]string{"reason": "throttled"}})
		return &ThrottledError{Wait: wait}
	}
	if len(code) > 64 {
		code = code[:64]
	}
	var how string
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var secret string
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT secret, last_step FROM two_factor WHERE account_id = $1 AND enabled_at IS NOT NULL`, a.ID).
			Scan(&secret, &last)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBadCode // two-factor is not on: no code is right
		}
		if err != nil {
			return fmt.Errorf("account: second factor: %w", err)
		}
		if step, ok := matchTOTP(secret, code, last, store.Now()); ok {
			how = "app"
			// The step only moves forward: a code raced in twice wins once.
			return store.ExecOne(ctx, tx, `UPDATE two_factor SET last_step = $1 WHERE account_id = $2 AND last_step < $1`, step, a.ID)
		}
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL`,
			store.Now(), a.ID, hashRecovery(code))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			how = "recovery_code"
			return nil
		}
		return ErrBadCode
	})
	if errors.Is(err, store.ErrConflict) {
		err = ErrBadCode
	}
	if errors.Is(err, ErrBadCode) {
		telemetry.SignInFailed(telemetry.FailSecondFactor)
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if err := recordFailure(ctx, tx, keys); err != nil {
				return err
			}
			return audit.Write(ctx, tx, who, audit.Record{Action: "signin.second_factor", Outcome: audit.Failed, Target: "account/" + a.ID})
		})
		if err != nil {
			return err
		}
		return ErrBadCode
	}
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := clearFailures(ctx, tx, keys); err != nil {
			return err
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "signin.second_factor", Target: "account/" + a.ID,
			Details: map[string]string{"with": how}})
	})
}

// ErrBadCode is a second-factor code that is not right (or already used).
var ErrBadCode = errors.New("the code is not right")
