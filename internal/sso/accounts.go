package sso

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Why a single sign-on is refused after the provider said yes. The person
// is told plainly; the audit row says which.
var (
	// ErrNoRule: nobody has said that this person should have an account.
	ErrNoRule = errors.New("sso: no sign-in rule gives this person an account")
	// ErrDisabled: the account linked to this identity is disabled.
	ErrDisabled = errors.New("sso: the account is disabled")
	// ErrEmailElsewhere: an account with this email address exists in
	// another organisation, or is already linked to another identity.
	ErrEmailElsewhere = errors.New("sso: the email address belongs to another account")
)

// Rule gives someone signing in for the first time an account: when the
// claim holds the value, in the organisation with the role and team.
type Rule struct {
	ID             string
	OrganisationID string
	Claim          string // "groups", "email_domain", or another claim the provider sends
	Value          string
	Role           account.Role
	TeamID         string
	TeamName       string // for lists
}

// Claims rules may look at: the common ones, so an admin chooses from a
// list rather than guessing names.
var RuleClaims = []string{"email_domain", "groups", "roles", "department"}

// Roles a rule may give: never admin or DPO (those are given by hand, by
// someone who can be asked why), never person (a person's account is tied
// to their record).
var RuleRoles = []account.Role{account.RolePractitioner, account.RoleManager, account.RoleCareHomeStaff,
	account.RoleNHSClinician, account.RolePlanner}

const maxRuleValue = 200

// AddRule records a rule for the admin's own organisation.
func AddRule(ctx context.Context, db *store.DB, admin account.Subject, r *Rule) error {
	r.Claim, r.Value = strings.TrimSpace(r.Claim), strings.TrimSpace(r.Value)
	if r.Claim == "email_domain" {
		r.Value = strings.ToLower(strings.TrimPrefix(r.Value, "@"))
	}
	var ps valid.Problems
	if !slices.Contains(RuleClaims, r.Claim) {
		ps.Add("claim", "sso.rule.claim")
	}
	if r.Value == "" || len(r.Value) > maxRuleValue {
		ps.Add("value", "sso.rule.value")
	}
	if !slices.Contains(RuleRoles, r.Role) {
		ps.Add("role", "sso.rule.role")
	}
	r.OrganisationID = admin.Account.OrganisationID
	if r.TeamID != "" {
		t, err := account.TeamByID(ctx, db.Read(), r.TeamID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err != nil || t.OrganisationID != r.OrganisationID {
			ps.Add("team", "sso.rule.team")
		}
	}
	if err := ps.Err(); err != nil {
		return err
	}
	r.ID = valid.NewID()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sso_rules (id, organisation_id, claim, value, role, team_id, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, r.ID, r.OrganisationID, r.Claim, r.Value, string(r.Role),
			store.NullIfEmpty(r.TeamID), admin.Account.ID, store.Now()); err != nil {
			return fmt.Errorf("sso: add rule: %w", err)
		}
		return audit.Write(ctx, tx, admin.Actor, audit.Record{Action: "sso.rule.add", Target: "sso_rule/" + r.ID,
			Details: map[string]string{"claim": r.Claim, "value": r.Value, "role": string(r.Role), "team_id": r.TeamID}})
	})
}

// RemoveRule removes one of the admin's organisation's rules. Accounts it
// made stay; it only stops making new ones.
func RemoveRule(ctx context.Context, db *store.DB, admin account.Subject, id string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sso_rules WHERE id = $1 AND organisation_id = $2`, id, admin.Account.OrganisationID)
		if err != nil {
			return fmt.Errorf("sso: remove rule: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return audit.Write(ctx, tx, admin.Actor, audit.Record{Action: "sso.rule.remove", Target: "sso_rule/" + id})
	})
}

// Rules lists an organisation's rules in the order they are tried.
func Rules(ctx context.Context, r store.Reader, orgID string) ([]Rule, error) {
	return rules(ctx, r, `WHERE r.organisation_id = $1`, orgID)
}

func rules(ctx context.Context, r store.Reader, where string, args ...any) ([]Rule, error) {
	rows, err := r.QueryContext(ctx, `SELECT r.id, r.organisation_id, r.claim, r.value, r.role,
		COALESCE(r.team_id, ''), COALESCE(t.name, '')
		FROM sso_rules r LEFT JOIN teams t ON t.id = r.team_id `+where+` ORDER BY r.created_at, r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sso: rules: %w", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var x Rule
		var role string
		if err := rows.Scan(&x.ID, &x.OrganisationID, &x.Claim, &x.Value, &role, &x.TeamID, &x.TeamName); err != nil {
			return nil, err
		}
		x.Role = account.Role(role)
		out = append(out, x)
	}
	return out, rows.Err()
}

