// Package importer brings in what a council already holds about the people
// it supports, from a CSV file: each person, their address, one
// relationship, and their allocation to a team and a named worker. A file
// is always checked first (a dry run, which writes nothing) and every
// problem is named by row and column; confirming writes every row in one
// transaction or none. A row whose source-system id (external_id) was
// imported before is skipped, so importing the same file twice creates no
// one twice. docs/import.md describes the template and the mappings.
package importer

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"whatmatters/internal/contacts"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
)

// Limits on what one file may hold, checked while it is read, so a huge or
// hostile file is refused without being held in memory.
const (
	MaxFileBytes = 64 << 20 // 64 MiB: 100,000 rows of the template with room to spare
	MaxRows      = 100_000  // rows after the header
	MaxCell      = 1000     // characters in one cell
	MaxColumns   = 500      // cells in one row: exports carry many columns we ignore
	MaxIDLength  = 100      // an external id
)

// Field is one column of the template, named as the template's header
// names it.
type Field string

// The template's columns (docs/import.md).
const (
	FExternalID   Field = "external_id"
	FGivenName    Field = "given_name"
	FFamilyName   Field = "family_name"
	FPreferred    Field = "preferred_name"
	FDateOfBirth  Field = "date_of_birth"
	FNHSNumber    Field = "nhs_number"
	FAddressLines Field = "address_lines"
	FPostcode     Field = "postcode"
	FTeam         Field = "team"
	FWorker       Field = "worker_email"
	FPriority     Field = "allocation_priority"
	FReason       Field = "allocation_reason"
	FRelName      Field = "relationship_name"
	FRelationship Field = "relationship"
	FRelContact   Field = "relationship_contact"
	FRelIsCarer   Field = "relationship_is_carer"
)

// Fields are the template's columns in the order the template lists them.
var Fields = []Field{FExternalID, FGivenName, FFamilyName, FPreferred, FDateOfBirth, FNHSNumber, FAddressLines,
	FPostcode, FTeam, FWorker, FPriority, FReason, FRelName, FRelationship, FRelContact, FRelIsCarer}

// required are the columns a file must have.
var required = []Field{FExternalID, FGivenName, FFamilyName, FTeam}

// Problem is one thing wrong with a file: the row (the header is row 1,
// as a spreadsheet numbers it; 0 for the file as a whole), the column as
// the file names it, and a message code with its arguments.
type Problem struct {
	Row    int
	Column string
	Code   string
	Args   []any
}

// Row is one person as read from the file, tidied and checked on its own.
type Row struct {
	Number       int // the row in the file
	ExternalID   string
	Person       people.Person
	Address      *people.Address      // nil when the row has none
	Relationship *people.Relationship // nil when the row has none
	Team         string               // as written: a team's name or id
	WorkerEmail  string
	Priority     contacts.Priority
	Reason       string
}

// ErrTooLarge and ErrTooManyRows stop reading a file past the limits.
var (
	ErrTooLarge    = errors.New("importer: the file is larger than the limit")
	ErrTooManyRows = errors.New("importer: the file has more rows than the limit")
)

// Parse reads a CSV file with a header row, finding each field's column by
// the mapping, and returns its rows and every problem a row has on its own
// (those that need the database are Check's). Reading stops with
// ErrTooLarge or ErrTooManyRows past the limits.
func Parse(r io.Reader, m Mapping) ([]Row, []Problem, error) {
	rows, _, ps, err := parse(r, m)
	return rows, ps, err
}

// parse is Parse that also tells where each field's column is.
func parse(r io.Reader, m Mapping) ([]Row, colIndex, []Problem, error) {
	var none colIndex
	lr := &io.LimitedReader{R: r, N: MaxFileBytes + 1}
	cr := csv.NewReader(lr)
	cr.FieldsPerRecord = -1 // exports leave trailing cells off; a missing cell reads as empty
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, none, []Problem{{Row: 1, Code: "import.file.empty"}}, nil
	}
	if err != nil {
		return nil, none, nil, readErr(lr, err)
	}
	cols, ps := columns(header, m)
	if len(ps) > 0 {
		return nil, none, ps, nil
	}
	var rows []Row
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && lr.N > 0 {
				ps = append(ps, Problem{Row: n, Code: "import.file.not_csv"})
				return nil, none, ps, nil
			}
			return nil, none, nil, readErr(lr, err)
		}
		if len(rows) >= MaxRows {
			return nil, none, nil, ErrTooManyRows
		}
		if len(rec) > MaxColumns {
			ps = append(ps, Problem{Row: n, Code: "import.row.too_many_cells", Args: []any{MaxColumns}})
			continue
		}
		row, rps := readRow(n, rec, cols)
		ps = append(ps, rps...)
		rows = append(rows, row)
	}
	if lr.N <= 0 {
		return nil, none, nil, ErrTooLarge
	}
	if len(rows) == 0 {
		ps = append(ps, Problem{Row: 2, Code: "import.file.no_rows"})
	}
	return rows, cols, ps, nil
}

func readErr(lr *io.LimitedReader, err error) error {
	if lr.N <= 0 {
		return ErrTooLarge
	}
	return err
}

// colIndex is where each field is in a file, and the file's name for it.
type colIndex struct {
	at   map[Field]int
	name map[Field]string
}

