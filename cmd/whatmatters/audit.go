package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/store"
)

func init() {
	register("audit", "check the audit trail, checkpoint it, make its keys: audit verify|checkpoint|keygen|public-key", runAudit)
}

const auditUsage = `Usage:
  whatmatters audit verify [--checkpoints DIR] [--public-key FILE] [--audit-key-file FILE] [--db DSN] [--data-dir DIR]
  whatmatters audit checkpoint [--audit-checkpoint-dir DIR] [--audit-signing-key-file FILE] [--audit-key-file FILE] [--db DSN] [--data-dir DIR]
  whatmatters audit keygen [--chain-key FILE [--rotate]] [--signing-key FILE]
  whatmatters audit public-key [--audit-signing-key-file FILE] [--data-dir DIR]`

func runAudit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, auditUsage)
		return 2
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(args[1:], stdout, stderr)
	case "checkpoint":
		return runAuditCheckpoint(args[1:], stdout, stderr)
	case "keygen":
		return runAuditKeygen(args[1:], stdout, stderr)
	case "public-key":
		return runAuditPublicKey(args[1:], stdout, stderr)
	}
	fmt.Fprintln(stderr, auditUsage)
	return 2
}

// openForAudit opens the database without migrating it (a check must not
// change what it checks) and sets the chain key without making one.
func openForAudit(ctx context.Context, d *dbFlags) (*store.DB, *audit.ChainKeys, error) {
	named, err := loadNamedChainKeys(d.auditKeyFile)
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, d.dsn, d.dataDir)
	if err != nil {
		return nil, nil, err
	}
	current, latest, err := db.SchemaVersion(ctx)
	if err == nil && current < latest {
		err = fmt.Errorf("the database schema is at version %d of %d: run whatmatters migrate first (audit commands change nothing in the database)", current, latest)
	}
	var keys *audit.ChainKeys
	if err == nil {
		keys, err = chainKeys(ctx, db, named, d.dataDir, false, d.note)
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, keys, nil
}

// runAuditVerify checks the whole trail, and holds it to every checkpoint
// given. It exits 1 and names every problem: rows altered, missing,
// reordered or renumbered, rows cut from the end, checkpoints not signed
// by this installation.
func runAuditVerify(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("audit verify", stderr)
	var d dbFlags
	d.register(flags)
	var cf checkpointFlags
	flags.StringVar(&cf.signingKeyFile, "audit-signing-key-file", env("AUDIT_SIGNING_KEY_FILE", ""), "signing key whose public key checks the checkpoints, if --public-key is not given")
	checkpoints := flags.String("checkpoints", env("AUDIT_CHECKPOINT_DIR", ""), "directory of signed checkpoints to hold the trail to; default "+defaultCheckpointDirName+" in --data-dir if it exists (env WHATMATTERS_AUDIT_CHECKPOINT_DIR)")
	publicKey := flags.String("public-key", env("AUDIT_PUBLIC_KEY_FILE", ""), "file of the public key(s) (PEM) that sign this installation's checkpoints; default the signing key's (env WHATMATTERS_AUDIT_PUBLIC_KEY_FILE)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()

	// The checkpoints: a directory named must be readable and hold some.
	dir, named := *checkpoints, *checkpoints != ""
	if !named {
		dir = filepath.Join(d.dataDir, defaultCheckpointDirName)
	}
	files, err := audit.DirSink{Dir: dir}.Checkpoints(ctx)
	switch {
	case err != nil && (named || !errors.Is(err, fs.ErrNotExist)):
		return fail(stderr, "--checkpoints %s: %v", dir, err)
	case named && len(files) == 0:
		fmt.Fprintf(stdout, "audit trail NOT VERIFIED: --checkpoints %s holds no checkpoints (*.checkpoint)\n", dir)
		return 1
	}
	var pubs []ed25519.PublicKey
	var pubFrom string
	if len(files) > 0 {
		pubs, pubFrom, err = publicKeys(*publicKey, cf.signingKeyFile, d.dataDir)
		if err != nil {
			fmt.Fprintf(stderr, "whatmatters: %v\n", err)
			return 2
		}
	}

	db, keys, err := openForAudit(ctx, &d)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	rep, err := audit.Check(ctx, db.Read(), audit.Options{Keys: keys, Checkpoints: files, PublicKeys: pubs})
	if err != nil {
		return fail(stderr, "%v", err)
	}

	keyNote := "no chain key"
	if keys != nil {
		keyNote = "chain key " + strings.Join(keys.IDs(), ", ")
	}
	fmt.Fprintf(stdout, "audit trail: %d rows, installation %s, %s\n", rep.Rows, rep.Installation, keyNote)
	if rep.LegacyRows > 0 {
		fmt.Fprintf(stdout, "  %d rows were written before keyed chaining (rows before %d): their plain SHA-256 hashes can be recomputed by anyone, so only checkpoints protect them\n",
			rep.LegacyRows, rep.KeyedFrom)
	}
	if len(files) == 0 {
		fmt.Fprintf(stdout, "  no checkpoints given (--checkpoints): rows cut from the end, or a trail rewritten with the chain key, cannot be detected\n")
	} else {
		noun := "checkpoints"
		if len(files) == 1 {
			noun = "checkpoint"
		}
		fmt.Fprintf(stdout, "  %d %s in %s, checked with public key %s from %s: %d agree", len(files), noun, dir, fingerprintList(pubs), pubFrom, rep.Checkpoints)
		if rep.Newest != nil {
			fmt.Fprintf(stdout, " (the newest: %d rows at %s)", rep.Newest.Length, rep.Newest.Time.Format(time.RFC3339))
		}
		fmt.Fprintln(stdout)
		if rep.Newest != nil && rep.Length > rep.Newest.Length {
			fmt.Fprintf(stdout, "  rows %d–%d came after the newest checkpoint: only the chain key protects them\n", rep.Newest.Length+1, rep.Length)
		}
	}
	if !rep.OK() {
		first := rep.Problems[0]
		where := fmt.Sprintf("row %d", first.Seq)
		if first.Seq == 0 {
			where = "checkpoint " + first.Checkpoint
		}
		fmt.Fprintf(stdout, "audit trail BROKEN at %s: %s\n", where, countProblems(len(rep.Problems)+rep.Omitted))
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "  PROBLEM %s\n", p.Error())
		}
		if rep.Omitted > 0 {
			fmt.Fprintf(stdout, "  … and %d more\n", rep.Omitted)
		}
		return 1
	}
	fmt.Fprintf(stdout, "audit trail intact: %d rows checked\n", rep.Rows)
	return 0
}

