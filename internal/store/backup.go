package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBackupExists is returned when the backup's file is already there: a
// backup never overwrites anything.
var ErrBackupExists = errors.New("store: the backup file already exists")

// BackupTo writes a consistent copy of a SQLite database to path while the
// server goes on serving. It refuses to overwrite an existing file.
//
// It uses VACUUM INTO rather than SQLite's online backup API: VACUUM INTO
// is plain SQL through database/sql (the backup API is reachable only
// through driver-specific raw connections), it reads one snapshot in a
// single read transaction, which in WAL mode never blocks writers nor
// restarts when they commit (the backup API started from another
// connection starts again whenever the source changes), and the copy it
// writes is compact and self-contained (no -wal file beside it).
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return errors.New("store: backup copies SQLite databases; back up PostgreSQL with pg_dump (see docs/operations.md)")
	}
	// Creating the file first, exclusively, is what makes "never
	// overwrite" hold even against another backup started at the same
	// moment; VACUUM INTO accepts an empty file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%w: %s", ErrBackupExists, path)
	}
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	f.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(path) // nothing half-written is left to pass for a backup
		}
	}()
	if _, err := db.read.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	// VACUUM INTO does not sync what it wrote; a backup that a power cut
	// can lose is no backup.
	if err := syncFile(path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := syncFile(filepath.Dir(path)); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	done = true
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// SQLiteFile is the SQLite file Open would use for dsn and dataDir, or ""
// for PostgreSQL.
func SQLiteFile(dsn, dataDir string) string {
	switch {
	case isPostgres(dsn):
		return ""
	case dsn == "":
		if dataDir == "" {
			dataDir = "data"
		}
		return filepath.Join(dataDir, "whatmatters.db")
	default:
		return trimSQLitePrefix(dsn)
	}
}
