package admin

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Organisation is an organisation as its admin sees and edits it.
type Organisation struct {
	ID        string
	Name      string
	Kind      account.OrgKind
	ODSCode   string // NHS Organisation Data Service code, if it has one
	CQCCode   string // Care Quality Commission location id, if it has one
	PartnerOf string // the council that added it, for a partner
	Version   int
}

// MaxName is the longest name of an organisation or team.
const MaxName = 200

// PartnerKinds are the organisations a council may add as partners.
var PartnerKinds = []account.OrgKind{account.OrgCareHome, account.OrgHomeCareAgency, account.OrgGPPractice,
	account.OrgNHSCommunity, account.OrgNHSTrust, account.OrgVoluntaryGroup}

var (
	// ODS codes are 3 to 6 letters and digits: "RXX" for a trust, "A12345"
	// for a GP practice.
	odsCode = regexp.MustCompile(`^[A-Z0-9]{3,6}$`)
	// CQC location ids are "1-" and nine to eleven digits: 1-123456789.
	cqcCode = regexp.MustCompile(`^1-[0-9]{9,11}$`)
)

const orgColumns = `id, name, kind, COALESCE(ods_code, ''), COALESCE(cqc_code, ''), COALESCE(partner_of, ''), version`

func scanOrg(s store.Scanner) (*Organisation, error) {
	var o Organisation
	err := s.Scan(&o.ID, &o.Name, &o.Kind, &o.ODSCode, &o.CQCCode, &o.PartnerOf, &o.Version)
	return store.Found(&o, err, "admin: read organisation")
}

func organisationByID(ctx context.Context, r store.Reader, id string) (*Organisation, error) {
	if !valid.IsID(id) {
		return nil, store.ErrNotFound
	}
	return scanOrg(r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, id))
}

// checkName checks an organisation's or team's name, already trimmed:
// missing is the problem with no name at all.
func checkName(ps *valid.Problems, name string, missing *valid.FieldError) {
	switch {
	case name == "":
		*ps = append(*ps, missing)
	case len([]rune(name)) > MaxName:
		ps.Add("name", "admin.name.too_long", MaxName)
	}
}

// normalise tidies what was typed and lists every problem with it.
func (o *Organisation) normalise(kinds []account.OrgKind) error {
	o.Name = strings.TrimSpace(o.Name)
	o.ODSCode = strings.ToUpper(strings.TrimSpace(o.ODSCode))
	o.CQCCode = strings.TrimSpace(o.CQCCode)
	var ps valid.Problems
	checkName(&ps, o.Name, valid.New("name", "organisation.name.required"))
	if !slices.Contains(kinds, o.Kind) {
		ps.Add("kind", "organisation.kind.required")
	}
	if o.ODSCode != "" && !odsCode.MatchString(o.ODSCode) {
		ps.Add("ods_code", "admin.ods_code.format")
	}
	if o.CQCCode != "" && !cqcCode.MatchString(o.CQCCode) {
		ps.Add("cqc_code", "admin.cqc_code.format")
	}
	return ps.Err()
}

// codeTaken turns a unique-violation into the field it is about.
func codeTaken(err error, o *Organisation) error {
	if !store.IsUniqueViolation(err) {
		return err
	}
	msg := err.Error()
	switch {
	case o.CQCCode != "" && strings.Contains(msg, "cqc"):
		return valid.Problems{valid.New("cqc_code", "admin.cqc_code.taken")}
	case o.ODSCode != "":
		return valid.Problems{valid.New("ods_code", "organisation.ods_code.taken")}
	}
	return valid.Problems{valid.New("cqc_code", "admin.cqc_code.taken")}
}

// UpdateOrganisation saves an organisation's details. o.Version is the
// version the admin started from: if another admin saved first, nothing
// changes and the answer is store.ErrConflict.
func UpdateOrganisation(ctx context.Context, db *store.DB, s account.Subject, o *Organisation) error {
	before, err := Administers(ctx, db.Read(), s, o.ID)
	if err != nil {
		return err
	}
	kinds := account.OrgKinds
	if before.Kind == account.OrgCouncil || before.PartnerOf != "" {
		// A council stays a council, and a partner is never made one: a
		// council is what may add partners.
		kinds = []account.OrgKind{before.Kind}
		if before.PartnerOf != "" {
			kinds = PartnerKinds
		}
	}
	if err := o.normalise(kinds); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		err := store.ExecOne(ctx, tx, `UPDATE organisations SET name = $1, kind = $2, ods_code = $3, cqc_code = $4,
			version = version + 1 WHERE id = $5 AND version = $6`,
			o.Name, string(o.Kind), store.NullIfEmpty(o.ODSCode), store.NullIfEmpty(o.CQCCode), o.ID, o.Version)
		if err != nil {
			return codeTaken(err, o)
		}
		o.PartnerOf, o.Version = before.PartnerOf, o.Version+1
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "organisation.update", Target: "organisation/" + o.ID,
			Details: map[string]any{"before": before, "after": o}})
	})
}

// AddPartner records an organisation a council works with. Only a
// council's admin may add one; the council then administers it.
func AddPartner(ctx context.Context, db *store.DB, s account.Subject, o *Organisation) error {
	own, err := Administers(ctx, db.Read(), s, s.Account.OrganisationID)
	if err != nil {
		return err
	}
	if own.Kind != account.OrgCouncil {
		return store.ErrNotFound
	}
	if err := o.normalise(PartnerKinds); err != nil {
		return err
	}
	o.ID, o.PartnerOf, o.Version = valid.NewID(), own.ID, 1
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, name, kind, ods_code, cqc_code, partner_of, version, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,1,$7)`,
			o.ID, o.Name, string(o.Kind), store.NullIfEmpty(o.ODSCode), store.NullIfEmpty(o.CQCCode), o.PartnerOf, store.Now())
		if err != nil {
			return codeTaken(err, o)
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "organisation.create", Target: "organisation/" + o.ID, Details: o})
	})
}
