// Package postgres is Baken's production storage engine: PostgreSQL through pgx. Several
// baken processes may share one database: jobs are claimed with FOR UPDATE SKIP LOCKED and
// migrations take an advisory lock.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/baken-cert/baken/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the advisory lock key that serialises migrations ("baken" in ASCII).
const migrationLock = 0x62616b656e

// Open connects to the database at url (postgres://...). Parameters the URL carries
// beyond pgx's own, such as search_path, are set on every connection.
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("BAKEN_DATABASE_URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL at %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	return sqlstore.New(db, sqlstore.Dialect{
		Name:           "postgres",
		Migrations:     sub,
		Time:           func(t time.Time) any { return t.UTC() },
		Placeholder:    sqlstore.Dollar,
		Arrays:         true,
		SkipLocked:     " FOR UPDATE SKIP LOCKED",
		LockMigrations: lockMigrations,
		CopyRows:       copyRows,
		BeginWrite:     "BEGIN",
		// Sorted on the unique key, the new rows reach the index in order; NOT EXISTS
		// skips the known ones without ON CONFLICT's speculative insertion of each row.
		MergeAssets: `INSERT INTO assets (org_id, kind, value, verification, provenance, created_at, updated_at)
			SELECT DISTINCT ON (o.id, s.kind, s.value) o.id, s.kind, s.value, s.verification, s.provenance, $1, $1
			FROM import_assets s JOIN organisations o ON o.ref = s.org_ref
			WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.org_id = o.id AND a.kind = s.kind AND a.value = s.value)
			ORDER BY o.id, s.kind, s.value`,
		ImportSettings: `SET LOCAL work_mem = '256MB'`,
	}), nil
}

func lockMigrations(ctx context.Context, conn *sql.Conn) (func(), error) {
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return nil, err
	}
	return func() { conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock) }, nil
}

// copyRows loads rows with COPY, the fastest way into PostgreSQL.
func copyRows(ctx context.Context, conn *sql.Conn, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	return conn.Raw(func(driverConn any) error {
		pc := driverConn.(*stdlib.Conn).Conn()
		_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	})
}
