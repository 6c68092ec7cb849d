// Package audittest plays the attacker for tests: it reads and rewrites
// the audit trail straight through SQL, with the protective triggers
// dropped, and recomputes row hashes with its own copies of the formulas,
// as someone holding the database (and perhaps a key) could.
package audittest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
)

// Rows reads the trail as an attacker would, straight from the table.
func Rows(t testing.TB, db *store.DB) []audit.Event {
	t.Helper()
	rs, err := db.Read().QueryContext(context.Background(), `SELECT seq, at, account_id, actor, action, outcome,
		person_id, target, details, ip, request_id, key_id, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []audit.Event
	for rs.Next() {
		var e audit.Event
		var account, person sql.NullString
		if err := rs.Scan(&e.Seq, &e.At, &account, &e.Actor, &e.Action, &e.Outcome, &person, &e.Target,
			&e.Details, &e.IP, &e.RequestID, &e.KeyID, &e.PrevHash, &e.Hash); err != nil {
			t.Fatal(err)
		}
		e.AccountID, e.PersonID = account.String, person.String
		out = append(out, e)
	}
	return out
}

// Attack runs SQL with every protective trigger dropped, as someone with
// the database's owner rights can.
func Attack(t testing.TB, db *store.DB, fn func(tx *sql.Tx) error) {
	t.Helper()
	ctx := context.Background()
	drops := []string{`DROP TRIGGER IF EXISTS audit_events_no_update`, `DROP TRIGGER IF EXISTS audit_events_no_delete`,
		`DROP TRIGGER IF EXISTS audit_head_forward_only`, `DROP TRIGGER IF EXISTS audit_head_no_delete`,
		`DROP TRIGGER IF EXISTS audit_chain_no_update`, `DROP TRIGGER IF EXISTS audit_chain_no_delete`}
	if db.Dialect == store.Postgres {
		drops = []string{`DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events`,
			`DROP TRIGGER IF EXISTS audit_events_no_delete ON audit_events`,
			`DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events`,
			`DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head`,
			`DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head`,
			`DROP TRIGGER IF EXISTS audit_chain_no_update ON audit_chain`,
			`DROP TRIGGER IF EXISTS audit_chain_no_delete ON audit_chain`}
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		for _, s := range drops {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return fn(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Rewrite stores rows (renumbered, changed, rehashed) in place of the
// whole trail and points audit_head at the last.
func Rewrite(t testing.TB, db *store.DB, rows []audit.Event) {
	t.Helper()
	Attack(t, db, func(tx *sql.Tx) error {
		ctx := context.Background()
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_events`); err != nil {
			return err
		}
		for _, e := range rows {
			_, err := tx.ExecContext(ctx, `INSERT INTO audit_events
				(seq, at, account_id, actor, action, outcome, person_id, target, details, ip, request_id, key_id, prev_hash, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				e.Seq, e.At, store.NullIfEmpty(e.AccountID), e.Actor, e.Action, e.Outcome, store.NullIfEmpty(e.PersonID),
				e.Target, e.Details, e.IP, e.RequestID, e.KeyID, e.PrevHash, e.Hash)
			if err != nil {
				return err
			}
		}
		last := rows[len(rows)-1]
		_, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2`, last.Seq, last.Hash)
		return err
	})
}

// The attacker's own copies of the row hashes, written from the source as
// anyone could (not calling the audit package). The tests that rehash with
// the real key prove them faithful: such a trail passes the chain check.
func canon(fields ...string) []byte {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)) + ":" + f + ";")
	}
	return []byte(b.String())
}

// PlainSHA256 is the hash of rows from before keyed chaining.
func PlainSHA256(e audit.Event) string {
	sum := sha256.Sum256(canon(strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.AccountID, e.Actor,
		e.Action, e.Outcome, e.PersonID, e.Target, e.Details, e.IP, e.RequestID, e.PrevHash))
	return hex.EncodeToString(sum[:])
}

// HMAC is a keyed row's hash under key.
func HMAC(key []byte) func(audit.Event) string {
	return func(e audit.Event) string {
		m := hmac.New(sha256.New, key)
		m.Write(canon("whatmatters audit row v2", strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
			e.AccountID, e.Actor, e.Action, e.Outcome, e.PersonID, e.Target, e.Details, e.IP, e.RequestID, e.KeyID, e.PrevHash))
		return hex.EncodeToString(m.Sum(nil))
	}
}

// Rechain renumbers rows from 1 and recomputes every hash from row `from`
// on with hash, setting key_id to keyID there when it is not nil.
func Rechain(rows []audit.Event, from int64, keyID *string, hash func(audit.Event) string) []audit.Event {
	out := append([]audit.Event(nil), rows...)
	for i := range out {
		out[i].Seq = int64(i + 1)
		if out[i].Seq < from {
			continue
		}
		if i > 0 {
			out[i].PrevHash = out[i-1].Hash
		}
		if keyID != nil {
			out[i].KeyID = *keyID
		}
		out[i].Hash = hash(out[i])
	}
	return out
}
