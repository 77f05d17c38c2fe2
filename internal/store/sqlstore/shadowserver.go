package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/baken-cert/baken/internal/store"
)

// PutShadowserverSchema implements store.IngestStore.
func (s *DB) PutShadowserverSchema(ctx context.Context, f store.SchemaFile) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO shadowserver_schema (id, version, sha256, types, data, stored_at)
		VALUES (1, $1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, types = excluded.types,
		data = excluded.data, stored_at = excluded.stored_at`,
		f.Version, f.SHA256, f.Types, string(f.Data), s.d.Time(f.StoredAt.UTC()))
	if err != nil {
		return fmt.Errorf("storing the Shadowserver schema: %w", err)
	}
	if err := bumpVersion(ctx, tx, "shadowserver-schema"); err != nil {
		return err
	}
	return tx.Commit()
}

// ShadowserverSchema implements store.IngestStore.
func (s *DB) ShadowserverSchema(ctx context.Context) (store.SchemaFile, error) {
	var f store.SchemaFile
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT version, sha256, types, data, stored_at FROM shadowserver_schema WHERE id = 1`).
		Scan(&f.Version, &f.SHA256, &f.Types, &data, &f.StoredAt)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("stored Shadowserver schema: %w", store.ErrNotFound)
	}
	f.Data, f.StoredAt = []byte(data), f.StoredAt.UTC()
	return f, err
}
