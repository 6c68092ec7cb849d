package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"whatmatters/internal/store"
)

// ChainKeys are the secret keys the trail's rows are chained with
// (HMAC-SHA256). The first is the one new rows are written with; any
// others are retired keys, kept so that rows written before a rotation
// can still be checked. They live in a key file outside the database.
type ChainKeys struct {
	keys [][]byte
	ids  []string
}

// minChainKeyBytes is the shortest key accepted: 32 bytes, the HMAC-SHA256
// block of security.
const minChainKeyBytes = 32

// ErrNoChainKey is returned by Write when no chain key has been set: the
// trail is never written unkeyed.
var ErrNoChainKey = errors.New("audit: no chain key is configured (see --audit-key-file), so nothing can be written to the trail")

var current atomic.Pointer[ChainKeys]

// SetChainKeys sets the keys Write chains new rows with and Verify checks
// them against. The program calls it once at start, from the key file;
// tests call it with keys of their own. nil unsets them, after which
// Write refuses.
func SetChainKeys(k *ChainKeys) { current.Store(k) }

// CurrentChainKeys returns the keys set by SetChainKeys, or nil.
func CurrentChainKeys() *ChainKeys { return current.Load() }

// ParseChainKeys reads a key file's contents: one key per line, each at
// least 32 bytes written as hexadecimal (as `openssl rand -hex 32` prints);
// blank lines and lines starting with # are ignored. The first key is the
// current one.
func ParseChainKeys(b []byte) (*ChainKeys, error) {
	k := &ChainKeys{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		raw, err := hex.DecodeString(line)
		if err != nil {
			return nil, fmt.Errorf("line %d is not a hexadecimal key", i+1)
		}
		if len(raw) < minChainKeyBytes {
			return nil, fmt.Errorf("line %d: the key is %d bytes; at least %d are needed", i+1, len(raw), minChainKeyBytes)
		}
		k.keys = append(k.keys, raw)
		k.ids = append(k.ids, keyID(raw))
	}
	if len(k.keys) == 0 {
		return nil, errors.New("it holds no key")
	}
	return k, nil
}

// NewChainKeys returns keys made from the given raw keys, the first being
// current. For tests and key generation.
func NewChainKeys(raw ...[]byte) *ChainKeys {
	k := &ChainKeys{}
	for _, r := range raw {
		k.keys = append(k.keys, append([]byte(nil), r...))
		k.ids = append(k.ids, keyID(r))
	}
	return k
}

// LoadChainKeys reads a chain key file. A file that cannot be read, or
// holds no usable key, is an error: the caller must refuse to start rather
// than carry on without the key.
func LoadChainKeys(path string) (*ChainKeys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit chain key file: %w", err)
	}
	k, err := ParseChainKeys(b)
	if err != nil {
		return nil, fmt.Errorf("audit chain key file %s: %w", path, err)
	}
	return k, nil
}

// ID names the current key without revealing it.
func (k *ChainKeys) ID() string { return k.ids[0] }

// IDs lists every key's ID, the current one first.
func (k *ChainKeys) IDs() []string { return append([]string(nil), k.ids...) }

// Has reports whether the key with this ID is among the keys.
func (k *ChainKeys) Has(id string) bool { return k != nil && k.byID(id) != nil }

func (k *ChainKeys) byID(id string) []byte {
	if k == nil {
		return nil
	}
	for i, kid := range k.ids {
		if kid == id {
			return k.keys[i]
		}
	}
	return nil
}

// keyID is the first 16 hex digits of an HMAC of a fixed label under the
// key: it tells keys apart and gives nothing away about them.
func keyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("whatmatters audit chain key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// NewChainKeyLine returns a fresh random key as a key file line.
func NewChainKeyLine() string {
	b := make([]byte, minChainKeyBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b) + "\n"
}

// CreateSecretFile writes data to a new file readable by its owner only
// (0600), creating its directory (0700) if need be. It never replaces an
// existing file.
func CreateSecretFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// ReplaceSecretFile writes data to path (0600) by way of a temporary file
// and a rename, so the file is never seen half-written. For key rotation.
func ReplaceSecretFile(path string, data []byte) error {
	tmp := path + ".new"
	_ = os.Remove(tmp)
	if err := CreateSecretFile(tmp, data); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// NewSigningKey returns a fresh Ed25519 private key as PKCS#8 PEM, the
// form `openssl genpkey -algorithm ed25519` writes.
func NewSigningKey() ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParseSigningKey reads an Ed25519 private key in PKCS#8 PEM.
func ParseSigningKey(b []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("it does not hold a PEM \"PRIVATE KEY\"")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("the key is not an Ed25519 key")
	}
	return priv, nil
}

// LoadSigningKey reads the checkpoint signing key file; any failure is an
// error, never a reason to carry on unsigned.
func LoadSigningKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit signing key file: %w", err)
	}
	k, err := ParseSigningKey(b)
	if err != nil {
		return nil, fmt.Errorf("audit signing key file %s: %w", path, err)
	}
	return k, nil
}

// PublicKeyPEM encodes a public key as PKIX PEM ("PUBLIC KEY"), the form
// `openssl pkey -pubout` writes.
func PublicKeyPEM(pub ed25519.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err) // an ed25519.PublicKey always marshals
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKeys reads one or more Ed25519 public keys in PKIX PEM. A
// file may hold several, so that checkpoints signed before a rotation of
// the signing key still verify.
func ParsePublicKeys(b []byte) ([]ed25519.PublicKey, error) {
	var out []ed25519.PublicKey
	rest := bytes.TrimSpace(b)
	for len(rest) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("it holds something other than PEM blocks")
		}
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("it holds a PEM %q; only \"PUBLIC KEY\" blocks belong in a public key file", block.Type)
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, errors.New("a key in it is not an Ed25519 key")
		}
		out = append(out, pub)
		rest = bytes.TrimSpace(rest)
	}
	if len(out) == 0 {
		return nil, errors.New("it holds no key")
	}
	return out, nil
}

// LoadPublicKeys reads a public key file (see ParsePublicKeys).
func LoadPublicKeys(path string) ([]ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit public key file: %w", err)
	}
	k, err := ParsePublicKeys(b)
	if err != nil {
		return nil, fmt.Errorf("audit public key file %s: %w", path, err)
	}
	return k, nil
}

// Fingerprint names a public key: the first 16 hex digits of its SHA-256.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])[:16]
}

// KeyInUse returns the ID of the chain key the newest keyed row was
// written with, or "" if no row is keyed yet. A program about to write
// checks that its keys include it, so that a wrong or freshly made key
// file is not used on a trail chained with another key.
func KeyInUse(ctx context.Context, r store.Reader) (string, error) {
	var id string
	err := r.QueryRowContext(ctx, `SELECT key_id FROM audit_events WHERE key_id <> '' ORDER BY seq DESC LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("audit: read the chain key in use: %w", err)
	}
	return id, nil
}
