// Package audit keeps the audit trail: every change to person data (who,
// what, before and after), every read of a person's record, every refused
// attempt and every sign-in attempt.
//
// The trail is append-only (database triggers refuse UPDATE and DELETE) and
// tamper-evident: each row carries an HMAC-SHA256 of its own fields and of
// the row before it, made with a chain key kept outside the database (see
// SetChainKeys), so altering or removing a row breaks the chain from that
// row on and someone who can write to the database but lacks the key
// cannot mend it. Rows written before keyed chaining carry a plain SHA-256
// hash and an empty KeyID. Signed checkpoints of the chain's length and
// head, kept outside the database (checkpoint.go), catch what the chain
// alone cannot: rows cut from the end, or a trail rewritten by someone who
// also holds the key. Check names everything that is wrong.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/store"
)

// Outcomes of an audited action.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Actor is who did something, and from where.
type Actor struct {
	AccountID string // empty for someone not signed in, or the system
	Label     string // name and email, kept as it was at the time
	IP        string
	RequestID string
}

// System is the actor for work the program does by itself (demo seeding,
// migrations, command-line administration).
var System = Actor{Label: "system"}

// Event is one row of the trail.
type Event struct {
	Seq       int64
	At        time.Time
	AccountID string
	Actor     string
	Action    string
	Outcome   string
	PersonID  string
	Target    string
	Details   string
	IP        string
	RequestID string
	KeyID     string // the chain key the row's HMAC was made with; "" for an older, plain SHA-256 row
	PrevHash  string
	Hash      string
}

// Record describes an action to write to the trail.
type Record struct {
	Action   string // e.g. "person.read", "person.update", "signin"
	Outcome  string // OK, Denied or Failed; OK when empty
	PersonID string // the person whose data this is, if any
	Target   string // what was acted on, e.g. "person/<id>"
	Details  any    // marshalled to JSON; nil for none
}

// Write appends one event inside the caller's transaction, so the change
// and its audit row are committed together or not at all. Taking the row
// lock on audit_head serialises writers, which keeps the chain linear.
// Without a chain key (SetChainKeys) it refuses, and so does the change.
func Write(ctx context.Context, q store.Querier, who Actor, r Record) error {
	return WriteMany(ctx, q, who, []Record{r})
}

// WriteMany appends events in order inside the caller's transaction, each
// chained to the one before exactly as Write chains them, but advancing
// audit_head once for them all. A transaction that writes thousands of
// events (an import) would otherwise update that one row thousands of
// times, and PostgreSQL keeps every version of it until the transaction
// ends, so each update is slower than the last.
func WriteMany(ctx context.Context, q store.Querier, who Actor, rs []Record) error {
	if len(rs) == 0 {
		return nil
	}
	keys := current.Load()
	if keys == nil {
		return ErrNoChainKey
	}
	var last int64
	var prev string
	err := q.QueryRowContext(ctx,
		`UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash`, len(rs)).Scan(&last, &prev)
	if err != nil {
		return fmt.Errorf("audit: advance head: %w", err)
	}
	for i, r := range rs {
		e, err := newEvent(who, r, keys.ID())
		if err != nil {
			return err
		}
		e.Seq, e.PrevHash = last-int64(len(rs)-1-i), prev
		e.Hash = e.mac(keys.keys[0])
		_, err = q.ExecContext(ctx, `INSERT INTO audit_events
			(seq, at, account_id, actor, action, outcome, person_id, target, details, ip, request_id, key_id, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			e.Seq, e.At, store.NullIfEmpty(e.AccountID), e.Actor, e.Action, e.Outcome, store.NullIfEmpty(e.PersonID),
			e.Target, e.Details, e.IP, e.RequestID, e.KeyID, e.PrevHash, e.Hash)
		if err != nil {
			return fmt.Errorf("audit: insert: %w", err)
		}
		prev = e.Hash
	}
	if _, err := q.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev); err != nil {
		return fmt.Errorf("audit: update head: %w", err)
	}
	return nil
}

// newEvent is the event a record makes, not yet placed in the chain.
func newEvent(who Actor, r Record, keyID string) (Event, error) {
	details := ""
	if r.Details != nil {
		b, err := json.Marshal(r.Details)
		if err != nil {
			return Event{}, fmt.Errorf("audit: details: %w", err)
		}
		details = string(b)
	}
	if r.Outcome == "" {
		r.Outcome = OK
	}
	e := Event{
		At: store.Now(), AccountID: who.AccountID, Actor: who.Label, Action: r.Action,
		Outcome: r.Outcome, PersonID: r.PersonID, Target: r.Target, Details: details,
		IP: who.IP, RequestID: who.RequestID, KeyID: keyID,
	}
	if e.Actor == "" {
		e.Actor = "anonymous"
	}
	return e, nil
}

// WriteAlone writes one event in a transaction of its own: for events with
// no change beside them (a refused attempt, a failed sign-in).
func WriteAlone(ctx context.Context, db *store.DB, who Actor, r Record) error {
	return db.Tx(ctx, func(tx *sql.Tx) error { return Write(ctx, tx, who, r) })
}

// canonical lists every field in a fixed order, each length-prefixed so
// that no two different rows can produce the same input.
func canonical(fields ...string) []byte {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte(';')
	}
	return []byte(b.String())
}

// mac is a keyed row's hash: HMAC-SHA256, under the chain key, of a
// version label and the row's canonical content, which includes the key's
// ID and the previous row's hash.
func (e Event) mac(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(canonical("whatmatters audit row v2",
		strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.AccountID, e.Actor,
		e.Action, e.Outcome, e.PersonID, e.Target, e.Details, e.IP, e.RequestID, e.KeyID, e.PrevHash))
	return hex.EncodeToString(m.Sum(nil))
}

// computeHash is the hash of rows written before keyed chaining: plain
// SHA-256, which anyone can recompute. Kept only to check those rows.
func (e Event) computeHash() string {
	sum := sha256.Sum256(canonical(
		strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.AccountID, e.Actor,
		e.Action, e.Outcome, e.PersonID, e.Target, e.Details, e.IP, e.RequestID, e.PrevHash))
	return hex.EncodeToString(sum[:])
}

// MaxShort is how much of a field typed by someone outside is kept in an
// audit row: enough to recognise it, never enough to fill the disk.
const MaxShort = 200

// Short cuts outside input to MaxShort characters, marking that it was cut.
func Short(s string) string {
	r := []rune(s)
	if len(r) <= MaxShort {
		return s
	}
	return string(r[:MaxShort]) + "…[cut]"
}
