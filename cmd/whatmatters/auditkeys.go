package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
)

// Where the audit keys and checkpoints go when no flag names them: beside
// the SQLite database, which is fine for trying whatmatters out and weak
// in production (docs/operations.md says where they belong).
const (
	defaultChainKeyName      = "audit-chain.key"
	defaultSigningKeyName    = "audit-signing.key"
	defaultCheckpointDirName = "audit-checkpoints"
)

func registerChainKeyFlag(fs *flag.FlagSet, path *string) {
	fs.StringVar(path, "audit-key-file", env("AUDIT_KEY_FILE", ""),
		"file holding the audit chain key (HMAC); default "+defaultChainKeyName+" in --data-dir, created on first start (env WHATMATTERS_AUDIT_KEY_FILE)")
}

// loadNamedChainKeys reads the key file the operator named, if any. A
// named file that cannot be read or holds no key stops the program: it
// never carries on with another key, or none.
func loadNamedChainKeys(path string) (*audit.ChainKeys, error) {
	if path == "" {
		return nil, nil
	}
	k, err := audit.LoadChainKeys(path)
	if err != nil {
		return nil, fmt.Errorf("%v (named by --audit-key-file or WHATMATTERS_AUDIT_KEY_FILE); refusing to go on without it", err)
	}
	return k, nil
}

// chainKeys finds the audit chain key and sets it for this process: the
// file named by --audit-key-file, else audit-chain.key in the data
// directory. If neither exists and create is true, a new key is made
// there (0600) and note says where; but a trail that already has keyed
// rows is never given a new key, and keys that do not include the one the
// newest rows were written with are refused.
func chainKeys(ctx context.Context, db *store.DB, named *audit.ChainKeys, dataDir string, create bool, note func(string)) (*audit.ChainKeys, error) {
	keys := named
	inUse, err := audit.KeyInUse(ctx, db.Read())
	if err != nil {
		return nil, err
	}
	if keys == nil {
		path := filepath.Join(dataDir, defaultChainKeyName)
		keys, err = audit.LoadChainKeys(path)
		switch {
		case err == nil:
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%v; refusing to go on without it", err)
		case inUse != "":
			return nil, fmt.Errorf("the audit trail is chained with key %s, but no key file was named and %s does not exist: name the key file with --audit-key-file", inUse, path)
		case !create:
			keys = nil
		default:
			if err := audit.CreateSecretFile(path, []byte("# whatmatters audit chain key, created "+time.Now().UTC().Format(time.RFC3339)+"\n"+audit.NewChainKeyLine())); err != nil {
				return nil, fmt.Errorf("create the audit chain key: %w", err)
			}
			if keys, err = audit.LoadChainKeys(path); err != nil {
				return nil, err
			}
			note(fmt.Sprintf("created a new audit chain key in %s (readable by its owner only). Keep a copy somewhere safe: without it the audit trail cannot be checked. In production keep it outside the data directory and name it with --audit-key-file (docs/operations.md)", path))
		}
	}
	if keys != nil && inUse != "" && !keys.Has(inUse) {
		return nil, fmt.Errorf("the audit trail's newest rows are chained with key %s, but the key file holds %v: wrong key file? (after a rotation, keep the old key on the lines after the new one)", inUse, keys.IDs())
	}
	audit.SetChainKeys(keys)
	return keys, nil
}

// checkpointFlags say where signed audit checkpoints go, what signs them
// and how often serve takes them.
type checkpointFlags struct {
	signingKeyFile string
	dir            string
	every          time.Duration
	everyErr       error
}

func (f *checkpointFlags) registerKeyAndDir(fs *flag.FlagSet) {
	fs.StringVar(&f.signingKeyFile, "audit-signing-key-file", env("AUDIT_SIGNING_KEY_FILE", ""),
		"Ed25519 private key (PEM) that signs audit checkpoints; default "+defaultSigningKeyName+" in --data-dir, created if absent (env WHATMATTERS_AUDIT_SIGNING_KEY_FILE)")
	fs.StringVar(&f.dir, "audit-checkpoint-dir", env("AUDIT_CHECKPOINT_DIR", ""),
		"directory signed audit checkpoints are written to; default "+defaultCheckpointDirName+" in --data-dir. In production, storage the database's holders cannot rewrite (env WHATMATTERS_AUDIT_CHECKPOINT_DIR)")
}

