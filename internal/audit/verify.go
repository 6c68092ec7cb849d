package audit

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"whatmatters/internal/store"
)

// Kind says what sort of thing is wrong with the trail.
type Kind string

// The kinds of problem Check finds.
const (
	KindMissing       Kind = "missing"        // a gap in the sequence numbers
	KindUnlinked      Kind = "unlinked"       // a row's prev_hash is not the previous row's hash
	KindAltered       Kind = "altered"        // a row's hash does not match its contents
	KindDowngraded    Kind = "downgraded"     // an unkeyed (plain SHA-256) row where only keyed rows may be
	KindUnknownKey    Kind = "unknown-key"    // a row made with a chain key that was not given
	KindHead          Kind = "head"           // audit_head does not point at the last row
	KindTruncated     Kind = "truncated"      // the trail is shorter than a checkpoint
	KindDiverged      Kind = "diverged"       // the trail's head at a checkpoint's length is not the checkpoint's
	KindUnsigned      Kind = "not-signed"     // a checkpoint not signed by the keys given
	KindInstallation  Kind = "installation"   // a checkpoint of another installation's trail
	KindBadCheckpoint Kind = "bad-checkpoint" // a checkpoint file that cannot be read as one
)

// Problem is one thing wrong with the trail: a row or run of rows, or a
// checkpoint the trail does not agree with.
type Problem struct {
	Kind       Kind
	Seq        int64  // the first row concerned
	Last       int64  // the last row of a run of like problems; 0 if one row
	Checkpoint string // the checkpoint's file name, for checkpoint problems
	Reason     string
}

func (p *Problem) Error() string {
	switch {
	case p.Checkpoint != "":
		return fmt.Sprintf("checkpoint %s: %s", p.Checkpoint, p.Reason)
	case p.Last > p.Seq:
		return fmt.Sprintf("audit rows %d–%d: %s", p.Seq, p.Last, p.Reason)
	}
	return fmt.Sprintf("audit row %d: %s", p.Seq, p.Reason)
}

// Options say what to check the trail against.
type Options struct {
	// Keys are the chain keys; nil means those set by SetChainKeys.
	Keys *ChainKeys
	// Checkpoints are signed checkpoints to hold the trail to, and
	// PublicKeys the keys that may have signed them (this installation's
	// signing key, and any it had before a rotation).
	Checkpoints []CheckpointFile
	PublicKeys  []ed25519.PublicKey
	// After, if not zero, checks only the rows after that sequence number,
	// the first of which must link to AfterHash: the rows added since a
	// checkpoint this process took itself. Not for use with Checkpoints.
	After     int64
	AfterHash string
}

