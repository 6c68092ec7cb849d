package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/i18n"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

func init() {
	register("users", "manage accounts: users create | set-password | token | reset-two-factor", runUsers)
}

// stdin is where passwords are read from; tests replace it.
var stdin io.Reader = os.Stdin

func runUsers(args []string, stdout, stderr io.Writer) int {
	sub := map[string]func([]string, io.Writer, io.Writer) int{
		"create": usersCreate, "set-password": usersSetPassword, "token": usersToken, "reset-two-factor": usersResetTwoFactor,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		fmt.Fprintln(stderr, "Usage: whatmatters users create|set-password|token|reset-two-factor [options]; add -h to a subcommand for its options")
		return 2
	}
	return sub[args[0]](args[1:], stdout, stderr)
}

// readPassword takes the password from the first line of standard input
// (so it never appears in the process list or shell history), or from
// WHATMATTERS_PASSWORD / WHATMATTERS_PASSWORD_FILE.
func readPassword(fromStdin bool) (string, error) {
	if !fromStdin {
		return env("PASSWORD", ""), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func usersCreate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("users create", stderr)
	var d dbFlags
	d.register(fs)
	email := fs.String("email", "", "email address, used to sign in (required)")
	name := fs.String("name", "", "the person's name as others see it (required)")
	role := fs.String("role", "", "one of: admin, manager, practitioner, care_home_staff, nhs_clinician, planner, circle_member, person, dpo (required)")
	orgName := fs.String("organisation", "", "the organisation's name (required)")
	orgKind := fs.String("organisation-kind", "", "create the organisation if it does not exist, of this kind: council, nhs_trust, gp_practice, care_home, voluntary_group, other")
	teamName := fs.String("team", "", "the team within the organisation; created if it does not exist")
	personID := fs.String("person-id", "", "for --role person: the id of the person whose record this account reads")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (otherwise WHATMATTERS_PASSWORD[_FILE]; without one the account cannot sign in until set-password)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	password, err := readPassword(*pwStdin)
	if err != nil {
		return fail(stderr, "reading the password: %v", err)
	}
	ctx := context.Background()
	db, err := d.open(ctx)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	org, err := findOrCreateOrganisation(ctx, db, *orgName, *orgKind)
	if err != nil {
		return fieldFail(stderr, err, "organisation")
	}
	a := &account.Account{OrganisationID: org.ID, Email: *email, DisplayName: *name, Role: account.Role(*role), PersonID: *personID}
	if *teamName != "" {
		t, err := findOrCreateTeam(ctx, db, org.ID, *teamName)
		if err != nil {
			return fieldFail(stderr, err, "team")
		}
		a.TeamID = t.ID
	}
	if err := account.CreateAccount(ctx, db, audit.System, a, password); err != nil {
		return fieldFail(stderr, err, "")
	}
	fmt.Fprintf(stdout, "created account %s for %s (%s, %s)\n", a.ID, a.Email, a.Role, org.Name)
	return 0
}

// fieldFail prints a validation problem with the flag it came from.
func fieldFail(stderr io.Writer, err error, field string) int {
	var fe *valid.FieldError
	if errors.As(err, &fe) {
		if field == "" {
			field = strings.ReplaceAll(fe.Field, "_", "-")
		}
		fmt.Fprintf(stderr, "whatmatters: --%s: %s\n", field, i18n.T(i18n.English, fe.Code, fe.Args...))
		return 2
	}
	return fail(stderr, "%v", err)
}

func findOrCreateOrganisation(ctx context.Context, db *store.DB, name, kind string) (*account.Organisation, error) {
	org, err := account.OrganisationByName(ctx, db.Read(), name)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return org, err
	}
	if kind == "" {
		return nil, valid.New("organisation", "cli.organisation.unknown", name)
	}
	org = &account.Organisation{Name: name, Kind: account.OrgKind(kind)}
	return org, account.CreateOrganisation(ctx, db, audit.System, org)
}

func findOrCreateTeam(ctx context.Context, db *store.DB, orgID, name string) (*account.Team, error) {
	t, err := account.TeamByName(ctx, db.Read(), orgID, name)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return t, err
	}
	t = &account.Team{OrganisationID: orgID, Name: name}
	return t, account.CreateTeam(ctx, db, audit.System, t)
}

func usersSetPassword(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("users set-password", stderr)
	var d dbFlags
	d.register(fs)
	email := fs.String("email", "", "the account's email address (required)")
	pwStdin := fs.Bool("password-stdin", false, "read the new password from the first line of standard input (otherwise WHATMATTERS_PASSWORD[_FILE])")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	password, err := readPassword(*pwStdin)
	if err != nil {
		return fail(stderr, "reading the password: %v", err)
	}
	ctx := context.Background()
	db, err := d.open(ctx)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	a, err := accountByEmail(ctx, db, *email)
	if err != nil {
		return fieldFail(stderr, err, "email")
	}
	if err := account.SetPassword(ctx, db, audit.System, a.ID, password); err != nil {
		return fieldFail(stderr, err, "password-stdin")
	}
	fmt.Fprintf(stdout, "password changed for %s\n", a.Email)
	return 0
}

// usersResetTwoFactor turns off two-factor sign-in for someone who has
// lost their phone and their recovery codes; if the policy requires it of
// them, they set it up again at their next sign-in.
func usersResetTwoFactor(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("users reset-two-factor", stderr)
	var d dbFlags
	d.register(fs)
	email := fs.String("email", "", "the account's email address (required)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	db, err := d.open(ctx)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	a, err := accountByEmail(ctx, db, *email)
	if err != nil {
		return fieldFail(stderr, err, "email")
	}
	if err := account.TurnOffTwoFactor(ctx, db, audit.System, a.ID); errors.Is(err, store.ErrConflict) {
		fmt.Fprintf(stdout, "%s has no two-factor sign-in to reset\n", a.Email)
		return 0
	} else if err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintf(stdout, "two-factor sign-in reset for %s: they set it up again at their next sign-in if they must use it\n", a.Email)
	return 0
}

func accountByEmail(ctx context.Context, db *store.DB, email string) (*account.Account, error) {
	a, err := account.AccountByEmail(ctx, db.Read(), email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, valid.New("email", "cli.email.unknown", email)
	}
	return a, err
}

// usersToken prints a new personal access token. It is shown this once;
// only its hash is kept.
func usersToken(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("users token", stderr)
	var d dbFlags
	d.register(fs)
	email := fs.String("email", "", "the account's email address (required)")
	name := fs.String("name", "command line", "what the token is for")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	db, err := d.open(ctx)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	a, err := accountByEmail(ctx, db, *email)
	if err != nil {
		return fieldFail(stderr, err, "email")
	}
	_, secret, err := account.CreateToken(ctx, db, audit.System, a.ID, *name)
	if err != nil {
		return fieldFail(stderr, err, "name")
	}
	fmt.Fprintln(stdout, secret)
	return 0
}
