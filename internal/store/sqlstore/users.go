package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// Users implements store.AccountStore.
func (s *DB) Users(ctx context.Context, orgID int64) ([]store.User, error) {
	// Re-invitations replace the unused set-up links, so a user has at most one.
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+`, t.expires_at FROM users u
		LEFT JOIN user_tokens t ON t.user_id = u.id AND t.purpose = 'setup' AND t.used_at IS NULL
		WHERE ($1 = 0 OR u.org_id = $1) ORDER BY u.email`, orgID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row rowScanner) (store.User, error) {
		var invited sql.NullTime
		u, err := scanUser(row, &invited)
		if invited.Valid {
			u.InvitedUntil = invited.Time.UTC()
		}
		return u, err
	})
}

// SetupSecret implements store.AccountStore.
func (s *DB) SetupSecret(ctx context.Context, tokenHash, candidate string, now time.Time) (string, error) {
	var secret string
	err := s.db.QueryRowContext(ctx, `UPDATE user_tokens SET totp_secret = CASE WHEN totp_secret = '' THEN $2 ELSE totp_secret END
		WHERE hash = $1 AND purpose = 'setup' AND used_at IS NULL AND expires_at > $3 RETURNING totp_secret`,
		tokenHash, candidate, s.d.Time(now.UTC())).Scan(&secret)
	if err == sql.ErrNoRows {
		return "", fmt.Errorf("set-up token: %w", store.ErrNotFound)
	}
	return secret, err
}

// ChangeUser implements store.AccountStore.
func (s *DB) ChangeUser(ctx context.Context, id int64, c store.UserChange, a store.AuditEntry) error {
	return s.keepingAnAdmin(ctx, &a, func(tx *sql.Tx) error {
		what := fmt.Sprintf("user %d", id)
		if c.Role != "" {
			r, err := tx.ExecContext(ctx, `UPDATE users SET role = $2 WHERE id = $1`, id, c.Role)
			if err = oneRow(r, err, what); err != nil {
				return err
			}
		}
		if c.Disable {
			r, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $2 WHERE id = $1`, id, s.d.Time(c.Now.UTC()))
			if err = oneRow(r, err, what); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return err
			}
		}
		if c.Enable {
			r, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL WHERE id = $1`, id)
			if err = oneRow(r, err, what); err != nil {
				return err
			}
		}
		if c.Unlock {
			r, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, id)
			if err = oneRow(r, err, what); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteUser implements store.AccountStore.
func (s *DB) DeleteUser(ctx context.Context, id int64, a store.AuditEntry) error {
	return s.keepingAnAdmin(ctx, &a, func(tx *sql.Tx) error {
		// Tokens, sessions and passkeys go with the user (ON DELETE CASCADE).
		r, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id)
		return oneRow(r, err, fmt.Sprintf("user %d", id))
	})
}

// keepingAnAdmin runs fn in an audited transaction that fails with ErrLastAdmin, and
// writes nothing, when Baken had an enabled administrator before fn and has none after.
func (s *DB) keepingAnAdmin(ctx context.Context, a *store.AuditEntry, fn func(tx *sql.Tx) error) error {
	return s.audited(ctx, a, func(tx *sql.Tx) error {
		if s.d.Name == "postgres" {
			// Two changes at once to two administrators must not both see the other.
			if _, err := tx.ExecContext(ctx, `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL FOR UPDATE`); err != nil {
				return err
			}
		}
		before, err := count(ctx, tx, enabledAdmins)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		after, err := count(ctx, tx, enabledAdmins)
		if err == nil && before > 0 && after == 0 {
			err = store.ErrLastAdmin
		}
		return err
	})
}

const enabledAdmins = `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`

// Reinvite implements store.AccountStore.
func (s *DB) Reinvite(ctx context.Context, id int64, t store.TokenInput, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
		if err != nil {
			return err
		}
		if u.Ready() {
			return fmt.Errorf("%s has set up their account: %w", u.Email, store.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_tokens WHERE user_id = $1 AND purpose = 'setup' AND used_at IS NULL`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO user_tokens (hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
			t.Hash, id, t.Purpose, s.d.Time(t.ExpiresAt.UTC()))
		return err
	})
}
