package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
)

func init() {
	register("audit", "check the audit trail: audit verify", runAudit)
}

// runAudit checks the audit trail's hash chain. It exits 1 and names the
// first bad row if any row was altered, removed or inserted out of turn.
func runAudit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "Usage: whatmatters audit verify [--db DSN] [--data-dir DIR]")
		return 2
	}
	fs := newFlagSet("audit verify", stderr)
	var d dbFlags
	d.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	ctx := context.Background()
	// Open without migrating: a check must not change what it checks.
	db, err := store.Open(ctx, d.dsn, d.dataDir)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	n, err := audit.Verify(ctx, db.Read())
	var p *audit.Problem
	if errors.As(err, &p) {
		fmt.Fprintf(stdout, "audit trail BROKEN at row %d: %s (%d rows checked before it)\n", p.Seq, p.Reason, n)
		return 1
	}
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintf(stdout, "audit trail intact: %d rows checked\n", n)
	return 0
}
