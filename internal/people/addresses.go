package people

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// AddressKind is what an address is to the person.
type AddressKind string

// The kinds of address a person may have.
const (
	AddressHome           AddressKind = "home"
	AddressCareHome       AddressKind = "care_home"
	AddressCorrespondence AddressKind = "correspondence" // where letters go, if not home
	AddressTemporary      AddressKind = "temporary"
)

// AddressKinds are the kinds, in the order a form offers them.
var AddressKinds = []AddressKind{AddressHome, AddressCareHome, AddressCorrespondence, AddressTemporary}

// Address is where a person lives or gets letters, for a time.
type Address struct {
	ID       string      `json:"id"`
	PersonID string      `json:"person_id"`
	Kind     AddressKind `json:"kind"`
	Lines    string      `json:"lines"` // the address above the postcode, one line per line
	Postcode string      `json:"postcode"`
	FromDate valid.Date  `json:"from_date,omitzero"` // YYYY-MM-DD
	ToDate   valid.Date  `json:"to_date,omitzero"`
}

// A UK postcode: outward code, space, inward code (GOV.UK's pattern).
var postcodePattern = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$`)

// NormalisePostcode upper-cases a postcode and puts one space before the
// last three characters, as Royal Mail writes it.
func NormalisePostcode(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) > 3 {
		s = s[:len(s)-3] + " " + s[len(s)-3:]
	}
	return s
}

func (a *Address) normalise() error {
	a.Lines = strings.TrimSpace(a.Lines)
	a.Postcode = NormalisePostcode(a.Postcode)
	var ps valid.Problems
	if !slices.Contains(AddressKinds, a.Kind) {
		ps.Add("kind", "address.kind.required")
	}
	switch {
	case a.Lines == "":
		ps.Add("lines", "address.lines.required")
	case len([]rune(a.Lines)) > MaxAddressLines:
		ps.Add("lines", "address.lines.too_long", MaxAddressLines)
	}
	if a.Postcode != "" && !postcodePattern.MatchString(a.Postcode) {
		ps.Add("postcode", "address.postcode.real")
	}
	if !a.FromDate.IsZero() && !a.ToDate.IsZero() && a.ToDate.Before(a.FromDate) {
		ps.Add("to_date", "address.to_date.before_from")
	}
	return ps.Err()
}

// MaxAddressLines bounds the address above the postcode.
const MaxAddressLines = 500

// Check tidies an address and checks it, without saving: a form whose
// dates could not be read shows the other problems with it.
func (a *Address) Check() error { return a.normalise() }

// AddAddress records an address for a person the subject may see.
func AddAddress(ctx context.Context, db *store.DB, op *access.Opened, a *Address) error {
	if err := op.MayChange(access.PartAddresses); err != nil {
		return err
	}
	if err := a.normalise(); err != nil {
		return err
	}
	a.PersonID = op.PersonID()
	return access.Change(ctx, db, op, access.PartAddresses, func(tx *sql.Tx) (audit.Record, error) {
		return InsertAddress(ctx, tx, a)
	})
}

// InsertAddress writes a checked address (Check) for a.PersonID inside the
// caller's transaction and returns its audit row for the caller to write.
func InsertAddress(ctx context.Context, tx *sql.Tx, a *Address) (audit.Record, error) {
	a.ID = valid.NewID()
	_, err := tx.ExecContext(ctx, `INSERT INTO person_addresses (id, person_id, kind, lines, postcode, from_date, to_date, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, a.ID, a.PersonID, a.Kind, a.Lines, a.Postcode,
		a.FromDate.String(), a.ToDate.String(), store.Now()) // "" for a date not given: the columns are NOT NULL
	if err != nil {
		return audit.Record{}, fmt.Errorf("people: add address: %w", err)
	}
	return audit.Record{Action: "address.add", PersonID: a.PersonID, Target: "address/" + a.ID,
		Details: map[string]any{"after": *a}}, nil
}

// Addresses lists a person's addresses, current ones first.
func Addresses(ctx context.Context, r store.Reader, op *access.Opened) ([]Address, error) {
	if err := op.Reads(access.PartAddresses); err != nil {
		return nil, err
	}
	return addresses(ctx, r, op.PersonID())
}

func addresses(ctx context.Context, r store.Reader, personID string) ([]Address, error) {
	rows, err := r.QueryContext(ctx, `SELECT id, person_id, kind, lines, postcode, from_date, to_date
		FROM person_addresses WHERE person_id = $1 ORDER BY to_date <> '', from_date DESC, created_at`, personID)
	if err != nil {
		return nil, fmt.Errorf("people: addresses: %w", err)
	}
	defer rows.Close()
	var out []Address
	for rows.Next() {
		var a Address
		if err := rows.Scan(&a.ID, &a.PersonID, &a.Kind, &a.Lines, &a.Postcode, &a.FromDate, &a.ToDate); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