// publicKeys finds the keys that check checkpoints: --public-key, else the
// public half of --audit-signing-key-file, else the data directory's
// audit-signing.key.pub or audit-signing.key.
func publicKeys(publicKey, signingKey, dataDir string) ([]ed25519.PublicKey, string, error) {
	if publicKey != "" {
		k, err := audit.LoadPublicKeys(publicKey)
		return k, publicKey, err
	}
	if signingKey != "" {
		k, err := audit.LoadSigningKey(signingKey)
		if err != nil {
			return nil, "", err
		}
		return []ed25519.PublicKey{k.Public().(ed25519.PublicKey)}, signingKey, nil
	}
	def := filepath.Join(dataDir, defaultSigningKeyName)
	if k, err := audit.LoadPublicKeys(def + ".pub"); err == nil {
		return k, def + ".pub", nil
	}
	if k, err := audit.LoadSigningKey(def); err == nil {
		return []ed25519.PublicKey{k.Public().(ed25519.PublicKey)}, def, nil
	}
	return nil, "", errors.New("--public-key: there are checkpoints to check but no public key to check them with: name this installation's public key file with --public-key")
}

func countProblems(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}

func fingerprintList(keys []ed25519.PublicKey) string {
	var s []string
	for _, k := range keys {
		s = append(s, audit.Fingerprint(k))
	}
	return strings.Join(s, ", ")
}

// runAuditCheckpoint checks the trail (against the checkpoints already in
// the directory, too) and writes a signed checkpoint of it there.
func runAuditCheckpoint(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("audit checkpoint", stderr)
	var d dbFlags
	d.register(flags)
	var cf checkpointFlags
	cf.registerKeyAndDir(flags)
	if err := flags.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	signer, err := cf.signer(d.dataDir, d.note)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	db, _, err := openForAudit(ctx, &d)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	dir := cf.directory(d.dataDir)
	cp, rep, err := audit.TakeCheckpoint(ctx, db.Read(), audit.DirSink{Dir: dir}, signer)
	if errors.Is(err, audit.ErrTrailBroken) {
		fmt.Fprintf(stdout, "no checkpoint written: the audit trail has %s (whatmatters audit verify says more)\n", countProblems(len(rep.Problems)+rep.Omitted))
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "  PROBLEM %s\n", p.Error())
		}
		return 1
	}
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if cp == rep.Newest {
		fmt.Fprintf(stdout, "the audit trail (%d rows) is already recorded by checkpoint %s\n", cp.Length, filepath.Join(dir, cp.FileName()))
		return 0
	}
	fmt.Fprintf(stdout, "checkpoint written: %s (%d rows, signed by key %s)\n", filepath.Join(dir, cp.FileName()), cp.Length,
		audit.Fingerprint(signer.Public().(ed25519.PublicKey)))
	return 0
}

