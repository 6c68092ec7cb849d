package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A Checkpoint records the trail's length and head hash at a moment, for
// one installation. Signed (Ed25519) and kept outside the database, it
// pins everything up to that length, in the manner of a Certificate
// Transparency signed tree head (RFC 9162): whoever later holds the
// database, and even the chain key, cannot shorten or rewrite the trail up
// to a checkpoint without the checkpoint giving them away.
type Checkpoint struct {
	Installation string    // audit_chain.installation
	Length       int64     // the sequence number of the last row
	Head         string    // that row's hash; "" when the trail is empty
	KeyedFrom    int64     // the first row that must carry an HMAC
	Time         time.Time // when it was taken (UTC)
}

const checkpointHeader = "whatmatters audit checkpoint v1"

// body is the signed text: one field a line, in a fixed order.
func (c Checkpoint) body() []byte {
	head := c.Head
	if head == "" {
		head = "none"
	}
	return fmt.Appendf(nil, "%s\ninstallation %s\nlength %d\nhead %s\nkeyed-from %d\ntime %s\n",
		checkpointHeader, c.Installation, c.Length, head, c.KeyedFrom, c.Time.UTC().Format(time.RFC3339Nano))
}

// Sign returns the checkpoint file: the body, a blank line and a signature
// line naming the signing key's fingerprint.
func (c Checkpoint) Sign(priv ed25519.PrivateKey) []byte {
	body := c.body()
	sig := ed25519.Sign(priv, body)
	pub := priv.Public().(ed25519.PublicKey)
	out := append(body, '\n')
	return fmt.Appendf(out, "signature ed25519 %s %s\n", Fingerprint(pub), base64.StdEncoding.EncodeToString(sig))
}

// FileName is the name a checkpoint is stored under: installation, time
// and length, so names sort by time and never repeat.
func (c Checkpoint) FileName() string {
	inst := c.Installation
	if len(inst) > 8 {
		inst = inst[:8]
	}
	return fmt.Sprintf("%s-%s-%012d.checkpoint", inst, c.Time.UTC().Format("20060102T150405.000000000Z"), c.Length)
}

// CheckpointFile is a stored checkpoint as read back, not yet trusted.
type CheckpointFile struct {
	Name string
	Data []byte
}

// SignedCheckpoint is a parsed checkpoint file. Its fields mean nothing
// until SignedBy has confirmed the signature.
type SignedCheckpoint struct {
	Checkpoint
	Name     string
	SignerFP string // the fingerprint the file claims; not proof of anything
	body     []byte
	sig      []byte
}

// ParseCheckpoint reads a checkpoint file strictly: anything but the exact
// form Sign writes is refused.
func ParseCheckpoint(f CheckpointFile) (*SignedCheckpoint, error) {
	i := bytes.Index(f.Data, []byte("\n\n"))
	if i < 0 {
		return nil, errors.New("it has no signature")
	}
	body, sigPart := f.Data[:i+1], string(f.Data[i+2:])
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if len(lines) != 6 || lines[0] != checkpointHeader {
		return nil, errors.New("it is not a whatmatters audit checkpoint (v1)")
	}
	s := &SignedCheckpoint{Name: f.Name, body: body}
	field := func(line, name string) (string, error) {
		v, ok := strings.CutPrefix(line, name+" ")
		if !ok || v == "" {
			return "", fmt.Errorf("its %q line is missing or out of place", name)
		}
		return v, nil
	}
	var err error
	var v string
	if s.Installation, err = field(lines[1], "installation"); err != nil {
		return nil, err
	}
	if v, err = field(lines[2], "length"); err != nil {
		return nil, err
	}
	if s.Length, err = strconv.ParseInt(v, 10, 64); err != nil || s.Length < 0 {
		return nil, errors.New("its length is not a number")
	}
	if s.Head, err = field(lines[3], "head"); err != nil {
		return nil, err
	}
	if s.Head == "none" {
		s.Head = ""
	}
	if v, err = field(lines[4], "keyed-from"); err != nil {
		return nil, err
	}
	if s.KeyedFrom, err = strconv.ParseInt(v, 10, 64); err != nil {
		return nil, errors.New("its keyed-from is not a number")
	}
	if v, err = field(lines[5], "time"); err != nil {
		return nil, err
	}
	if s.Time, err = time.Parse(time.RFC3339Nano, v); err != nil {
		return nil, errors.New("its time is not a time")
	}
	parts := strings.Fields(strings.TrimSuffix(sigPart, "\n"))
	if len(parts) != 4 || parts[0] != "signature" || parts[1] != "ed25519" || strings.Count(sigPart, "\n") != 1 {
		return nil, errors.New("its signature line is malformed")
	}
	s.SignerFP = parts[2]
	if s.sig, err = base64.StdEncoding.DecodeString(parts[3]); err != nil || len(s.sig) != ed25519.SignatureSize {
		return nil, errors.New("its signature is malformed")
	}
	return s, nil
}

// SignedBy reports whether one of the keys made the signature.
func (s *SignedCheckpoint) SignedBy(keys []ed25519.PublicKey) bool {
	for _, k := range keys {
		if ed25519.Verify(k, s.body, s.sig) {
			return true
		}
	}
	return false
}

// A Sink keeps signed checkpoints outside the database, ideally somewhere
// the database's holders cannot rewrite (append-only or write-once storage,
// another machine). Put must never replace an existing checkpoint.
type Sink interface {
	Put(ctx context.Context, name string, data []byte) error
}

// A Source gives back the checkpoints a sink holds, for checking.
type Source interface {
	Checkpoints(ctx context.Context) ([]CheckpointFile, error)
}

// DirSink keeps checkpoints as files in a directory. Each is written to a
// temporary file, synced, and then linked into place under its final name,
// which fails rather than overwrite; the directory is synced after.
type DirSink struct{ Dir string }

// Put implements Sink.
func (d DirSink) Put(ctx context.Context, name string, data []byte) error {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("audit: bad checkpoint name %q", name)
	}
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return fmt.Errorf("audit: checkpoint directory: %w", err)
	}
	final := filepath.Join(d.Dir, name)
	tmp, err := os.CreateTemp(d.Dir, ".tmp-"+name+"-*")
	if err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return fmt.Errorf("audit: write checkpoint: %w", err)
	}
	// A hard link is an atomic "create, but not over anything": unlike
	// rename it fails if the name is taken.
	if err := os.Link(tmp.Name(), final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("audit: checkpoint %s already exists; it is never overwritten", final)
		}
		// Some filesystems have no hard links: rename, having checked
		// the name is free (names carry the time to the nanosecond).
		if _, serr := os.Lstat(final); serr == nil {
			return fmt.Errorf("audit: checkpoint %s already exists; it is never overwritten", final)
		}
		if err := os.Rename(tmp.Name(), final); err != nil {
			return fmt.Errorf("audit: write checkpoint: %w", err)
		}
	}
	return syncDir(d.Dir)
}

// Checkpoints implements Source: every *.checkpoint file in the directory,
// sorted by name. A directory that cannot be read is an error.
func (d DirSink) Checkpoints(ctx context.Context) ([]CheckpointFile, error) {
	entries, err := os.ReadDir(d.Dir)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoints: %w", err)
	}
	var out []CheckpointFile
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".checkpoint") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d.Dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("audit: checkpoints: %w", err)
		}
		out = append(out, CheckpointFile{Name: e.Name(), Data: b})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