func (f *checkpointFlags) register(fs *flag.FlagSet) {
	f.registerKeyAndDir(fs)
	f.every = 5 * time.Minute
	if v := env("AUDIT_CHECKPOINT_EVERY", ""); v != "" {
		f.every, f.everyErr = time.ParseDuration(v)
		if f.everyErr != nil {
			f.everyErr = fmt.Errorf("WHATMATTERS_AUDIT_CHECKPOINT_EVERY=%q is not a duration such as 5m", v)
		}
	}
	fs.DurationVar(&f.every, "audit-checkpoint-every", f.every,
		"how often serve checkpoints the audit trail, if rows were added; 0 for only at start and at stop (env WHATMATTERS_AUDIT_CHECKPOINT_EVERY)")
}

func (f *checkpointFlags) directory(dataDir string) string {
	if f.dir != "" {
		return f.dir
	}
	return filepath.Join(dataDir, defaultCheckpointDirName)
}

// signer loads the signing key: the file named, which must be readable,
// else audit-signing.key in the data directory, made (0600, with its
// public key beside it) if absent.
func (f *checkpointFlags) signer(dataDir string, note func(string)) (ed25519.PrivateKey, error) {
	if f.signingKeyFile != "" {
		k, err := audit.LoadSigningKey(f.signingKeyFile)
		if err != nil {
			return nil, fmt.Errorf("%v (named by --audit-signing-key-file or WHATMATTERS_AUDIT_SIGNING_KEY_FILE); refusing to go on without it", err)
		}
		return k, nil
	}
	path := filepath.Join(dataDir, defaultSigningKeyName)
	k, err := audit.LoadSigningKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := createSigningKey(path); err != nil {
		return nil, err
	}
	if k, err = audit.LoadSigningKey(path); err != nil {
		return nil, err
	}
	note(fmt.Sprintf("created a new audit checkpoint signing key in %s (readable by its owner only; public key in %s.pub, fingerprint %s). In production keep it outside the data directory and name it with --audit-signing-key-file (docs/operations.md)",
		path, path, audit.Fingerprint(k.Public().(ed25519.PublicKey))))
	return k, nil
}

// createSigningKey writes a new signing key to path and its public key to
// path.pub; it replaces neither.
func createSigningKey(path string) error {
	pem, err := audit.NewSigningKey()
	if err != nil {
		return err
	}
	if err := audit.CreateSecretFile(path, pem); err != nil {
		return fmt.Errorf("create the audit signing key: %w", err)
	}
	k, err := audit.ParseSigningKey(pem)
	if err != nil {
		return err
	}
	pub, err := os.OpenFile(path+".pub", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write the audit public key: %w", err)
	}
	if _, err := pub.Write(audit.PublicKeyPEM(k.Public().(ed25519.PublicKey))); err != nil {
		pub.Close()
		return err
	}
	return pub.Close()
}

// startCheckpoints is serve's whole checkpoint wiring: load (or make) the
// signing key, then checkpoint now, every --audit-checkpoint-every, and
// when the returned stop is called.
func (f *checkpointFlags) start(ctx context.Context, db *store.DB, dataDir string, log *slog.Logger) (stop func(), err error) {
	if f.everyErr != nil {
		return nil, f.everyErr
	}
	if f.every < 0 {
		return nil, fmt.Errorf("--audit-checkpoint-every %s: give a positive duration, or 0 for only at start and stop", f.every)
	}
	signer, err := f.signer(dataDir, func(s string) { log.Warn(s) })
	if err != nil {
		return nil, err
	}
	dir := f.directory(dataDir)
	if f.dir == "" {
		log.Warn("audit checkpoints are written beside the database, where whoever can change the database can probably delete them too; point --audit-checkpoint-dir at storage they cannot rewrite", "dir", dir)
	}
	log.Info("audit checkpoints", "dir", dir, "every", f.every.String(), "signing_key", audit.Fingerprint(signer.Public().(ed25519.PublicKey)))
	return audit.StartCheckpoints(ctx, db, audit.CheckpointConfig{
		Sink: audit.DirSink{Dir: dir}, Signer: signer, Every: f.every, Log: log}), nil
}
