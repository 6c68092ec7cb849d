package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"whatmatters/internal/store"
)

// env returns WHATMATTERS_<name>, or the contents of the file named by
// WHATMATTERS_<name>_FILE (for secrets kept out of the environment, such
// as a PostgreSQL password in the DSN), or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv("WHATMATTERS_" + name); ok {
		return v
	}
	if path, ok := os.LookupEnv("WHATMATTERS_" + name + "_FILE"); ok {
		b, err := os.ReadFile(path)
		if err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return def
}

// checkSecretFiles refuses to start when a WHATMATTERS_<name>_FILE names a
// file that cannot be read or is empty. Falling back to the default would
// be worse than stopping: a mistyped database secret file would start a
// fresh, empty database, and staff would find their records "gone".
func checkSecretFiles(environ []string) error {
	for _, kv := range environ {
		name, path, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "WHATMATTERS_") || !strings.HasSuffix(name, "_FILE") || path == "" {
			continue // not ours, or set to nothing: as if unset
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s names a file that cannot be read (%v): fix the path or its permissions; not starting", name, err)
		}
		if strings.TrimSpace(string(b)) == "" {
			return fmt.Errorf("%s names an empty file (%s): put the secret in it; not starting", name, path)
		}
	}
	return nil
}

func envBool(name string) bool {
	switch strings.ToLower(env(name, "")) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// dbFlags are the options every command that opens the database takes,
// the audit chain key among them: whatever writes to the database writes
// to its audit trail.
type dbFlags struct {
	dsn          string
	dataDir      string
	auditKeyFile string
	// note reports something the operator should know, such as a key
	// made on first start; serve sends it to the log.
	note func(string)
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.dsn, "db", env("DB", ""), "database: empty for a SQLite file under --data-dir, or postgres://… (env WHATMATTERS_DB or WHATMATTERS_DB_FILE)")
	fs.StringVar(&d.dataDir, "data-dir", env("DATA_DIR", "data"), "where the SQLite database lives (env WHATMATTERS_DATA_DIR)")
	registerChainKeyFlag(fs, &d.auditKeyFile)
	out := fs.Output()
	d.note = func(s string) { fmt.Fprintf(out, "whatmatters: %s\n", s) }
}

// open connects, brings the schema up to date, so every command sees the
// tables it expects, and sets the audit chain key (making one on first
// start if none was named; see chainKeys).
func (d *dbFlags) open(ctx context.Context) (*store.DB, error) {
	named, err := loadNamedChainKeys(d.auditKeyFile)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, d.dsn, d.dataDir)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := chainKeys(ctx, db, named, d.dataDir, true, d.note); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// newFlagSet makes a flag set that reports its own errors to stderr and
// lets the caller turn a parse error into exit status 2.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// fail prints an error for the person at the terminal and returns status 1.
func fail(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "whatmatters: "+format+"\n", args...)
	return 1
}
