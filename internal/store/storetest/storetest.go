// Package storetest gives each test a fresh, migrated database: a SQLite
// file in the test's temporary directory, or, when WHATMATTERS_TEST_POSTGRES
// names a PostgreSQL server, a new database on it made from a migrated
// template. The whole suite runs on both engines this way (`make check`
// runs it twice).
//
// Importing it also sets a fixed audit chain key (TestChainKey), as the
// program does at start from its key file, so that code under test can
// write to the audit trail; a test may set keys of its own instead.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
)

// TestChainKey is the audit chain key tests write with. It is public and
// so protects nothing: for tests only.
var TestChainKey = []byte("whatmatters test audit chain key, never for real use")

func init() {
	if audit.CurrentChainKeys() == nil {
		audit.SetChainKeys(audit.NewChainKeys(TestChainKey))
	}
}

// EnvPostgres names the environment variable holding the PostgreSQL server
// the tests may use.
const EnvPostgres = "WHATMATTERS_TEST_POSTGRES"

// Open returns a fresh migrated database, closed (and on PostgreSQL
// dropped) when the test ends.
func Open(t testing.TB) *store.DB {
	t.Helper()
	dsn := DSN(t)
	db, err := store.Open(context.Background(), dsn, "")
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return db
}

// DSN creates an empty database for the test (migrated on PostgreSQL,
// where it is cloned from a template; not yet created on SQLite) and
// returns its connection string, for tests that open it themselves,
// perhaps from another process.
func DSN(t testing.TB) string {
	t.Helper()
	server := os.Getenv(EnvPostgres)
	if server == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	return postgresDatabase(t, server)
}

// Engine names the engine the tests run on, for test names and messages.
func Engine() string {
	if os.Getenv(EnvPostgres) != "" {
		return "postgres"
	}
	return "sqlite"
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
	createMu     sync.Mutex // PostgreSQL refuses two CREATE DATABASE from one template at once
)

func postgresDatabase(t testing.TB, server string) string {
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	templateOnce.Do(func() { templateName, templateErr = makeTemplate(admin, server) })
	if templateErr != nil {
		t.Fatalf("prepare template database: %v", templateErr)
	}
	name := "wm_test_" + randomHex()
	createMu.Lock()
	_, err = admin.Exec(fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, templateName))
	createMu.Unlock()
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return withDatabase(server, name)
}

// makeTemplate migrates one database per test process, which each test's
// database is then copied from: far quicker than migrating every time.
func makeTemplate(admin *sql.DB, server string) (string, error) {
	name := "wm_tmpl_" + randomHex()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		return "", err
	}
	db, err := store.Open(context.Background(), withDatabase(server, name), "")
	if err != nil {
		return "", err
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		return "", err
	}
	return name, nil
}

func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
