package importer

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Mapping names, for some template fields, the column of an export that
// holds it. A field the mapping leaves out is looked for under the
// template's own name, so a mapping lists only what differs.
type Mapping struct {
	Name    string
	Columns map[Field]string
}

// Column is the file's name for the field under this mapping.
func (m Mapping) Column(f Field) string {
	if c := m.Columns[f]; c != "" {
		return c
	}
	return string(f)
}

// The built-in mappings. Template is the template's own names. Mosaic and
// Liquidlogic hold only the column names found in published extracts of
// those systems (docs/import.md says where each came from); whatever a
// council's own export calls the rest goes in a mapping its admin saves.
var (
	Template = Mapping{Name: "template"}
	Mosaic   = Mapping{Name: "mosaic", Columns: map[Field]string{
		FExternalID: "PERSON_ID", FGivenName: "FIRST_NAMES", FFamilyName: "LAST_NAME", FDateOfBirth: "DATE_OF_BIRTH",
	}}
	Liquidlogic = Mapping{Name: "liquidlogic", Columns: map[Field]string{
		FExternalID: "DIM_PERSON_ID", FDateOfBirth: "BIRTH_DTTM", FNHSNumber: "NHS_NUMBER", FPostcode: "POSTCODE",
	}}
	Builtin = []Mapping{Template, Mosaic, Liquidlogic}
)

// MaxMappingName bounds a saved mapping's name.
const MaxMappingName = 60

// Mappings are the built-in mappings and those the organisation saved.
func Mappings(ctx context.Context, r store.Reader, orgID string) ([]Mapping, error) {
	out := slices.Clone(Builtin)
	rows, err := r.QueryContext(ctx, `SELECT name, columns FROM import_mappings WHERE organisation_id = $1 ORDER BY name`, orgID)
	if err != nil {
		return nil, fmt.Errorf("importer: mappings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Mapping
		var cols string
		if err := rows.Scan(&m.Name, &cols); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(cols), &m.Columns); err != nil {
			return nil, fmt.Errorf("importer: mapping %q: %w", m.Name, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindMapping is the built-in or saved mapping of that name ("" is the
// template); store.ErrNotFound if there is none.
func FindMapping(ctx context.Context, r store.Reader, orgID, name string) (Mapping, error) {
	if name == "" {
		return Template, nil
	}
	all, err := Mappings(ctx, r, orgID)
	if err != nil {
		return Mapping{}, err
	}
	i := slices.IndexFunc(all, func(m Mapping) bool { return strings.EqualFold(m.Name, name) })
	if i < 0 {
		return Mapping{}, store.ErrNotFound
	}
	return all[i], nil
}

// SaveMapping saves a new mapping for the admin's organisation. A name in
// use (a built-in one, or one saved before, in any case) is refused:
// mappings are found by name whatever its case.
func SaveMapping(ctx context.Context, db *store.DB, s account.Subject, m Mapping) error {
	if err := mayImport(s); err != nil {
		return err
	}
	m.Name = strings.TrimSpace(m.Name)
	var ps valid.Problems
	switch {
	case m.Name == "":
		ps.Add("name", "import.mapping.name.required")
	case utf8.RuneCountInString(m.Name) > MaxMappingName:
		ps.Add("name", "import.mapping.name.too_long", MaxMappingName)
	case slices.ContainsFunc(Builtin, func(b Mapping) bool { return strings.EqualFold(b.Name, m.Name) }):
		ps.Add("name", "import.mapping.name.builtin")
	}
	for f, c := range m.Columns {
		if !slices.Contains(Fields, f) {
			ps.Add("columns", "import.mapping.field.unknown", string(f))
		}
		if strings.TrimSpace(c) == "" || utf8.RuneCountInString(c) > MaxCell {
			ps.Add("columns", "import.mapping.column.invalid", string(f))
		}
	}
	if err := ps.Err(); err != nil {
		return err
	}
	cols, err := json.Marshal(m.Columns)
	if err != nil {
		return err
	}
	org := s.Account.OrganisationID
	return db.Tx(ctx, func(tx *sql.Tx) error {
		// A name already in use is refused, not overwritten: another
		// admin's mapping is never changed silently (and two saving the
		// same new name at once meet the unique key: one is told).
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM import_mappings WHERE organisation_id = $1 AND LOWER(name) = LOWER($2)`,
			org, m.Name).Scan(&n); err != nil {
			return fmt.Errorf("importer: save mapping: %w", err)
		}
		if n > 0 {
			return valid.Problems{valid.New("name", "import.mapping.name.taken", m.Name)}
		}
		id := valid.NewID()
		_, err := tx.ExecContext(ctx, `INSERT INTO import_mappings (id, organisation_id, name, columns, created_at, created_by)
			VALUES ($1,$2,$3,$4,$5,$6)`, id, org, m.Name, string(cols), store.Now(), store.NullIfEmpty(s.Account.ID))
		if store.IsUniqueViolation(err) {
			return valid.Problems{valid.New("name", "import.mapping.name.taken", m.Name)}
		}
		if err != nil {
			return fmt.Errorf("importer: save mapping: %w", err)
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "import.mapping.save", Target: "import_mapping/" + id,
			Details: map[string]any{"name": m.Name, "columns": m.Columns}})
	})
}
