package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotFound is returned when a row does not exist or is out of the
// caller's reach; callers show both the same way.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write breaks a uniqueness rule or was made
// against a version that someone else has since changed.
var ErrConflict = errors.New("conflict")

// Tx runs fn in one transaction and commits it, or rolls it back if fn
// returns an error. Serialisation failures (PostgreSQL SQLSTATE 40001/40P01,
// SQLite "busy") are retried a few times, so fn must be safe to run again.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt*attempt) * 20 * time.Millisecond)
		}
		err = db.tryTx(ctx, fn)
		if err == nil || !retryable(err) {
			return err
		}
	}
	return err
}

func (db *DB) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// IsUniqueViolation reports whether err is a broken UNIQUE constraint on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// Args numbers query placeholders as values are added, so that queries
// built from parts (the access rule, filters) stay correct on both engines.
type Args struct{ Values []any }

// Add appends v and returns its placeholder, "$n".
func (a *Args) Add(v any) string {
	a.Values = append(a.Values, v)
	return fmt.Sprintf("$%d", len(a.Values))
}

// LikeEscape escapes the LIKE wildcards in s; use with ESCAPE '\'.
func LikeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// Scanner is a *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// NullTime turns a sql.NullTime into a *time.Time.
func NullTime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

// NullIfEmpty stores an empty string as NULL, for optional columns that
// are unique or referenced (an NHS number, a team).
func NullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ExecOne runs a change that must touch exactly one row. A versioned
// update names, in its WHERE, the version the editor started from: no row
// changed means someone else saved first, and the answer is ErrConflict,
// never a silent overwrite (PostgreSQL's READ COMMITTED lets two such
// transactions both read the old version; only the row count tells).
func ExecOne(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: rows affected: %w", err)
	}
	if n != 1 {
		return ErrConflict
	}
	return nil
}
