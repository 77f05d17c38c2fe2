// Package sqlstore implements store.Store once, over database/sql, for every engine.
//
// The engines share their SQL where the two dialects agree (numbered $n parameters,
// ON CONFLICT, RETURNING); an engine package (store/sqlite, store/postgres) supplies a
// Dialect for the rest: how times are written, how claims lock rows, how a bulk load
// reaches the staging table, and its own migrations.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// Dialect is what differs between engines.
type Dialect struct {
	// Name is the engine's name, as store.Store.Engine reports it.
	Name string
	// Migrations holds the engine's NNNN_name.sql files at its root.
	Migrations fs.FS
	// Time converts a time for use as a query argument (SQLite compares times as text,
	// so they must sort as text).
	Time func(time.Time) any
	// Placeholder writes the n-th (1-based) query parameter of a generated statement:
	// "$n" on PostgreSQL; "?" on SQLite, where numbered parameters cost time quadratic
	// in their count.
	Placeholder func(n int) string
	// Arrays says that the engine takes a whole column as one array parameter: bulk
	// inserts then send a batch as one INSERT … SELECT FROM unnest(…).
	Arrays bool
	// SkipLocked is appended to the subquery that picks jobs to claim.
	SkipLocked string
	// LockMigrations serialises migrations across processes; it returns the unlock.
	LockMigrations func(ctx context.Context, conn *sql.Conn) (func(), error)
	// MergeAssets inserts the staged assets of import_assets that are new, with $1 as
	// their creation time; ImportSettings runs first in the import's transaction.
	MergeAssets    string
	ImportSettings string
	// CopyRows bulk-loads rows into table on conn, inside whatever transaction conn
	// has open (BeginWrite starts one).
	CopyRows func(ctx context.Context, conn *sql.Conn, table string, columns []string, rows [][]any) error
	// BeginWrite starts a write transaction on a connection by hand, for bulk loads
	// that database/sql's transactions cannot carry (PostgreSQL's COPY).
	BeginWrite string
}

// DB is a store.Store over a database/sql handle.
type DB struct {
	db    *sql.DB
	d     Dialect
	stmts statements
}

// New returns a store over db speaking dialect d. It owns db: Close closes it.
func New(db *sql.DB, d Dialect) *DB { return &DB{db: db, d: d} }

var _ store.Store = (*DB)(nil)

// Engine implements store.Store.
func (s *DB) Engine() string { return s.d.Name }

// SQL returns the underlying handle, for the engine packages and tests.
func (s *DB) SQL() *sql.DB { return s.db }

// Close implements store.Store.
func (s *DB) Close() error {
	s.closeStatements()
	return s.db.Close()
}

// Ping implements store.Store: the database answers and every migration is applied.
func (s *DB) Ping(ctx context.Context) error {
	want, err := s.migrations()
	if err != nil {
		return err
	}
	var have int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	if latest := want[len(want)-1].version; have < latest {
		return fmt.Errorf("schema version %d, want %d: run baken migrate", have, latest)
	}
	return nil
}

type migration struct {
	version int
	name    string
}

func (s *DB) migrations() ([]migration, error) {
	files, err := fs.Glob(s.d.Migrations, "*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, f := range files {
		num, _, ok := strings.Cut(f, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", f)
		}
		out = append(out, migration{v, f})
	}
	if len(out) == 0 {
		return nil, errors.New("no migrations embedded")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate implements store.Store. Each migration runs in its own transaction.
func (s *DB) Migrate(ctx context.Context) error {
	all, err := s.migrations()
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	unlock, err := s.d.LockMigrations(ctx, conn)
	if err != nil {
		return fmt.Errorf("locking migrations: %w", err)
	}
	defer unlock()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	var have int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return err
	}
	for _, m := range all {
		if m.version <= have {
			continue
		}
		if err := s.apply(ctx, conn, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

func (s *DB) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	body, err := fs.ReadFile(s.d.Migrations, path.Clean(m.name))
	if err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.version, m.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}

// queryer is what both *sql.DB, *sql.Conn and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// insertRows inserts rows with multi-row VALUES statements of at most batch rows:
// prefix is "INSERT INTO t (a, b) VALUES", suffix what follows the values. The
// statements are of few sizes (see chunks) and kept prepared. It returns the number of
// rows affected.
func (s *DB) insertRows(ctx context.Context, q queryer, prefix, suffix string, rows [][]any, batch int) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	var affected int64
	args := make([]any, 0, min(batch, len(rows))*len(rows[0]))
	for _, n := range chunks(len(rows), batch) {
		args = args[:0]
		for _, row := range rows[:n] {
			args = append(args, row...)
		}
		res, err := s.exec(ctx, q, s.valuesSQL(prefix, suffix, n, len(rows[0])), args...)
		if err != nil {
			return affected, err
		}
		k, _ := res.RowsAffected()
		affected += k
		rows = rows[n:]
	}
	return affected, nil
}

// Dollar is the PostgreSQL Dialect.Placeholder.
func Dollar(n int) string { return "$" + strconv.Itoa(n) }

// Question is the SQLite Dialect.Placeholder.
func Question(int) string { return "?" }

// audited runs fn in a transaction that also writes the audit entry *a, and commits
// when both succeed: a change and its entry in the audit log are stored together or not
// at all. fn may fill in *a (the actor it found, say).
func (s *DB) audited(ctx context.Context, a *store.AuditEntry, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, *a); err != nil {
		return err
	}
	return tx.Commit()
}

// rowScanner is what a scan function reads: a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

// collect reads every row of rows with scan, and closes rows.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// oneRow turns the outcome of a statement that must change exactly one row into an
// error: what is ErrNotFound when the statement changed none.
func oneRow(r sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// inConnTx runs fn in a transaction begun by hand (with begin: "BEGIN", or the dialect's
// BeginWrite) on conn, and commits it when fn succeeds.
func (s *DB) inConnTx(ctx context.Context, conn *sql.Conn, begin string, fn func() error) error {
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return err
	}
	if err := fn(); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return err
	}
	_, err := conn.ExecContext(ctx, "COMMIT")
	return err
}
