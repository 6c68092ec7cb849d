package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Organisation is a council, NHS trust, GP practice, care home, voluntary
// group or other body whose staff use whatmatters.
type Organisation struct {
	ID      string
	Name    string
	Kind    OrgKind
	ODSCode string // NHS Organisation Data Service code; optional
}

// Team is a group of workers within an organisation.
type Team struct {
	ID             string
	OrganisationID string
	Name           string
}

// Account is someone who signs in.
type Account struct {
	ID             string
	OrganisationID string
	TeamID         string // empty if the account belongs to no team
	Email          string
	DisplayName    string
	Role           Role
	PersonID       string // for RolePerson: the person whose record this is
	Disabled       bool
	passwordHash   string
}

// odsCode: ODS codes are 3 to 10 letters and digits (trusts "RXX", GP
// practices "A12345", sites longer).
var odsCode = regexp.MustCompile(`^[A-Z0-9]{3,10}$`)

// CreateOrganisation records a new organisation.
func CreateOrganisation(ctx context.Context, db *store.DB, who audit.Actor, o *Organisation) error {
	o.Name = strings.TrimSpace(o.Name)
	o.ODSCode = strings.ToUpper(strings.TrimSpace(o.ODSCode))
	switch {
	case o.Name == "":
		return valid.New("name", "organisation.name.required")
	case !o.Kind.Valid():
		return valid.New("kind", "organisation.kind.required")
	case o.ODSCode != "" && !odsCode.MatchString(o.ODSCode):
		return valid.New("ods_code", "organisation.ods_code.format")
	}
	if o.ID == "" {
		o.ID = valid.NewID()
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, name, kind, ods_code, created_at) VALUES ($1,$2,$3,$4,$5)`,
			o.ID, o.Name, string(o.Kind), store.NullIfEmpty(o.ODSCode), store.Now())
		if store.IsUniqueViolation(err) {
			return valid.New("ods_code", "organisation.ods_code.taken")
		}
		if err != nil {
			return fmt.Errorf("access: create organisation: %w", err)
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "organisation.create", Target: "organisation/" + o.ID, Details: o})
	})
}

// CreateTeam records a new team in an organisation.
func CreateTeam(ctx context.Context, db *store.DB, who audit.Actor, t *Team) error {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return valid.New("name", "team.name.required")
	}
	if t.ID == "" {
		t.ID = valid.NewID()
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO teams (id, organisation_id, name, created_at) VALUES ($1,$2,$3,$4)`,
			t.ID, t.OrganisationID, t.Name, store.Now())
		if store.IsUniqueViolation(err) {
			return valid.New("name", "team.name.taken")
		}
		if err != nil {
			return fmt.Errorf("access: create team: %w", err)
		}
		return audit.Write(ctx, tx, who, audit.Record{Action: "team.create", Target: "team/" + t.ID, Details: t})
	})
}

// MaxEmailLength is the longest an email address can be (RFC 5321).
const MaxEmailLength = 254

// NormaliseEmail trims and lower-cases an email address, the form in which
// addresses are stored and compared.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

var emailShape = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// CreateAccount records a new account with the given password (which may be
// empty, for an account that cannot sign in until one is set).
func CreateAccount(ctx context.Context, db *store.DB, who audit.Actor, a *Account, password string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error { return CreateAccountTx(ctx, tx, who, a, password) })
}

// CreateAccountTx is CreateAccount inside the caller's transaction, for a
// change that makes an account and something else together or not at all
// (an invitation).
func CreateAccountTx(ctx context.Context, tx *sql.Tx, who audit.Actor, a *Account, password string) error {
	a.Email = NormaliseEmail(a.Email)
	a.DisplayName = strings.TrimSpace(a.DisplayName)
	if err := validateAccount(a, password); err != nil {
		return err
	}
	if password != "" {
		h, err := HashPassword(password)
		if err != nil {
			return err
		}
		a.passwordHash = h
	}
	return insertAccount(ctx, tx, who, a)
}

func insertAccount(ctx context.Context, tx *sql.Tx, who audit.Actor, a *Account) error {
	if a.ID == "" {
		a.ID = valid.NewID()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts
		(id, organisation_id, team_id, email, display_name, role, person_id, password_hash, disabled, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		a.ID, a.OrganisationID, store.NullIfEmpty(a.TeamID), a.Email, a.DisplayName, string(a.Role),
		store.NullIfEmpty(a.PersonID), a.passwordHash, a.Disabled, store.Now())
	if store.IsUniqueViolation(err) {
		return valid.New("email", "account.email.taken")
	}
	if err != nil {
		return fmt.Errorf("access: create account: %w", err)
	}
	return audit.Write(ctx, tx, who, audit.Record{Action: "account.create", Target: "account/" + a.ID,
		Details: map[string]string{"email": a.Email, "role": string(a.Role), "organisation_id": a.OrganisationID, "team_id": a.TeamID}})
}

func validateAccount(a *Account, password string) error {
	switch {
	case !emailShape.MatchString(a.Email):
		return valid.New("email", "account.email.format")
	case a.DisplayName == "":
		return valid.New("display_name", "account.display_name.required")
	case !a.Role.Valid():
		return valid.New("role", "account.role.required")
	case a.OrganisationID == "":
		return valid.New("organisation", "account.organisation.required")
	case a.Role == RolePerson && a.PersonID == "":
		return valid.New("person", "account.person.required")
	}
	return checkPasswordRules(password, true)
}

func checkPasswordRules(password string, emptyOK bool) error {
	switch {
	case password == "" && emptyOK:
		return nil
	case len([]rune(password)) < MinPasswordLength:
		return valid.New("password", "account.password.too_short", MinPasswordLength)
	case len(password) > MaxPasswordLength:
		return valid.New("password", "account.password.too_long", MaxPasswordLength)
	}
	return nil
}

// SetPassword replaces an account's password.
func SetPassword(ctx context.Context, db *store.DB, who audit.Actor, accountID, password string) error {
	h, err := PasswordHashFor(password)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error { return SetPasswordHashTx(ctx, tx, who, accountID, h) })
}