// runAuditKeygen makes keys: a chain key file, or a new key in front of
// the old ones (--rotate); an Ed25519 signing key with its public key
// beside it. It never overwrites a key.
func runAuditKeygen(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("audit keygen", stderr)
	chainKey := flags.String("chain-key", "", "write a new audit chain key to this file (0600)")
	rotate := flags.Bool("rotate", false, "with --chain-key: the file exists; put a new key in front of its keys, which stay to check older rows")
	signingKey := flags.String("signing-key", "", "write a new Ed25519 checkpoint signing key to this file (0600) and its public key to FILE.pub")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *chainKey == "" && *signingKey == "" {
		fmt.Fprintln(stderr, "whatmatters: audit keygen: give --chain-key FILE, --signing-key FILE, or both")
		return 2
	}
	stamp := time.Now().UTC().Format(time.RFC3339)
	if *chainKey != "" {
		_, statErr := os.Stat(*chainKey)
		exists := statErr == nil
		switch {
		case exists && !*rotate:
			fmt.Fprintf(stderr, "whatmatters: --chain-key %s exists; keygen never overwrites a key (add --rotate to put a new key in front of it)\n", *chainKey)
			return 2
		case !exists && *rotate:
			fmt.Fprintf(stderr, "whatmatters: --rotate: %s does not exist, so there is nothing to rotate\n", *chainKey)
			return 2
		}
		line := audit.NewChainKeyLine()
		k, err := audit.ParseChainKeys([]byte(line))
		if err != nil {
			return fail(stderr, "%v", err)
		}
		id := k.ID()
		if *rotate {
			old, err := os.ReadFile(*chainKey)
			if err != nil {
				return fail(stderr, "%v", err)
			}
			if _, err := audit.ParseChainKeys(old); err != nil {
				return fail(stderr, "--chain-key %s: %v", *chainKey, err)
			}
			content := "# whatmatters audit chain key, current since " + stamp + "\n" + line +
				"# older keys, kept to check the rows written with them\n" + string(old)
			if err := audit.ReplaceSecretFile(*chainKey, []byte(content)); err != nil {
				return fail(stderr, "%v", err)
			}
			fmt.Fprintf(stdout, "chain key %s put in front of the keys in %s; restart whatmatters to write with it, and keep the older keys in the file\n", id, *chainKey)
		} else {
			if err := audit.CreateSecretFile(*chainKey, []byte("# whatmatters audit chain key, created "+stamp+"\n"+line)); err != nil {
				return fail(stderr, "%v", err)
			}
			fmt.Fprintf(stdout, "chain key %s written to %s (0600)\n", id, *chainKey)
		}
	}
	if *signingKey != "" {
		if err := createSigningKey(*signingKey); err != nil {
			if errors.Is(err, fs.ErrExist) {
				fmt.Fprintf(stderr, "whatmatters: --signing-key %s: %v; keygen never overwrites a key\n", *signingKey, err)
				return 2
			}
			return fail(stderr, "%v", err)
		}
		k, err := audit.LoadSigningKey(*signingKey)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		fmt.Fprintf(stdout, "signing key %s written to %s (0600), public key to %s.pub\n",
			audit.Fingerprint(k.Public().(ed25519.PublicKey)), *signingKey, *signingKey)
	}
	return 0
}

// runAuditPublicKey prints the public key of the checkpoint signing key,
// to give to whoever verifies checkpoints.
func runAuditPublicKey(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("audit public-key", stderr)
	var cf checkpointFlags
	flags.StringVar(&cf.signingKeyFile, "audit-signing-key-file", env("AUDIT_SIGNING_KEY_FILE", ""), "the signing key; default "+defaultSigningKeyName+" in --data-dir")
	dataDir := flags.String("data-dir", env("DATA_DIR", "data"), "the data directory (env WHATMATTERS_DATA_DIR)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	path := cf.signingKeyFile
	if path == "" {
		path = filepath.Join(*dataDir, defaultSigningKeyName)
	}
	k, err := audit.LoadSigningKey(path)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	stdout.Write(audit.PublicKeyPEM(k.Public().(ed25519.PublicKey)))
	return 0
}
