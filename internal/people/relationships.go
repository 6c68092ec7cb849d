package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Relationship is someone who matters to the person.
type Relationship struct {
	ID              string `json:"id"`
	PersonID        string `json:"person_id"`
	RelatedPersonID string `json:"related_person_id,omitempty"` // when they are someone we support too
	Name            string `json:"name"`
	Relationship    string `json:"relationship"` // what they are to the person: "daughter"
	IsCarer         bool   `json:"is_carer"`
	IsMainCarer     bool   `json:"is_main_carer"`
	IsKeyContact    bool   `json:"is_key_contact"`
	Contact         string `json:"contact,omitempty"` // phone or email
	InverseID       string `json:"inverse_id,omitempty"`
	// Hidden is true when the other is someone we support whose record the
	// reader may not see: their name and id are left out, so a
	// relationship never tells another organisation who a hidden person is.
	Hidden bool `json:"hidden,omitempty"`
}

// AddRelationship records who matters to the person. When the other is
// someone we support too, inverse names what the person is to them
// ("mother" for "daughter"), and the relationship is stored both ways. The
// subject must be able to see both people.
func AddRelationship(ctx context.Context, db *store.DB, op *access.Opened, r *Relationship, inverse string) error {
	if err := op.MayChange(access.PartRelationships); err != nil {
		return err
	}
	r.Name, r.Relationship, r.Contact, inverse = strings.TrimSpace(r.Name), strings.TrimSpace(r.Relationship),
		strings.TrimSpace(r.Contact), strings.TrimSpace(inverse)
	var ps valid.Problems
	if r.Name == "" && r.RelatedPersonID == "" {
		ps.Add("name", "relationship.name.required")
	}
	if r.Relationship == "" {
		ps.Add("relationship", "relationship.relationship.required")
	}
	if r.RelatedPersonID != "" && inverse == "" {
		ps.Add("inverse", "relationship.inverse.required")
	}
	if r.IsMainCarer {
		r.IsCarer = true
	}
	if len(ps) > 0 {
		return ps
	}
	err := access.Change(ctx, db, op, access.PartRelationships, func(tx *sql.Tx) (audit.Record, error) {
		r.ID, r.PersonID = valid.NewID(), op.PersonID()
		var back *Relationship
		if r.RelatedPersonID != "" {
			// The way back is written to the other person's record, so
			// seeing them is not enough: someone who sees them only
			// through emergency access (read-only) may not write there.
			g, err := access.GrantOn(ctx, tx, op.Subject(), r.RelatedPersonID)
			if err != nil {
				return audit.Record{}, err
			}
			if !g.MayChange(access.PartRelationships) || r.RelatedPersonID == r.PersonID {
				return audit.Record{}, errOtherOutOfReach
			}
			me, err := load(ctx, tx, r.PersonID)
			if err != nil {
				return audit.Record{}, err
			}
			other, err := load(ctx, tx, r.RelatedPersonID)
			if err != nil {
				return audit.Record{}, err
			}
			r.Name = other.Name()
			back = &Relationship{ID: valid.NewID(), PersonID: r.RelatedPersonID, RelatedPersonID: r.PersonID,
				Name: me.Name(), Relationship: inverse, InverseID: r.ID}
			r.InverseID = back.ID
		}
		rec, err := insertRelationship(ctx, tx, r, "")
		if err != nil {
			return audit.Record{}, err
		}
		if back != nil {
			backRec, err := insertRelationship(ctx, tx, back, r.ID)
			if err != nil {
				return audit.Record{}, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE person_relationships SET inverse_id = $1 WHERE id = $2`, back.ID, r.ID); err != nil {
				return audit.Record{}, err
			}
			if err := audit.Write(ctx, tx, op.Subject().Actor, backRec); err != nil {
				return audit.Record{}, err
			}
		}
		return rec, nil
	})
	if errors.Is(err, errOtherOutOfReach) {
		// Naming someone out of reach is a refusal about them, recorded as
		// one (outside the rolled-back change) before the form is told.
		if aerr := audit.WriteAlone(ctx, db, op.Subject().Actor, audit.Record{Action: "relationship.add", Outcome: audit.Denied,
			PersonID: r.RelatedPersonID, Target: "person/" + op.PersonID()}); aerr != nil {
			return aerr
		}
		return valid.Problems{valid.New("related_person_id", "relationship.related_person_id.unknown")}
	}
	return err
}

// errOtherOutOfReach is a relationship naming someone whose record the
// subject may not change.
var errOtherOutOfReach = errors.New("people: the other person is out of reach")

// InsertRelationship writes someone who matters to r.PersonID, named (not
// someone we support), inside the caller's transaction: for an import that
// creates the person and their relationships together. It returns the
// audit row for the caller to write (with many others, audit.WriteMany).
func InsertRelationship(ctx context.Context, tx *sql.Tx, r *Relationship) (audit.Record, error) {
	r.ID, r.RelatedPersonID = valid.NewID(), ""
	if r.IsMainCarer {
		r.IsCarer = true
	}
	return insertRelationship(ctx, tx, r, "")
}

// insertRelationship writes r and returns its audit row, unwritten.
func insertRelationship(ctx context.Context, tx *sql.Tx, r *Relationship, inverseID string) (audit.Record, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO person_relationships (id, person_id, related_person_id, name, relationship,
		inverse_id, is_carer, is_main_carer, is_key_contact, contact, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		r.ID, r.PersonID, store.NullIfEmpty(r.RelatedPersonID), r.Name, r.Relationship, store.NullIfEmpty(inverseID), r.IsCarer,
		r.IsMainCarer, r.IsKeyContact, r.Contact, store.Now())
	if err != nil {
		return audit.Record{}, fmt.Errorf("people: add relationship: %w", err)
	}
	return audit.Record{Action: "relationship.add", PersonID: r.PersonID, Target: "relationship/" + r.ID,
		Details: map[string]any{"after": *r}}, nil
}

// Relationships lists who matters to the person. The caller must already
// have opened the record (Get).
func Relationships(ctx context.Context, r store.Reader, op *access.Opened) ([]Relationship, error) {
	if err := op.Reads(access.PartRelationships); err != nil {
		return nil, err
	}
	list, err := relationships(ctx, r, op.PersonID())
	if err != nil {
		return nil, err
	}
	for i := range list {
		x := &list[i]
		if x.RelatedPersonID == "" {
			continue
		}
		ok, err := access.CanSee(ctx, r, op.Subject(), x.RelatedPersonID)
		if err != nil {
			return nil, err
		}
		if !ok {
			x.RelatedPersonID, x.Name, x.InverseID, x.Contact, x.Hidden = "", "", "", "", true
		}
	}
	return list, nil
}

func relationships(ctx context.Context, r store.Reader, personID string) ([]Relationship, error) {
	rows, err := r.QueryContext(ctx, `SELECT id, person_id, COALESCE(related_person_id, ''), name, relationship,
		COALESCE(inverse_id, ''), is_carer, is_main_carer, is_key_contact, contact
		FROM person_relationships WHERE person_id = $1 ORDER BY is_main_carer DESC, is_key_contact DESC, name`, personID)
	if err != nil {
		return nil, fmt.Errorf("people: relationships: %w", err)
	}
	defer rows.Close()
	var out []Relationship
	for rows.Next() {
		var x Relationship
		if err := rows.Scan(&x.ID, &x.PersonID, &x.RelatedPersonID, &x.Name, &x.Relationship, &x.InverseID,
			&x.IsCarer, &x.IsMainCarer, &x.IsKeyContact, &x.Contact); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
