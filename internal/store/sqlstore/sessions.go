package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// CreateSession implements store.AccountStore.
func (s *DB) CreateSession(ctx context.Context, in store.SessionInput) error {
	now := s.d.Time(in.Now.UTC())
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, mfa_done, created_at, last_seen_at, expires_at, client)
		VALUES ($1, $2, $3, $4, $4, $5, $6)`, in.Hash, in.UserID, in.MFADone, now, s.d.Time(in.Expires.UTC()), in.Client)
	return err
}

const sessionColumns = `s.hash, s.mfa_done, s.created_at, s.last_seen_at, s.expires_at, s.client, COALESCE(s.acting_org_id, 0)`

// Session implements store.AccountStore.
func (s *DB) Session(ctx context.Context, hash string, now time.Time) (store.Session, error) {
	var sess store.Session
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+`, `+sessionColumns+` FROM sessions s
		JOIN users u ON u.id = s.user_id WHERE s.hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL`, hash, s.d.Time(now.UTC())),
		&sess.Hash, &sess.MFADone, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.Client, &sess.ActingOrgID)
	if errors.Is(err, store.ErrNotFound) {
		return sess, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return sess, err
	}
	sess.User = u
	_, err = s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE hash = $1`, hash, s.d.Time(now.UTC()))
	return sess, err
}

// CompleteMFA implements store.AccountStore.
func (s *DB) CompleteMFA(ctx context.Context, oldHash, newHash string, expires time.Time) error {
	r, err := s.db.ExecContext(ctx, `UPDATE sessions SET hash = $2, mfa_done = TRUE, expires_at = $3 WHERE hash = $1`,
		oldHash, newHash, s.d.Time(expires.UTC()))
	return oneRow(r, err, "session")
}

// Sessions implements store.AccountStore.
func (s *DB) Sessions(ctx context.Context, userID int64, now time.Time) ([]store.Session, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions s WHERE s.user_id = $1 AND s.expires_at > $2
		ORDER BY s.last_seen_at DESC`, userID, s.d.Time(now.UTC()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Session
	for rows.Next() {
		var sess store.Session
		if err := rows.Scan(&sess.Hash, &sess.MFADone, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.Client, &sess.ActingOrgID); err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, rows.Err()
}

// DeleteSession implements store.AccountStore.
func (s *DB) DeleteSession(ctx context.Context, userID int64, hash string) error {
	r, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1 AND user_id = $2`, hash, userID)
	return oneRow(r, err, "session")
}

// SetActingOrg implements store.AccountStore.
func (s *DB) SetActingOrg(ctx context.Context, userID int64, hash string, orgID int64) error {
	r, err := s.db.ExecContext(ctx, `UPDATE sessions SET acting_org_id = $3 WHERE hash = $1 AND user_id = $2`, hash, userID, nullID(orgID))
	return oneRow(r, err, "session")
}
