// Package sqlite is Baken's embedded storage engine: one SQLite file in the data
// directory, through the pure-Go modernc.org/sqlite driver, so that Baken runs with
// nothing else installed.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/baken-cert/baken/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// timeLayout has a fixed width, so that times compare correctly as text.
const timeLayout = "2006-01-02 15:04:05.000000"

// Open opens (creating if needed) the database file at path.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	// WAL lets readers go on while one writer writes; busy_timeout makes a second
	// writer wait rather than fail; _txlock=immediate takes the write lock at BEGIN, so
	// two transactions never deadlock upgrading a read lock.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	// Every connection stays open, and with it the statements prepared on it.
	db.SetMaxIdleConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	return sqlstore.New(db, sqlstore.Dialect{
		Name:        "sqlite",
		Migrations:  sub,
		Time:        func(t time.Time) any { return t.UTC().Format(timeLayout) },
		Placeholder: sqlstore.Question,
		// SQLite has one writer at a time; the claim's UPDATE holds it.
		SkipLocked: "",
		// Each migration runs in a BEGIN IMMEDIATE transaction, which serialises them.
		LockMigrations: func(context.Context, *sql.Conn) (func(), error) { return func() {}, nil },
		CopyRows:       copyRowsSQLite,
		BeginWrite:     "BEGIN IMMEDIATE",
		MergeAssets: `INSERT INTO assets (org_id, kind, value, verification, provenance, created_at, updated_at)
			SELECT o.id, s.kind, s.value, s.verification, s.provenance, $1, $1
			FROM import_assets s JOIN organisations o ON o.ref = s.org_ref
			WHERE true
			ON CONFLICT (org_id, kind, value) DO NOTHING`,
	}), nil
}

// copyRows is how many rows one prepared statement of copyRows inserts.
const copyRows = 100

// copyRows inserts rows through prepared multi-row statements: parsing SQL is what costs
// most in SQLite, so it is done twice per call, not once per batch.
func copyRowsSQLite(ctx context.Context, conn *sql.Conn, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	insert := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES "
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + ")"
	many, err := conn.PrepareContext(ctx, insert+strings.TrimSuffix(strings.Repeat(tuple+",", copyRows), ","))
	if err != nil {
		return err
	}
	defer many.Close()
	one, err := conn.PrepareContext(ctx, insert+tuple)
	if err != nil {
		return err
	}
	defer one.Close()
	args := make([]any, 0, len(columns)*copyRows)
	for len(rows) > 0 {
		stmt, n := many, copyRows
		if len(rows) < copyRows {
			stmt, n = one, 1
		}
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