// Report is what Check found.
type Report struct {
	Installation string
	KeyedFrom    int64  // rows before this one were written before keyed chaining
	Rows         int64  // rows read
	Length       int64  // the last row's sequence number
	Head         string // the last row's hash
	LegacyRows   int64  // rows hashed with plain SHA-256 (an empty key_id)
	// Checkpoints counts the checkpoints that were signed by a key given
	// and that the trail agrees with; Newest is the longest of them.
	Checkpoints int
	Newest      *Checkpoint
	Problems    []Problem
	Omitted     int // like problems past the first maxProblems
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

const maxProblems = 100

type reporter struct {
	r    *Report
	last map[Kind]int // index of the latest problem of each kind, to merge runs
}

func (p *reporter) add(pr Problem) {
	if i, ok := p.last[pr.Kind]; ok && pr.Checkpoint == "" {
		prev := &p.r.Problems[i]
		end := prev.Last
		if end == 0 {
			end = prev.Seq
		}
		if prev.Checkpoint == "" && pr.Seq == end+1 && pr.Last == 0 {
			prev.Last = pr.Seq
			return
		}
	}
	if len(p.r.Problems) >= maxProblems {
		p.r.Omitted++
		return
	}
	p.r.Problems = append(p.r.Problems, pr)
	p.last[pr.Kind] = len(p.r.Problems) - 1
}

// Check walks the whole trail in order and checks that sequence numbers
// have no gaps, that each row links to the previous row's hash, that each
// row's hash is right (an HMAC under the chain key it names, or plain
// SHA-256 for rows from before keyed chaining, which may only come first),
// and that audit_head points at the last row. Then it holds the trail to
// every checkpoint given: each must be signed by one of the public keys,
// be for this installation, and match the trail's hash at its length. It
// names every problem it finds; an error means the check itself could not
// be made.
func Check(ctx context.Context, r store.Reader, o Options) (*Report, error) {
	keys := o.Keys
	if keys == nil {
		keys = current.Load()
	}
	if len(o.Checkpoints) > 0 && len(o.PublicKeys) == 0 {
		return nil, errors.New("audit: checkpoints to check but no public key to check their signatures with")
	}
	rep := &Report{}
	pr := &reporter{r: rep, last: map[Kind]int{}}

	// Read the head before the rows: rows added in between are then
	// later rows, not rows the head forgot.
	var headSeq int64
	var headHash string
	if err := r.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, fmt.Errorf("audit: read head: %w", err)
	}
	err := r.QueryRowContext(ctx, `SELECT installation, keyed_from FROM audit_chain WHERE id = 1`).Scan(&rep.Installation, &rep.KeyedFrom)
	if err != nil {
		return nil, fmt.Errorf("audit: read chain identity (is the schema up to date?): %w", err)
	}

	var cps []*SignedCheckpoint
	want := map[int64]string{} // checkpoint lengths whose hash the walk records
	for _, f := range o.Checkpoints {
		cp, err := ParseCheckpoint(f)
		if err != nil {
			pr.add(Problem{Kind: KindBadCheckpoint, Checkpoint: f.Name, Reason: err.Error()})
			continue
		}
		cps = append(cps, cp)
		want[cp.Length] = ""
	}
	hashAt := map[int64]string{}
	want[headSeq] = ""

	rows, err := r.QueryContext(ctx, `SELECT `+eventColumns+` FROM audit_events WHERE seq > $1 ORDER BY seq`, o.After)
	if err != nil {
		return nil, fmt.Errorf("audit: read trail: %w", err)
	}
	defer rows.Close()
	prev := Event{Seq: o.After, Hash: o.AfterHash}
	keyedSeen := o.After > 0 && o.After >= rep.KeyedFrom
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		rep.Rows++
		switch {
		case e.Seq != prev.Seq+1:
			reason := fmt.Sprintf("row is missing (the next row present is %d)", e.Seq)
			if e.Seq > prev.Seq+2 {
				reason = fmt.Sprintf("rows are missing (the next row present is %d)", e.Seq)
			}
			pr.add(Problem{Kind: KindMissing, Seq: prev.Seq + 1, Last: runEnd(prev.Seq+1, e.Seq-1), Reason: reason})
		case e.PrevHash != prev.Hash:
			pr.add(Problem{Kind: KindUnlinked, Seq: e.Seq, Reason: "does not link to the row before it: rows were removed, reordered or renumbered"})
		}
		switch {
		case e.KeyID == "":
			rep.LegacyRows++
			if keyedSeen || e.Seq >= rep.KeyedFrom {
				pr.add(Problem{Kind: KindDowngraded, Seq: e.Seq, Reason: fmt.Sprintf(
					"claims to be from before keyed chaining (plain SHA-256), but every row from %d on, and every row after a keyed one, must carry the chain key's HMAC: it was rewritten without the key",
					rep.KeyedFrom)})
			} else if e.computeHash() != e.Hash {
				pr.add(Problem{Kind: KindAltered, Seq: e.Seq, Reason: "contents do not match the hash: altered"})
			}
		case !keys.Has(e.KeyID):
			keyedSeen = true
			pr.add(Problem{Kind: KindUnknownKey, Seq: e.Seq, Reason: fmt.Sprintf(
				"written with chain key %s, which is not among the keys given (%s): wrong key file, or a row forged with a made-up key",
				e.KeyID, keyList(keys))})
		default:
			keyedSeen = true
			if e.mac(keys.byID(e.KeyID)) != e.Hash {
				pr.add(Problem{Kind: KindAltered, Seq: e.Seq, Reason: "contents do not match the HMAC: altered, or the hash recomputed without the chain key"})
			}
		}
		if _, ok := want[e.Seq]; ok {
			hashAt[e.Seq] = e.Hash
		}
		prev = e
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: read trail: %w", err)
	}
	rep.Length, rep.Head = prev.Seq, prev.Hash

	var headSeqAfter int64
	if err := r.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&headSeqAfter); err != nil {
		return nil, fmt.Errorf("audit: read head: %w", err)
	}
	switch h, ok := hashAt[headSeq]; {
	case prev.Seq < headSeq:
		pr.add(Problem{Kind: KindHead, Seq: prev.Seq + 1, Last: runEnd(prev.Seq+1, headSeq), Reason: fmt.Sprintf(
			"the trail ends at row %d but audit_head says %d: rows at the end were removed", prev.Seq, headSeq)})
	case prev.Seq > headSeqAfter:
		pr.add(Problem{Kind: KindHead, Seq: headSeqAfter + 1, Reason: fmt.Sprintf(
			"audit_head says the trail ends at row %d but rows run to %d: the head was moved back", headSeqAfter, prev.Seq)})
	case headSeq > o.After && (!ok || h != headHash):
		pr.add(Problem{Kind: KindHead, Seq: headSeq, Reason: "audit_head's hash is not this row's: the head was changed"})
	}

	checkCheckpoints(rep, pr, cps, hashAt, o)
	return rep, nil
}

