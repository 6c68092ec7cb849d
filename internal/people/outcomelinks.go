package people

import (
	"context"
	"database/sql"
	"fmt"

	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// An outcome's links: the strengths it builds on and the risk agreements
// that go with it. They are saved with the outcome, in its transaction.

// linkTables names each kind of link's table and columns.
var linkTables = []struct{ table, column, owner, field string }{
	{"outcome_strengths", "strength_id", "strengths", "strength_ids"},
	{"outcome_risks", "risk_id", "risk_agreements", "risk_ids"},
}

func (o *Outcome) links() [][]string { return [][]string{o.StrengthIDs, o.RiskIDs} }

// saveLinks replaces the outcome's links, after checking each strength and
// risk belongs to the same person.
func saveLinks(ctx context.Context, tx *sql.Tx, o *Outcome) error {
	for i, lt := range linkTables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+lt.table+` WHERE outcome_id = $1`, o.ID); err != nil {
			return fmt.Errorf("people: outcome links: %w", err)
		}
		for _, id := range dedupe(o.links()[i]) {
			var n int
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+lt.owner+` WHERE id = $1 AND person_id = $2`, id, o.PersonID).Scan(&n)
			if err != nil {
				return err
			}
			if n == 0 {
				return valid.Problems{valid.New(lt.field, "outcome.links.not_own")}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+lt.table+` (outcome_id, `+lt.column+`) VALUES ($1, $2)`, o.ID, id); err != nil {
				return fmt.Errorf("people: outcome links: %w", err)
			}
		}
	}
	return nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// loadLinks fills in the links of a person's outcomes.
func loadLinks(ctx context.Context, r store.Reader, personID string, out []Outcome, index map[string]int) error {
	for _, lt := range linkTables {
		rows, err := r.QueryContext(ctx, `SELECT l.outcome_id, l.`+lt.column+` FROM `+lt.table+` l
			JOIN outcomes o ON o.id = l.outcome_id WHERE o.person_id = $1 ORDER BY l.`+lt.column, personID)
		if err != nil {
			return fmt.Errorf("people: outcome links: %w", err)
		}
		for rows.Next() {
			var oid, id string
			if err := rows.Scan(&oid, &id); err != nil {
				rows.Close()
				return err
			}
			if i, ok := index[oid]; ok {
				if lt.table == "outcome_strengths" {
					out[i].StrengthIDs = append(out[i].StrengthIDs, id)
				} else {
					out[i].RiskIDs = append(out[i].RiskIDs, id)
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
