package store

import "database/sql"

// Collect reads every row with scan, in order, and closes rows: the loop
// each list query would otherwise write out again. It stops at the first
// error, from scan or from the rows.
func Collect[T any](rows *sql.Rows, scan func(Scanner) (*T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}
