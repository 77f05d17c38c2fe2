package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

const userColumns = `u.id, u.email, u.role, COALESCE(u.org_id, 0), u.password_hash, u.totp_secret, u.totp_last_step,
	u.recovery_codes, u.language, u.failed_logins, u.locked_until, u.disabled_at, u.created_at`

func scanUser(row rowScanner, extra ...any) (store.User, error) {
	var u store.User
	var codes string
	var locked, disabled sql.NullTime
	dest := append([]any{&u.ID, &u.Email, &u.Role, &u.OrgID, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &codes,
		&u.Language, &u.FailedLogins, &locked, &disabled, &u.CreatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return u, fmt.Errorf("user: %w", store.ErrNotFound)
		}
		return u, err
	}
	u.LockedUntil, u.CreatedAt = locked.Time.UTC(), u.CreatedAt.UTC()
	if disabled.Valid {
		u.DisabledAt = disabled.Time.UTC()
	}
	err := json.Unmarshal([]byte(codes), &u.RecoveryCodes)
	return u, err
}

// CreateUser implements store.AccountStore.
func (s *DB) CreateUser(ctx context.Context, in store.UserInput, t store.TokenInput, a store.AuditEntry) (store.User, error) {
	email := strings.ToLower(in.Email)
	var id int64
	err := s.audited(ctx, &a, func(tx *sql.Tx) error {
		exists, err := count(ctx, tx, `SELECT COUNT(*) FROM users WHERE email = $1`, email)
		if err != nil {
			return err
		}
		if exists > 0 {
			return fmt.Errorf("a user %s: %w", email, store.ErrConflict)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO users (email, role, org_id, language, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			email, in.Role, nullID(in.OrgID), in.Language, s.d.Time(in.Now.UTC())).Scan(&id)
		if err != nil {
			return fmt.Errorf("adding user %s: %w", email, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO user_tokens (hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
			t.Hash, id, t.Purpose, s.d.Time(t.ExpiresAt.UTC()))
		return err
	})
	if err != nil {
		return store.User{}, err
	}
	return s.User(ctx, id)
}

// User implements store.AccountStore.
func (s *DB) User(ctx context.Context, id int64) (store.User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
}

// CountUsers implements store.AccountStore.
func (s *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// UserByEmail implements store.AccountStore.
func (s *DB) UserByEmail(ctx context.Context, email string) (store.User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`, strings.ToLower(email)))
}

// TokenUser implements store.AccountStore.
func (s *DB) TokenUser(ctx context.Context, hash, purpose string, now time.Time) (store.User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM user_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3 AND u.disabled_at IS NULL`, hash, purpose, s.d.Time(now.UTC())))
}

// SetCredentials implements store.AccountStore.
func (s *DB) SetCredentials(ctx context.Context, tokenHash string, c store.Credentials, now time.Time, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		var err error
		if a.ActorID, err = useToken(ctx, tx, `UPDATE user_tokens SET used_at = $2 WHERE hash = $1 AND used_at IS NULL AND expires_at > $2
			RETURNING user_id`, tokenHash, s.d.Time(now.UTC())); err != nil {
			return err
		}
		codes, _ := json.Marshal(c.RecoveryCodes)
		_, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, totp_secret = $3, totp_last_step = 0,
			recovery_codes = $4, failed_logins = 0, locked_until = NULL, language = CASE WHEN $5 = '' THEN language ELSE $5 END
			WHERE id = $1`, a.ActorID, c.PasswordHash, c.TOTPSecret, string(codes), c.Language)
		return err
	})
}

// useToken marks a one-time token used with query (an UPDATE ... RETURNING user_id of
// a token that is unused and unexpired at now) and returns its user; a token used or
// expired is ErrNotFound.
func useToken(ctx context.Context, tx *sql.Tx, query, tokenHash string, now any) (int64, error) {
	var userID int64
	err := tx.QueryRowContext(ctx, query, tokenHash, now).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("token: %w", store.ErrNotFound)
	}
	return userID, err
}

// AddToken implements store.AccountStore.
func (s *DB) AddToken(ctx context.Context, userID int64, t store.TokenInput) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO user_tokens (hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
		t.Hash, userID, t.Purpose, s.d.Time(t.ExpiresAt.UTC()))
	return err
}

// ResetPassword implements store.AccountStore.
func (s *DB) ResetPassword(ctx context.Context, tokenHash, passwordHash string, now time.Time, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		var err error
		if a.ActorID, err = useToken(ctx, tx, `UPDATE user_tokens SET used_at = $2 WHERE hash = $1 AND purpose = 'reset' AND used_at IS NULL
			AND expires_at > $2 RETURNING user_id`, tokenHash, s.d.Time(now.UTC())); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE id = $1`,
			a.ActorID, passwordHash); err != nil {
			return err
		}
		// Every session of the user ends: whoever knew the old password is out.
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, a.ActorID)
		return err
	})
}

// UseTOTPStep implements store.AccountStore.
func (s *DB) UseTOTPStep(ctx context.Context, userID, step int64) error {
	r, err := s.db.ExecContext(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, userID, step)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("this code was used already: %w", store.ErrConflict)
	}
	return nil
}

// UseRecoveryCode implements store.AccountStore.
func (s *DB) UseRecoveryCode(ctx context.Context, userID int64, i int) error {
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	if i < 0 || i >= len(u.RecoveryCodes) {
		return fmt.Errorf("recovery code %d: %w", i, store.ErrNotFound)
	}
	codes, _ := json.Marshal(append(u.RecoveryCodes[:i:i], u.RecoveryCodes[i+1:]...))
	_, err = s.db.ExecContext(ctx, `UPDATE users SET recovery_codes = $2 WHERE id = $1`, userID, string(codes))
	return err
}

// LoginFailed implements store.AccountStore.
func (s *DB) LoginFailed(ctx context.Context, userID int64, max int, lockUntil time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1,
		locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
		WHERE id = $1 RETURNING failed_logins`, userID, max, s.d.Time(lockUntil.UTC())).Scan(&n)
	return n, err
}

// LoginSucceeded implements store.AccountStore.
func (s *DB) LoginSucceeded(ctx context.Context, userID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, userID)
	return err
}

// SetUserLanguage implements store.AccountStore.
func (s *DB) SetUserLanguage(ctx context.Context, userID int64, language string, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE users SET language = $2 WHERE id = $1`, userID, language)
		return oneRow(r, err, fmt.Sprintf("user %d", userID))
	})
}

// Audit implements store.AccountStore.
func (s *DB) Audit(ctx context.Context, a store.AuditEntry) error { return s.audit(ctx, s.db, a) }

func (s *DB) audit(ctx context.Context, q queryer, a store.AuditEntry) error {
	if a.At.IsZero() {
		a.At = time.Now()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, org_id, action, detail) VALUES ($1, $2, $3, $4, $5)`,
		s.d.Time(a.At.UTC()), nullID(a.ActorID), nullID(a.OrgID), a.Action, a.Detail)
	return err
}

// AuditLog implements store.AccountStore.
func (s *DB) AuditLog(ctx context.Context, orgID int64, n int) ([]store.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), COALESCE(org_id, 0), action, detail FROM audit_log
		WHERE ($1 = 0 OR org_id = $1) ORDER BY id DESC`+limit(n), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var a store.AuditEntry
		if err := rows.Scan(&a.ID, &a.At, &a.ActorID, &a.OrgID, &a.Action, &a.Detail); err != nil {
			return nil, err
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}