// PasswordHashFor checks a new password against the rules and hashes it,
// ready for SetPasswordHashTx. Hashing is slow, so it is done before the
// transaction.
func PasswordHashFor(password string) (string, error) {
	if err := checkPasswordRules(password, false); err != nil {
		return "", err
	}
	return HashPassword(password)
}

// SetPasswordHashTx stores a hash from PasswordHashFor inside the caller's
// transaction (an invitation used at the same moment).
func SetPasswordHashTx(ctx context.Context, tx *sql.Tx, who audit.Actor, accountID, hash string) error {
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $1 WHERE id = $2`, hash, accountID)
	if err != nil {
		return fmt.Errorf("access: set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return audit.Write(ctx, tx, who, audit.Record{Action: "account.set_password", Target: "account/" + accountID})
}

const accountColumns = `id, organisation_id, team_id, email, display_name, role, person_id, disabled, password_hash`

func scanAccount(s store.Scanner) (*Account, error) {
	var a Account
	var team, person sql.NullString
	var role string
	err := s.Scan(&a.ID, &a.OrganisationID, &team, &a.Email, &a.DisplayName, &role, &person, &a.Disabled, &a.passwordHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("access: read account: %w", err)
	}
	a.TeamID, a.PersonID, a.Role = team.String, person.String, Role(role)
	return &a, nil
}

// AccountByID loads an account.
func AccountByID(ctx context.Context, r store.Reader, id string) (*Account, error) {
	return scanAccount(r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
}

// AccountByEmail loads an account by its (normalised) email address.
func AccountByEmail(ctx context.Context, r store.Reader, email string) (*Account, error) {
	return scanAccount(r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email = $1`, NormaliseEmail(email)))
}

// OrganisationByID loads an organisation.
func OrganisationByID(ctx context.Context, r store.Reader, id string) (*Organisation, error) {
	var o Organisation
	var kind string
	var ods sql.NullString
	err := r.QueryRowContext(ctx, `SELECT id, name, kind, ods_code FROM organisations WHERE id = $1`, id).
		Scan(&o.ID, &o.Name, &kind, &ods)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("access: read organisation: %w", err)
	}
	o.Kind, o.ODSCode = OrgKind(kind), ods.String
	return &o, nil
}

// TeamByID loads a team.
func TeamByID(ctx context.Context, r store.Reader, id string) (*Team, error) {
	return scanTeam(r.QueryRowContext(ctx, `SELECT id, organisation_id, name FROM teams WHERE id = $1`, id))
}

func scanTeam(s store.Scanner) (*Team, error) {
	var t Team
	err := s.Scan(&t.ID, &t.OrganisationID, &t.Name)
	return store.Found(&t, err, "access: read team")
}

// OrganisationByName finds an organisation by its exact name (used by demo
// seeding and the command line).
func OrganisationByName(ctx context.Context, r store.Reader, name string) (*Organisation, error) {
	var id string
	err := r.QueryRowContext(ctx, `SELECT id FROM organisations WHERE name = $1`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return OrganisationByID(ctx, r, id)
}

// TeamByName finds a team by organisation and exact name.
func TeamByName(ctx context.Context, r store.Reader, orgID, name string) (*Team, error) {
	var id string
	err := r.QueryRowContext(ctx, `SELECT id FROM teams WHERE organisation_id = $1 AND name = $2`, orgID, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return TeamByID(ctx, r, id)
}

// OrganisationsOfKind lists organisations of one kind by name, for forms
// that offer a choice (a person's GP practice).
func OrganisationsOfKind(ctx context.Context, r store.Reader, kind OrgKind) ([]Organisation, error) {
	rows, err := r.QueryContext(ctx, `SELECT id, name, kind, COALESCE(ods_code, '') FROM organisations WHERE kind = $1 ORDER BY name`, string(kind))
	if err != nil {
		return nil, fmt.Errorf("access: organisations: %w", err)
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		var o Organisation
		if err := rows.Scan(&o.ID, &o.Name, &o.Kind, &o.ODSCode); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Teams lists an organisation's teams by name.
func Teams(ctx context.Context, r store.Reader, orgID string) ([]Team, error) {
	out, err := store.Collect(ctx, r, scanTeam, `SELECT id, organisation_id, name FROM teams WHERE organisation_id = $1 ORDER BY name`, orgID)
	if err != nil {
		return nil, fmt.Errorf("account: teams: %w", err)
	}
	return out, nil
}
