package main

import (
	"context"
	"fmt"
	"io"

	"whatmatters/internal/store"
)

func init() {
	register("migrate", "bring the database schema up to date (serve also does this on start)", runMigrate)
}

func runMigrate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("migrate", stderr)
	var d dbFlags
	d.register(fs)
	status := fs.Bool("status", false, "only report the schema version; change nothing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	db, err := store.Open(ctx, d.dsn, d.dataDir)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	if !*status {
		if err := db.Migrate(ctx); err != nil {
			return fail(stderr, "%v", err)
		}
	}
	current, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintf(stdout, "schema version %d of %d (%s)\n", current, latest, db.Dialect)
	if current != latest {
		return 1
	}
	return 0
}
