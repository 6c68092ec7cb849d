package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"whatmatters/internal/store"
)

func init() {
	register("backup", "copy the SQLite database to a new file while the server runs", runBackup)
}

func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("backup", stderr)
	var d dbFlags
	d.register(fs)
	to := fs.String("to", "", "the file to write the backup to; it must not exist yet")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *to == "" {
		fmt.Fprintln(stderr, "whatmatters: --to is missing: name the new file to write the backup to, for example --to backups/whatmatters-2026-12-04.db")
		return 2
	}
	src := store.SQLiteFile(d.dsn, d.dataDir)
	if src == "" {
		fmt.Fprintln(stderr, "whatmatters: --db is PostgreSQL: back it up with pg_dump (see docs/operations.md, Backup and restore); backup copies SQLite databases")
		return 2
	}
	// Opening a missing file would make an empty database and back that up.
	if _, err := os.Stat(src); err != nil {
		return fail(stderr, "no database at %s (%v): check --db and --data-dir", src, err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, d.dsn, d.dataDir)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	if err := db.BackupTo(ctx, *to); err != nil {
		if errors.Is(err, store.ErrBackupExists) {
			return fail(stderr, "--to %s already exists; a backup never overwrites a file: choose a new name", *to)
		}
		return fail(stderr, "%v", err)
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", src, *to)
	return 0
}
