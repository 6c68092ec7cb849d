package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Collect runs a query and reads every row with scan, in order: the loop
// each list would otherwise write out again. A query, scan or row error
// ends it.
func Collect[T any](ctx context.Context, r Reader, scan func(Scanner) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return CollectRows(rows, scan)
}

// CollectRows is Collect for rows already queried (a query built in
// parts, or one whose error the caller words itself); it closes rows.
func CollectRows[T any](rows *sql.Rows, scan func(Scanner) (*T, error)) ([]T, error) {
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

// Found is what a one-row read gives back: v when it was read,
// ErrNotFound when there was no row, or the error, saying what was being
// read.
func Found[T any](v *T, err error, what string) (*T, error) {
	switch {
	case err == nil:
		return v, nil
	case errors.Is(err, sql.ErrNoRows):
		return nil, ErrNotFound
	}
	return nil, fmt.Errorf("%s: %w", what, err)
}
