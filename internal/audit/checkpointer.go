package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"whatmatters/internal/store"
)

// ErrTrailBroken is returned when a checkpoint is refused because the
// trail has problems: a checkpoint vouches for the trail, so none is
// signed over a trail that does not check out.
var ErrTrailBroken = errors.New("audit: the trail has problems, so no checkpoint was signed")

// TakeCheckpoint checks the whole trail and, if nothing is wrong, signs
// its length and head and puts the checkpoint in the sink. If the sink is
// also a Source, the trail is first held to the checkpoints already there
// that one of the trusted keys (or the signer) signed, so a checkpoint is
// never signed over a trail that contradicts an earlier one. When the
// newest of those already records the trail as it is, nothing is written
// and that checkpoint is returned.
func TakeCheckpoint(ctx context.Context, r store.Reader, sink Sink, signer ed25519.PrivateKey, trusted ...ed25519.PublicKey) (*Checkpoint, *Report, error) {
	trusted = append([]ed25519.PublicKey{signer.Public().(ed25519.PublicKey)}, trusted...)
	opts := Options{PublicKeys: trusted}
	if src, ok := sink.(Source); ok {
		files, err := src.Checkpoints(ctx)
		if err != nil && !errors.Is(err, fs.ErrNotExist) { // none yet is fine: Put makes the directory
			return nil, nil, err
		}
		// Checkpoints no trusted key signed are not this installation's
		// to build on; `audit verify` names them.
		for _, f := range files {
			if cp, err := ParseCheckpoint(f); err == nil && cp.SignedBy(trusted) {
				opts.Checkpoints = append(opts.Checkpoints, f)
			}
		}
	}
	rep, err := Check(ctx, r, opts)
	if err != nil {
		return nil, nil, err
	}
	if !rep.OK() {
		return nil, rep, ErrTrailBroken
	}
	if n := rep.Newest; n != nil && n.Length == rep.Length && n.Head == rep.Head {
		return n, rep, nil
	}
	cp, err := signAndPut(ctx, sink, signer, rep)
	return cp, rep, err
}

func signAndPut(ctx context.Context, sink Sink, signer ed25519.PrivateKey, rep *Report) (*Checkpoint, error) {
	cp := Checkpoint{Installation: rep.Installation, Length: rep.Length, Head: rep.Head,
		KeyedFrom: rep.KeyedFrom, Time: time.Now().UTC()}
	if err := sink.Put(ctx, cp.FileName(), cp.Sign(signer)); err != nil {
		return nil, err
	}
	return &cp, nil
}

// CheckpointConfig says where checkpoints go, what signs them and how
// often they are taken.
type CheckpointConfig struct {
	Sink    Sink
	Signer  ed25519.PrivateKey
	Trusted []ed25519.PublicKey // earlier signing keys, after a rotation
	Every   time.Duration       // 0: only at start and at stop
	Log     *slog.Logger
}

// StartCheckpoints takes a checkpoint now (after checking the whole trail),
// then every cfg.Every if rows were added (checking only the new rows,
// which must continue from the last checkpoint), and once more when stop
// is called; stop waits for that last one. A trail with problems is logged
// as an error and not signed.
func StartCheckpoints(ctx context.Context, db *store.DB, cfg CheckpointConfig) (stop func()) {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	base := context.WithoutCancel(ctx) // the last checkpoint is taken after ctx ends
	var last *Checkpoint
	take := func() {
		ctx, cancel := context.WithTimeout(base, 2*time.Minute)
		defer cancel()
		if last == nil {
			cp, rep, err := TakeCheckpoint(ctx, db.Read(), cfg.Sink, cfg.Signer, cfg.Trusted...)
			noteCheck(cp, rep, err)
			if err != nil || cp != rep.Newest { // not one already there
				logTaken(log, cp, rep, err)
			}
			if err == nil {
				last = cp
			}
			return
		}
		rep, err := Check(ctx, db.Read(), Options{After: last.Length, AfterHash: last.Head})
		if err == nil && !rep.OK() {
			err = ErrTrailBroken
		}
		if err != nil {
			noteCheck(nil, rep, err)
			logTaken(log, nil, rep, err)
			return
		}
		if rep.Length == last.Length {
			noteCheck(last, rep, nil)
			return // nothing added since
		}
		cp, err := signAndPut(ctx, cfg.Sink, cfg.Signer, rep)
		noteCheck(cp, rep, err)
		logTaken(log, cp, rep, err)
		if err == nil {
			last = cp
		}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		take()
		var tick <-chan time.Time
		if cfg.Every > 0 {
			t := time.NewTicker(cfg.Every)
			defer t.Stop()
			tick = t.C
		}
		for {
			select {
			case <-tick:
				take()
			case <-done:
				take()
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
		})
	}
}

func logTaken(log *slog.Logger, cp *Checkpoint, rep *Report, err error) {
	switch {
	case errors.Is(err, ErrTrailBroken) && rep != nil:
		for _, p := range rep.Problems {
			log.Error("audit trail problem", "problem", p.Error())
		}
		log.Error("audit checkpoint refused: the trail has problems; run whatmatters audit verify", "problems", len(rep.Problems)+rep.Omitted)
	case err != nil:
		log.Error("audit checkpoint failed", "err", err)
	case cp != nil:
		log.Info("audit checkpoint", "length", cp.Length, "file", cp.FileName())
	}
}

// CheckStatus is what this server's last check of the trail found, for the
// data protection officer's page.
type CheckStatus struct {
	At       time.Time
	Length   int64    // rows in the trail when it was checked
	Signed   bool     // a signed checkpoint records the trail as it was
	Problems []string // what is wrong, in the verifier's words
	Failed   string   // the check could not be made (not a problem with the trail)
}

// OK reports whether the check ran and found nothing wrong.
func (c *CheckStatus) OK() bool { return c.Failed == "" && len(c.Problems) == 0 }

var lastCheck struct {
	sync.Mutex
	status *CheckStatus
}

// LastCheck is what this server's checkpoints last found, or nil if they
// have not run since it started.
func LastCheck() *CheckStatus {
	lastCheck.Lock()
	defer lastCheck.Unlock()
	if lastCheck.status == nil {
		return nil
	}
	c := *lastCheck.status
	return &c
}

func noteCheck(cp *Checkpoint, rep *Report, err error) {
	c := &CheckStatus{At: time.Now().UTC(), Signed: cp != nil}
	if rep != nil {
		c.Length = rep.Length
		for _, p := range rep.Problems {
			c.Problems = append(c.Problems, p.Error())
		}
	}
	if err != nil && !errors.Is(err, ErrTrailBroken) {
		c.Failed = err.Error()
	}
	lastCheck.Lock()
	lastCheck.status = c
	lastCheck.Unlock()
}
