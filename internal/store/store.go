// Package store opens the database (SQLite by default, PostgreSQL for larger
// deployments), runs the embedded migrations and provides the one
// transaction helper every domain package writes through.
//
// Both engines are reached through database/sql with the same SQL: `$1`
// placeholders and RETURNING work on both. Where the dialects differ, the
// difference lives here.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB holds the pools for one database. On SQLite writes go through a single
// connection (SQLite has one writer at a time; queueing in Go is kinder than
// SQLITE_BUSY) and reads through a separate pool. On PostgreSQL both are the
// same pool.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	pgPool  *pgxpool.Pool
	// Where a SQLite database lives; empty for PostgreSQL.
	Path string
}

// Open connects to the database named by dsn. An empty dsn means a SQLite
// file called whatmatters.db under dataDir; "postgres://" or "postgresql://"
// selects PostgreSQL; "sqlite:PATH" or a plain path selects a SQLite file.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	switch {
	case isPostgres(dsn):
		return openPostgres(ctx, dsn)
	case dsn == "":
		if dataDir == "" {
			dataDir = "data"
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: cannot create data directory %s: %w", dataDir, err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, "whatmatters.db"))
	default:
		return openSQLite(ctx, trimSQLitePrefix(dsn))
	}
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func trimSQLitePrefix(dsn string) string {
	return strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:")
}

// sqliteDSN builds the connection string. The pragmas must be in the DSN,
// not exec'd once, because database/sql opens new connections at will and
// each needs them. busy_timeout comes before journal_mode so that switching
// to WAL waits for other connections instead of failing. synchronous(FULL):
// a recorded conversation must survive a power cut. _txlock=immediate takes
// the write lock at BEGIN, so read-then-write transactions queue instead of
// failing with "database is locked".
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{
		"busy_timeout(10000)",
		"journal_mode(WAL)",
		"synchronous(FULL)",
		"foreign_keys(ON)",
		"temp_store(MEMORY)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: empty SQLite path")
	}
	write, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	db := &DB{Dialect: SQLite, write: write, read: read, Path: path}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot use SQLite database %s: %w", path, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The error text can contain the DSN, password included: keep it out.
		return nil, errors.New("store: the PostgreSQL connection string could not be parsed")
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect to PostgreSQL at %s: %w", cfg.ConnConfig.Host, err)
	}
	sdb := stdlib.OpenDBFromPool(pool)
	db := &DB{Dialect: Postgres, write: sdb, read: sdb, pgPool: pool}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to PostgreSQL at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return db, nil
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close releases every connection.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	if db.pgPool != nil {
		db.pgPool.Close()
	}
	return err
}

// Reader is what read-only queries need; *sql.DB and *sql.Tx both satisfy it.
type Reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Querier is what writes inside a transaction need.
type Querier interface {
	Reader
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Read returns the pool for queries that change nothing.
func (db *DB) Read() Reader { return db.read }

// Now is the one clock the database layer uses: UTC, truncated to the
// microsecond so that a time written and read back is identical on both
// engines (PostgreSQL keeps microseconds). Tests may replace it.
var Now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// PoolStats reports the connection pools for /metrics: on SQLite "write"
// (the one writing connection) and "read"; on PostgreSQL "shared", the
// one pool both use. On PostgreSQL database/sql sits on pgx's pool, which
// holds the real connections, so its figures are given in sql.DBStats's
// terms (database/sql's own would count only borrowings from it).
func (db *DB) PoolStats() map[string]sql.DBStats {
	if db.pgPool != nil {
		st := db.pgPool.Stat()
		return map[string]sql.DBStats{"shared": {
			MaxOpenConnections: int(st.MaxConns()), OpenConnections: int(st.TotalConns()),
			InUse: int(st.AcquiredConns()), Idle: int(st.IdleConns()),
			WaitCount: st.EmptyAcquireCount(), WaitDuration: st.EmptyAcquireWaitTime(),
			MaxIdleTimeClosed: st.MaxIdleDestroyCount(), MaxLifetimeClosed: st.MaxLifetimeDestroyCount(),
		}}
	}
	return map[string]sql.DBStats{"write": db.write.Stats(), "read": db.read.Stats()}
}
