package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// InviteLifetime is how long an invitation can be used.
const InviteLifetime = 7 * 24 * time.Hour

// codeAlphabet is Crockford's base 32: no I, L, O or U, so a printed code
// cannot be misread; codeLength characters carry 100 random bits.
const (
	codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeLength   = 20
)

// Invitation is an invitation just made: the code is shown to the admin
// once, to send or print; only its hash is kept.
type Invitation struct {
	ID        string
	AccountID string
	Code      string
	ExpiresAt time.Time
}

// Grouped is the code in fives, for reading out or printing.
func (i Invitation) Grouped() string { return GroupCode(i.Code) }

// GroupCode writes a code in groups of five: ABCDE-FGHJK-….
func GroupCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormaliseCode reads a code as typed: any case, with or without dashes
// and spaces, O read as 0 and I or L as 1 (Crockford's rule).
func NormaliseCode(s string) string {
	if len(s) > 4*codeLength {
		return ""
	}
	s = strings.ToUpper(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == ' ':
		case r == 'O':
			b.WriteByte('0')
		case r == 'I' || r == 'L':
			b.WriteByte('1')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func newCode() (string, error) {
	raw := make([]byte, codeLength)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	for i, c := range raw {
		raw[i] = codeAlphabet[c&31] // 256 is a multiple of 32: no bias
	}
	return string(raw), nil
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// NewMember is who an admin invites.
type NewMember struct {
	OrganisationID string
	Name           string
	Email          string
	Role           account.Role
	TeamID         string
}

// Invite makes an account for someone (it cannot be signed in to yet) and
// an invitation with which they set its password, together or not at all.
func Invite(ctx context.Context, db *store.DB, s account.Subject, n NewMember, now time.Time) (*Invitation, error) {
	if _, err := Administers(ctx, db.Read(), s, n.OrganisationID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, valid.Problems{valid.New("organisation", "account.organisation.required")}
		}
		return nil, err
	}
	ps := checkRoleTeam(ctx, db.Read(), s, n.OrganisationID, n.Role, n.TeamID)
	if len(n.Email) > account.MaxEmailLength {
		ps.Add("email", "account.email.too_long", account.MaxEmailLength)
	}
	if len([]rune(n.Name)) > MaxName {
		ps.Add("name", "admin.name.too_long", MaxName)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	a := &account.Account{OrganisationID: n.OrganisationID, TeamID: n.TeamID, Email: n.Email, DisplayName: n.Name, Role: n.Role}
	var inv *Invitation
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := account.CreateAccountTx(ctx, tx, s.Actor, a, ""); err != nil {
			return err
		}
		var err error
		inv, err = invite(ctx, tx, s, a.ID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Reinvite makes a new invitation for an account whose password has not
// been set (the first was lost or ran out); any earlier one stops working.
// seen is how many invitations the admin saw it had been sent: if another
// admin sent one meanwhile, theirs is not withdrawn unseen and the answer
// is store.ErrConflict.
func Reinvite(ctx context.Context, db *store.DB, s account.Subject, accountID string, seen int, now time.Time) (*Invitation, error) {
	m, err := MemberByID(ctx, db.Read(), s, accountID)
	if err != nil {
		return nil, err
	}
	if m.HasPassword || m.Disabled {
		return nil, valid.Problems{valid.New("invite", "admin.invite.not_needed")}
	}
	var inv *Invitation
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		// Touching the account's row first makes a second admin wait here
		// until the first has finished, and then count their invitation.
		if err := store.ExecOne(ctx, tx, `UPDATE accounts SET disabled = disabled WHERE id = $1`, m.ID); err != nil {
			return err
		}
		var sent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE account_id = $1`, m.ID).Scan(&sent); err != nil {
			return fmt.Errorf("admin: count invitations: %w", err)
		}
		if sent != seen {
			return store.ErrConflict
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET withdrawn_at = $1
			WHERE account_id = $2 AND used_at IS NULL AND withdrawn_at IS NULL`, now.UTC(), m.ID); err != nil {
			return fmt.Errorf("admin: withdraw invitations: %w", err)
		}
		inv, err = invite(ctx, tx, s, m.ID, now)
		return err
	})
	return inv, err
}

func invite(ctx context.Context, tx *sql.Tx, s account.Subject, accountID string, now time.Time) (*Invitation, error) {
	code, err := newCode()
	if err != nil {
		return nil, err
	}
	inv := &Invitation{ID: valid.NewID(), AccountID: accountID, Code: code, ExpiresAt: now.UTC().Add(InviteLifetime).Truncate(time.Microsecond)}
	_, err = tx.ExecContext(ctx, `INSERT INTO invitations (id, account_id, code_hash, created_by, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, inv.ID, accountID, hashCode(code), s.Account.ID, now.UTC().Truncate(time.Microsecond), inv.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("admin: invitation: %w", err)
	}
	return inv, audit.Write(ctx, tx, s.Actor, audit.Record{Action: "invitation.create", Target: "account/" + accountID,
		Details: map[string]string{"invitation_id": inv.ID, "expires_at": inv.ExpiresAt.Format(time.RFC3339)}})
}

// Why an invitation cannot be used: each is said plainly to the person
// holding it.
var (
	ErrInviteUsed      = errors.New("admin: invitation already used")
	ErrInviteExpired   = errors.New("admin: invitation expired")
	ErrInviteWithdrawn = errors.New("admin: invitation replaced or account disabled")
)

// Invited is what the invitation page shows its holder.
type Invited struct {
	InvitationID string
	AccountID    string
	Name, Email  string
	Organisation string
	ExpiresAt    time.Time
}

// LookUpInvitation finds an invitation by its code and says whether it can
// still be used: store.ErrNotFound for a code that is no one's, or one of
// the ErrInvite errors.
func LookUpInvitation(ctx context.Context, r store.Reader, code string, now time.Time) (*Invited, error) {
	code = NormaliseCode(code)
	if len(code) != codeLength {
		return nil, store.ErrNotFound
	}
	var in Invited
	var used, withdrawn sql.NullTime
	var disabled bool
	err := r.QueryRowContext(ctx, `SELECT i.id, i.account_id, a.display_name, a.email, o.name, i.expires_at, i.used_at,
		i.withdrawn_at, a.disabled FROM invitations i JOIN accounts a ON a.id = i.account_id
		JOIN organisations o ON o.id = a.organisation_id WHERE i.code_hash = $1`, hashCode(code)).
		Scan(&in.InvitationID, &in.AccountID, &in.Name, &in.Email, &in.Organisation, &in.ExpiresAt, &used, &withdrawn, &disabled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, store.ErrNotFound
	case err != nil:
		return nil, fmt.Errorf("admin: invitation: %w", err)
	case used.Valid:
		return &in, ErrInviteUsed
	case withdrawn.Valid || disabled:
		return &in, ErrInviteWithdrawn
	case !now.Before(in.ExpiresAt):
		return &in, ErrInviteExpired
	}
	return &in, nil
}

// AcceptInvitation sets the invited account's password and uses the
// invitation up, together: a code works once. A refused attempt on a
// known invitation is audited.
func AcceptInvitation(ctx context.Context, db *store.DB, code, password, confirm, ip, requestID string, now time.Time) (*Invited, error) {
	in, err := LookUpInvitation(ctx, db.Read(), code, now)
	if errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	who := audit.Actor{IP: ip, RequestID: requestID}
	if in != nil {
		who.AccountID, who.Label = in.AccountID, in.Name+" <"+in.Email+">"
	}
	if err != nil {
		return in, refuseInvitation(ctx, db, who, in, err)
	}
	var ps valid.Problems
	hash, perr := account.PasswordHashFor(password)
	if fe, ok := valid.From(perr); ok {
		ps = append(ps, fe...)
	} else if perr != nil {
		return in, perr
	}
	if password != confirm {
		ps.Add("confirm", "admin.invite.confirm.different")
	}
	if len(ps) > 0 {
		return in, ps
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		// Only an unused, unexpired invitation is taken: two people using
		// one code at once cannot both succeed.
		err := store.ExecOne(ctx, tx, `UPDATE invitations SET used_at = $1
			WHERE id = $2 AND used_at IS NULL AND withdrawn_at IS NULL AND expires_at > $1`, now.UTC(), in.InvitationID)
		if errors.Is(err, store.ErrConflict) {
			return ErrInviteUsed
		}
		if err != nil {
			return err
		}
		if err := account.SetPasswordHashTx(ctx, tx, who, in.AccountID, hash); err != nil {
			return err
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "invitation.use", Target: "account/" + in.AccountID,
			Details: map[string]string{"invitation_id": in.InvitationID}})
	})
	if errors.Is(err, ErrInviteUsed) {
		return in, refuseInvitation(ctx, db, who, in, err)
	}
	return in, err
}

func refuseInvitation(ctx context.Context, db *store.DB, who audit.Actor, in *Invited, why error) error {
	reason := "withdrawn"
	switch why {
	case ErrInviteUsed:
		reason = "used"
	case ErrInviteExpired:
		reason = "expired"
	}
	if err := audit.WriteAlone(ctx, db, who, audit.Record{Action: "invitation.use", Outcome: audit.Denied,
		Target: "account/" + in.AccountID, Details: map[string]string{"invitation_id": in.InvitationID, "reason": reason}}); err != nil {
		return err
	}
	return why
}

// PendingInvitation is when an account's open invitation runs out, if it
// has one that can still be used.
func PendingInvitation(ctx context.Context, r store.Reader, s account.Subject, accountID string, now time.Time) (*time.Time, error) {
	if _, err := MemberByID(ctx, r, s, accountID); err != nil {
		return nil, err
	}
	var at time.Time
	err := r.QueryRowContext(ctx, `SELECT expires_at FROM invitations WHERE account_id = $1 AND used_at IS NULL
		AND withdrawn_at IS NULL AND expires_at > $2 ORDER BY expires_at DESC LIMIT 1`, accountID, now.UTC()).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &at, nil
}