// columns finds each field's column: the mapping's name for it if it has
// one, else the template's own, compared without case or surrounding
// spaces. Columns the template does not use are ignored.
func columns(header []string, m Mapping) (colIndex, []Problem) {
	c := colIndex{at: map[Field]int{}, name: map[Field]string{}}
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))) }
	pos := map[string]int{}
	for i, h := range header {
		if _, seen := pos[norm(h)]; !seen {
			pos[norm(h)] = i
		}
	}
	var ps []Problem
	for _, f := range Fields {
		want := m.Column(f)
		if i, ok := pos[norm(want)]; ok {
			c.at[f], c.name[f] = i, strings.TrimSpace(header[i])
		} else if slices.Contains(required, f) {
			ps = append(ps, Problem{Row: 1, Column: want, Code: "import.column.missing"})
		}
	}
	return c, ps
}

// get is the field's cell, trimmed; "" when the file has no such column.
func (c colIndex) get(rec []string, f Field) string {
	i, ok := c.at[f]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// readRow reads and checks one row on its own.
func readRow(n int, rec []string, c colIndex) (Row, []Problem) {
	row := Row{Number: n}
	var ps []Problem
	bad := map[Field]bool{} // one problem a cell: a cell too long is not also "required"
	add := func(f Field, code string, args ...any) {
		if !bad[f] {
			bad[f] = true
			ps = append(ps, Problem{Row: n, Column: c.name[f], Code: code, Args: args})
		}
	}
	v := map[Field]string{}
	for f := range c.at {
		s := c.get(rec, f)
		if utf8.RuneCountInString(s) > MaxCell {
			add(f, "import.cell.too_long", MaxCell)
			s = ""
		}
		v[f] = s
	}
	row.ExternalID = v[FExternalID]
	switch {
	case row.ExternalID == "":
		add(FExternalID, "import.external_id.required")
	case utf8.RuneCountInString(row.ExternalID) > MaxIDLength:
		add(FExternalID, "import.external_id.too_long", MaxIDLength)
	}
	p := people.Person{GivenName: v[FGivenName], FamilyName: v[FFamilyName], PreferredName: v[FPreferred], NHSNumber: v[FNHSNumber]}
	dob, ok := parseDate(v[FDateOfBirth])
	if !ok {
		add(FDateOfBirth, "import.date_of_birth.invalid")
	}
	p.DateOfBirth = dob
	for _, fe := range problemsOf(p.Normalise()) {
		add(Field(fe.Field), fe.Code, fe.Args...)
	}
	row.Person = p
	if v[FAddressLines] != "" || v[FPostcode] != "" {
		a := &people.Address{Kind: people.AddressHome, Lines: v[FAddressLines], Postcode: v[FPostcode]}
		for _, fe := range problemsOf(a.Check()) {
			f := FPostcode
			if fe.Field == "lines" {
				f = FAddressLines
			}
			add(f, fe.Code, fe.Args...)
		}
		row.Address = a
	}
	row.Team, row.WorkerEmail, row.Reason = v[FTeam], strings.ToLower(v[FWorker]), v[FReason]
	if row.Team == "" {
		add(FTeam, "import.team.required")
	}
	row.Priority = contacts.PriorityRoutine
	if s := strings.ToLower(v[FPriority]); s != "" {
		row.Priority = contacts.Priority(s)
		if !slices.Contains(contacts.Priorities, row.Priority) {
			add(FPriority, "import.priority.unknown")
		}
	}
	if utf8.RuneCountInString(row.Reason) > contacts.MaxNote {
		add(FReason, "import.cell.too_long", contacts.MaxNote)
	}
	row.Relationship = readRelationship(v, add)
	return row, ps
}

// readRelationship is the row's one relationship, if it names someone.
func readRelationship(v map[Field]string, add func(Field, string, ...any)) *people.Relationship {
	if v[FRelName] == "" {
		if v[FRelationship] != "" || v[FRelContact] != "" {
			add(FRelName, "relationship.name.required")
		}
		return nil
	}
	r := &people.Relationship{Name: v[FRelName], Relationship: v[FRelationship], Contact: v[FRelContact]}
	if r.Relationship == "" {
		add(FRelationship, "relationship.relationship.required")
	}
	switch strings.ToLower(v[FRelIsCarer]) {
	case "", "no", "n", "false", "0":
	case "yes", "y", "true", "1":
		r.IsCarer = true
	default:
		add(FRelIsCarer, "import.yes_no")
	}
	return r
}

// problemsOf is the field errors in err (Normalise's and Check's).
func problemsOf(err error) valid.Problems {
	ps, _ := valid.From(err)
	return ps
}

// dateLayouts are the ways exports write a date of birth: the template's
// ISO date, the day-first date a spreadsheet writes in the UK, and a
// database's date and time (Liquidlogic's BIRTH_DTTM is a DATETIME).
var dateLayouts = []string{time.DateOnly, "02/01/2006", "2/1/2006", time.DateTime, "2006-01-02 15:04:05.000",
	"2006-01-02T15:04:05", "02/01/2006 15:04", "02/01/2006 15:04:05"}

// parseDate reads a date of birth; "" is not known, which is allowed.
func parseDate(s string) (valid.Date, bool) {
	if s == "" {
		return valid.Date{}, true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return valid.DateOf(t), true
		}
	}
	return valid.Date{}, false
}
