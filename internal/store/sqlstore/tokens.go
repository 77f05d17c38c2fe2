package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

const apiTokenColumns = `id, org_id, name, scopes, allow, expires_at, created_at, COALESCE(created_by, 0), last_used_at, revoked_at`

func scanAPIToken(row rowScanner) (store.APIToken, error) {
	var t store.APIToken
	var scopes, allow string
	var used, revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.OrgID, &t.Name, &scopes, &allow, &t.ExpiresAt, &t.CreatedAt, &t.CreatedBy, &used, &revoked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return t, fmt.Errorf("API token: %w", store.ErrNotFound)
		}
		return t, err
	}
	t.Scopes, t.Allow = strings.Fields(scopes), strings.Fields(allow)
	t.ExpiresAt, t.CreatedAt = t.ExpiresAt.UTC(), t.CreatedAt.UTC()
	if used.Valid {
		t.LastUsedAt = used.Time.UTC()
	}
	if revoked.Valid {
		t.RevokedAt = revoked.Time.UTC()
	}
	return t, nil
}

// CreateAPIToken implements store.APITokenStore.
func (s *DB) CreateAPIToken(ctx context.Context, in store.APITokenInput, a store.AuditEntry) (store.APIToken, error) {
	var t store.APIToken
	err := s.audited(ctx, &a, func(tx *sql.Tx) error {
		taken, err := count(ctx, tx, `SELECT COUNT(*) FROM api_tokens WHERE org_id = $1 AND name = $2 AND revoked_at IS NULL`, in.OrgID, in.Name)
		if err != nil {
			return err
		}
		if taken > 0 {
			return fmt.Errorf("an API token named %q: %w", in.Name, store.ErrConflict)
		}
		t, err = scanAPIToken(tx.QueryRowContext(ctx, `INSERT INTO api_tokens (org_id, name, hash, scopes, allow, expires_at, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+apiTokenColumns,
			in.OrgID, in.Name, in.Hash, strings.Join(in.Scopes, " "), strings.Join(in.Allow, " "), s.d.Time(in.ExpiresAt.UTC()),
			s.d.Time(in.Now.UTC()), nullID(in.CreatedBy)))
		return err
	})
	return t, err
}

// APITokens implements store.APITokenStore.
func (s *DB) APITokens(ctx context.Context, orgID int64) ([]store.APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE revoked_at IS NULL AND ($1 = 0 OR org_id = $1) ORDER BY id DESC`, orgID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAPIToken)
}

// APITokenByHash implements store.APITokenStore.
func (s *DB) APITokenByHash(ctx context.Context, hash string) (store.APIToken, error) {
	return scanAPIToken(s.db.QueryRowContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE hash = $1`, hash))
}

// RevokeAPIToken implements store.APITokenStore.
func (s *DB) RevokeAPIToken(ctx context.Context, orgID, id int64, now time.Time, a store.AuditEntry) (store.APIToken, error) {
	var t store.APIToken
	err := s.audited(ctx, &a, func(tx *sql.Tx) error {
		var err error
		t, err = scanAPIToken(tx.QueryRowContext(ctx, `UPDATE api_tokens SET revoked_at = $3
			WHERE id = $1 AND ($2 = 0 OR org_id = $2) AND revoked_at IS NULL RETURNING `+apiTokenColumns, id, orgID, s.d.Time(now.UTC())))
		return err
	})
	return t, err
}

// UseAPIToken implements store.APITokenStore.
func (s *DB) UseAPIToken(ctx context.Context, id int64, now time.Time, every time.Duration, a store.AuditEntry) (bool, error) {
	recorded := false
	err := s.audited(ctx, &a, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)`,
			id, s.d.Time(now.UTC()), s.d.Time(now.Add(-every).UTC()))
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errNothingToRecord
		}
		recorded = true
		return nil
	})
	if errors.Is(err, errNothingToRecord) {
		return false, nil
	}
	return recorded, err
}

// errNothingToRecord rolls back the audit entry of a use recorded a moment ago.
var errNothingToRecord = errors.New("used less than a minute ago")