// matches reports whether the claims satisfy the rule. Email domains and
// values compare without regard to case; group names exactly as sent.
func (r Rule) matches(c *Claims) bool {
	for _, v := range c.Values(r.Claim) {
		if v == r.Value || (r.Claim == "email_domain" && strings.EqualFold(v, r.Value)) {
			return true
		}
	}
	return false
}

// SignIn finds or makes the account for a checked identity, and audits the
// sign-in either way. An identity already linked signs in to its account;
// otherwise the first matching rule (of any organisation) decides: an
// account of that organisation with the same verified email address is
// linked, or a new one is made with the rule's role and team. Roles and
// teams change afterwards only by an admin, so a change at the provider
// does not silently widen anyone's access.
func SignIn(ctx context.Context, db *store.DB, c *Claims, ip, requestID string) (*account.Account, error) {
	who := audit.Actor{Label: audit.Short(c.Email + " (" + c.Issuer + ")"), IP: ip, RequestID: requestID}
	var out *account.Account
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := linked(ctx, tx, c)
		if err != nil {
			return err
		}
		how := "linked"
		if a == nil {
			if a, how, err = firstSignIn(ctx, tx, who, c); err != nil {
				return err
			}
		}
		if a.Disabled {
			return ErrDisabled
		}
		who.AccountID, who.Label = a.ID, a.Label()
		out = a
		return audit.Write(ctx, tx, who, audit.Record{Action: "signin", Outcome: audit.OK,
			Details: map[string]string{"method": "sso", "issuer": c.Issuer, "account": how}})
	})
	if err != nil && (errors.Is(err, ErrNoRule) || errors.Is(err, ErrDisabled) || errors.Is(err, ErrEmailElsewhere)) {
		_ = audit.WriteAlone(ctx, db, who, audit.Record{Action: "signin", Outcome: audit.Denied,
			Details: map[string]string{"method": "sso", "issuer": c.Issuer, "reason": refusal(err)}})
	}
	return out, err
}

func refusal(err error) string {
	switch {
	case errors.Is(err, ErrNoRule):
		return "no rule"
	case errors.Is(err, ErrDisabled):
		return "disabled"
	}
	return "email belongs to another account"
}

func linked(ctx context.Context, tx *sql.Tx, c *Claims) (*account.Account, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT account_id FROM sso_identities WHERE issuer = $1 AND subject = $2`,
		c.Issuer, c.Subject).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sso: identity: %w", err)
	}
	return account.AccountByID(ctx, tx, id)
}

func firstSignIn(ctx context.Context, tx *sql.Tx, who audit.Actor, c *Claims) (*account.Account, string, error) {
	all, err := rules(ctx, tx, "")
	if err != nil {
		return nil, "", err
	}
	i := slices.IndexFunc(all, func(r Rule) bool { return r.matches(c) })
	if i < 0 {
		return nil, "", ErrNoRule
	}
	rule := all[i]
	how := "made"
	a, err := byVerifiedEmail(ctx, tx, c)
	switch {
	case err != nil:
		return nil, "", err
	case a != nil && a.OrganisationID != rule.OrganisationID:
		return nil, "", ErrEmailElsewhere
	case a != nil:
		how = "matched by email"
	default:
		a = &account.Account{OrganisationID: rule.OrganisationID, TeamID: rule.TeamID, Email: c.Email,
			DisplayName: displayName(c), Role: rule.Role}
		if err := account.CreateAccountTx(ctx, tx, who, a, ""); err != nil {
			if errors.Is(err, valid.New("email", "account.email.taken")) {
				return nil, "", ErrEmailElsewhere
			}
			return nil, "", err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sso_identities (issuer, subject, account_id, created_at) VALUES ($1,$2,$3,$4)`,
		c.Issuer, c.Subject, a.ID, store.Now())
	if err != nil {
		return nil, "", fmt.Errorf("sso: link identity: %w", err)
	}
	return a, how, audit.Write(ctx, tx, who, audit.Record{Action: "sso.link", Target: "account/" + a.ID,
		Details: map[string]string{"issuer": c.Issuer, "rule": rule.ID, "account": how}})
}

// byVerifiedEmail finds an existing account with the identity's email
// address, only if the provider says it verified it and the account is not
// linked to another identity already.
func byVerifiedEmail(ctx context.Context, tx *sql.Tx, c *Claims) (*account.Account, error) {
	if !c.EmailVerified || c.Email == "" {
		return nil, nil
	}
	a, err := account.AccountByEmail(ctx, tx, c.Email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sso_identities WHERE account_id = $1`, a.ID).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, ErrEmailElsewhere
	}
	return a, nil
}

func displayName(c *Claims) string {
	if n := strings.TrimSpace(c.Name); n != "" && len(n) <= 200 {
		return n
	}
	name, _, _ := strings.Cut(c.Email, "@")
	return name
}