func checkCheckpoints(rep *Report, pr *reporter, cps []*SignedCheckpoint, hashAt map[int64]string, o Options) {
	sort.SliceStable(cps, func(i, j int) bool { return cps[i].Length < cps[j].Length })
	var good []*SignedCheckpoint
	for _, cp := range cps {
		switch {
		case !cp.SignedBy(o.PublicKeys):
			pr.add(Problem{Kind: KindUnsigned, Checkpoint: cp.Name, Reason: fmt.Sprintf(
				"is not signed by this installation's signing key (it names key %s; the public keys given are %s): it was made elsewhere, or forged",
				cp.SignerFP, fingerprints(o.PublicKeys))})
		case cp.Installation != rep.Installation:
			pr.add(Problem{Kind: KindInstallation, Checkpoint: cp.Name, Reason: fmt.Sprintf(
				"is for installation %s, but this trail is installation %s: a checkpoint of another trail, or this trail's identity was changed",
				cp.Installation, rep.Installation)})
		default:
			good = append(good, cp)
		}
	}
	var beyond []*SignedCheckpoint
	var within []*SignedCheckpoint
	for _, cp := range good {
		if cp.Length > rep.Length {
			beyond = append(beyond, cp)
		} else {
			within = append(within, cp)
		}
	}
	// Rewritten: name the first checkpoint the trail disagrees with, and
	// the last one it agrees with before it, which bound the change.
	var agreed *SignedCheckpoint
	var differ []*SignedCheckpoint
	for _, cp := range within {
		h, ok := hashAt[cp.Length]
		if cp.Length == 0 {
			h, ok = "", true
		}
		switch {
		case !ok || h != cp.Head || cp.KeyedFrom != rep.KeyedFrom:
			differ = append(differ, cp)
		case len(differ) == 0:
			agreed = cp
			rep.Checkpoints++
			c := cp.Checkpoint
			rep.Newest = &c
		default:
			// Agrees after a disagreement: the trail was restored, or
			// the earlier checkpoint differs for another reason.
			rep.Checkpoints++
			c := cp.Checkpoint
			rep.Newest = &c
		}
	}
	if n := len(differ); n > 0 {
		cp := differ[0]
		var reason string
		h, ok := hashAt[cp.Length]
		switch {
		case cp.KeyedFrom != rep.KeyedFrom && ok && h == cp.Head:
			reason = fmt.Sprintf("recorded keyed chaining from row %d, but the trail now says from row %d: audit_chain was changed",
				cp.KeyedFrom, rep.KeyedFrom)
		case !ok:
			reason = fmt.Sprintf("recorded the head at length %d (taken %s), but row %d is not in the trail: rows were removed or renumbered", cp.Length, stamp(cp.Time), cp.Length)
		default:
			reason = fmt.Sprintf("the trail's head at length %d differs from this checkpoint's (taken %s): rows up to %d were changed, removed, reordered or renumbered since", cp.Length, stamp(cp.Time), cp.Length)
		}
		from := int64(1)
		if agreed != nil {
			from = agreed.Length + 1
			reason += fmt.Sprintf("; the trail still agrees with checkpoint %s at length %d, so the change lies in rows %d–%d", agreed.Name, agreed.Length, from, cp.Length)
		}
		if n > 1 {
			reason += fmt.Sprintf("; %s also differ", checkpointsCount(n-1, "later"))
		}
		pr.add(Problem{Kind: KindDiverged, Seq: from, Last: cp.Length, Checkpoint: cp.Name, Reason: reason})
	}
	// Cut from the end: name the longest checkpoint the trail falls short of.
	if n := len(beyond); n > 0 {
		cp := beyond[n-1]
		reason := fmt.Sprintf("the trail now ends at row %d, but this checkpoint (taken %s) recorded %d rows: rows are gone from the end (cut off, or rows removed and the rest renumbered)",
			rep.Length, stamp(cp.Time), cp.Length)
		if n > 1 {
			reason += fmt.Sprintf("; %s also reach beyond the trail's end", checkpointsCount(n-1, "earlier"))
		}
		pr.add(Problem{Kind: KindTruncated, Seq: rep.Length + 1, Last: cp.Length, Checkpoint: cp.Name, Reason: reason})
	}
}

