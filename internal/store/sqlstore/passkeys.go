package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// AddPasskey implements store.PasskeyStore.
func (s *DB) AddPasskey(ctx context.Context, in store.PasskeyInput, a store.AuditEntry) (store.Passkey, error) {
	p := store.Passkey{UserID: in.UserID, Name: in.Name, CredentialID: in.CredentialID, Credential: in.Credential, CreatedAt: in.Now.UTC()}
	err := s.audited(ctx, &a, func(tx *sql.Tx) error {
		taken, err := count(ctx, tx, `SELECT COUNT(*) FROM passkeys WHERE credential_id = $1`, in.CredentialID)
		if err != nil {
			return err
		}
		if taken > 0 {
			return fmt.Errorf("passkey: %w", store.ErrConflict)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO passkeys (user_id, name, credential_id, credential, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.UserID, in.Name, in.CredentialID, in.Credential, s.d.Time(p.CreatedAt)).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("adding a passkey: %w", err)
		}
		return nil
	})
	if err != nil {
		return store.Passkey{}, err
	}
	return p, nil
}

// Passkeys implements store.PasskeyStore.
func (s *DB) Passkeys(ctx context.Context, userID int64) ([]store.Passkey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, name, credential_id, credential, created_at, last_used_at
		FROM passkeys WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanPasskey)
}

func scanPasskey(row rowScanner) (store.Passkey, error) {
	var p store.Passkey
	var used sql.NullTime
	err := row.Scan(&p.ID, &p.UserID, &p.Name, &p.CredentialID, &p.Credential, &p.CreatedAt, &used)
	p.CreatedAt, p.LastUsedAt = p.CreatedAt.UTC(), used.Time.UTC()
	return p, err
}

// UsePasskey implements store.PasskeyStore.
func (s *DB) UsePasskey(ctx context.Context, userID, id int64, credential []byte, at time.Time) error {
	r, err := s.db.ExecContext(ctx, `UPDATE passkeys SET credential = $3, last_used_at = $4 WHERE id = $1 AND user_id = $2`,
		id, userID, credential, s.d.Time(at.UTC()))
	return oneRow(r, err, "passkey")
}

// DeletePasskey implements store.PasskeyStore.
func (s *DB) DeletePasskey(ctx context.Context, userID, id int64, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM passkeys WHERE id = $1 AND user_id = $2`, id, userID)
		return oneRow(r, err, "passkey")
	})
}

// SetCeremony implements store.PasskeyStore.
func (s *DB) SetCeremony(ctx context.Context, sessionHash, state string) error {
	r, err := s.db.ExecContext(ctx, `UPDATE sessions SET challenge = $2 WHERE hash = $1`, sessionHash, state)
	return oneRow(r, err, "session")
}

// Ceremony implements store.PasskeyStore.
func (s *DB) Ceremony(ctx context.Context, sessionHash string) (string, error) {
	var c string
	err := s.db.QueryRowContext(ctx, `SELECT challenge FROM sessions WHERE hash = $1`, sessionHash).Scan(&c)
	if err == sql.ErrNoRows {
		return "", fmt.Errorf("session: %w", store.ErrNotFound)
	}
	return c, err
}
