package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/telemetry"
)

// ErrBadCredentials is the one answer for an unknown email address, a wrong
// password and a disabled account, so that sign-in reveals nothing.
var ErrBadCredentials = errors.New("the email address or password is not right")

// ThrottledError says sign-in is paused for this address or client.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many attempts: try again in %s", e.Wait.Round(time.Second))
}

// SignIn checks an email address and password, throttles guessing, and
// audits the attempt either way. ip is the client's address.
func SignIn(ctx context.Context, db *store.DB, email, password, ip, requestID string) (*Account, error) {
	email = NormaliseEmail(email)
	// No email address is longer than 254 characters (RFC 5321). A longer
	// one cannot be anyone's: it is counted against the client under a
	// fixed name and audited cut short, so a flood of huge fields cannot
	// fill the disk.
	if len(email) > MaxEmailLength {
		email = "(too long)"
	}
	who := audit.Actor{Label: audit.Short(email), IP: ip, RequestID: requestID}
	keys := throttleKeys(email, ip)
	if wait, err := blocked(ctx, db.Read(), keys); err != nil {
		return nil, err
	} else if wait > 0 {
		telemetry.SignInFailed(telemetry.FailThrottled)
		_ = audit.WriteAlone(ctx, db, who, audit.Record{Action: "signin", Outcome: audit.Denied,
			Details: map[string]string{"reason": "throttled"}})
		return nil, &ThrottledError{Wait: wait}
	}
	if len(password) > MaxPasswordLength {
		password = password[:MaxPasswordLength+1] // still checked, and still wrong
	}
	a, err := AccountByEmail(ctx, db.Read(), email)
	hash := dummyHash()
	switch {
	case errors.Is(err, store.ErrNotFound):
		a = nil
	case err != nil:
		return nil, err
	case a.passwordHash != "":
		hash = a.passwordHash
	}
	ok, err := CheckPassword(password, hash)
	if err != nil {
		return nil, err
	}
	if a == nil || !ok || a.Disabled || a.passwordHash == "" {
		telemetry.SignInFailed(telemetry.FailPassword)
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if err := recordFailure(ctx, tx, keys); err != nil {
				return err
			}
			return audit.Write(ctx, tx, who, audit.Record{Action: "signin", Outcome: audit.Failed})
		})
		if err != nil {
			return nil, err
		}
		return nil, ErrBadCredentials
	}
	who.AccountID, who.Label = a.ID, a.Label()
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if err := clearFailures(ctx, tx, keys[:1]); err != nil { // the email+client pair only
			return err
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "signin", Outcome: audit.OK})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Label is how an account is named in the audit trail.
func (a *Account) Label() string { return a.DisplayName + " <" + a.Email + ">" }