func checkpointsCount(n int, which string) string {
	if n == 1 {
		return "1 " + which + " checkpoint"
	}
	return fmt.Sprintf("%d %s checkpoints", n, which)
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// runEnd is a Problem's Last for rows from..to: 0 when it is one row.
func runEnd(from, to int64) int64 {
	if to > from {
		return to
	}
	return 0
}

func keyList(k *ChainKeys) string {
	if k == nil {
		return "none"
	}
	return strings.Join(k.ids, ", ")
}

func fingerprints(keys []ed25519.PublicKey) string {
	var s []string
	for _, k := range keys {
		s = append(s, Fingerprint(k))
	}
	return strings.Join(s, ", ")
}

// Verify checks the whole trail with the chain keys set by SetChainKeys
// and no checkpoints. It returns the number of rows checked and, if
// anything is wrong, a *Problem naming the first thing. Check says more.
func Verify(ctx context.Context, r store.Reader) (int64, error) {
	rep, err := Check(ctx, r, Options{})
	if err != nil {
		return 0, err
	}
	if len(rep.Problems) > 0 {
		p := rep.Problems[0]
		return rep.Rows, &p
	}
	return rep.Rows, nil
}

const eventColumns = `seq, at, account_id, actor, action, outcome, person_id, target, details, ip, request_id, key_id, prev_hash, hash`

func scanEvent(s store.Scanner) (Event, error) {
	var e Event
	var account, person sql.NullString
	err := s.Scan(&e.Seq, &e.At, &account, &e.Actor, &e.Action, &e.Outcome, &person,
		&e.Target, &e.Details, &e.IP, &e.RequestID, &e.KeyID, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, fmt.Errorf("audit: scan: %w", err)
	}
	e.At = e.At.UTC()
	e.AccountID, e.PersonID = account.String, person.String
	return e, nil
}

// ForPerson lists the events about one person, newest first: the basis of
// "who has looked at my record".
func ForPerson(ctx context.Context, r store.Reader, personID string, limit int) ([]Event, error) {
	return list(ctx, r, `WHERE person_id = $1`, []any{personID}, limit)
}

// ForAction lists the newest events of the given action.
func ForAction(ctx context.Context, r store.Reader, action string, limit int) ([]Event, error) {
	return list(ctx, r, `WHERE action = $1`, []any{action}, limit)
}

func list(ctx context.Context, r store.Reader, where string, args []any, limit int) ([]Event, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := r.QueryContext(ctx, `SELECT `+eventColumns+` FROM audit_events `+where+
		fmt.Sprintf(` ORDER BY seq DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
