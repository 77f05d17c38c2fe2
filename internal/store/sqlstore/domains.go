package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

const challengeColumns = `org_id, domain, token, state, detail, created_at, checked_at`

func scanChallenges(rows *sql.Rows) ([]store.Challenge, error) {
	defer rows.Close()
	var out []store.Challenge
	for rows.Next() {
		var c store.Challenge
		var checked sql.NullTime
		if err := rows.Scan(&c.OrgID, &c.Domain, &c.Token, &c.State, &c.Detail, &c.CreatedAt, &checked); err != nil {
			return nil, err
		}
		c.CreatedAt, c.CheckedAt = c.CreatedAt.UTC(), checked.Time.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// Challenge implements store.DomainStore.
func (s *DB) Challenge(ctx context.Context, orgID int64, domain, token string, now time.Time) (store.Challenge, error) {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO domain_challenges (org_id, domain, token, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, domain) DO NOTHING`, orgID, domain, token, s.d.Time(now.UTC())); err != nil {
		return store.Challenge{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+challengeColumns+` FROM domain_challenges WHERE org_id = $1 AND domain = $2`, orgID, domain)
	if err != nil {
		return store.Challenge{}, err
	}
	cs, err := scanChallenges(rows)
	if err != nil || len(cs) == 0 {
		return store.Challenge{}, err
	}
	return cs[0], nil
}

// Challenges implements store.DomainStore.
func (s *DB) Challenges(ctx context.Context, orgID int64) ([]store.Challenge, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+challengeColumns+` FROM domain_challenges WHERE org_id = $1 ORDER BY domain`, orgID)
	if err != nil {
		return nil, err
	}
	return scanChallenges(rows)
}

// domainAssets selects the assets that a proof of the domain $2 proves: the domain, its
// tree and its e-mail domain.
const domainAssets = `((kind = 'domain' AND value = $2) OR (kind = 'domain-tree' AND value = '*.' || $2) OR (kind = 'email-domain' AND value = '@' || $2))`

// DueChallenges implements store.DomainStore.
func (s *DB) DueChallenges(ctx context.Context, checkedBefore time.Time, pendingFor time.Duration, now time.Time) ([]store.Challenge, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+challengeColumns+` FROM domain_challenges
		WHERE (checked_at IS NULL OR checked_at < $1) AND (state = 'verified' OR (state = 'pending' AND created_at > $2))
		ORDER BY org_id, domain`, s.d.Time(checkedBefore.UTC()), s.d.Time(now.Add(-pendingFor).UTC()))
	if err != nil {
		return nil, err
	}
	return scanChallenges(rows)
}

// RecordCheck implements store.DomainStore.
func (s *DB) RecordCheck(ctx context.Context, c store.Challenge, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE domain_challenges SET state = $3, detail = $4, checked_at = $5 WHERE org_id = $1 AND domain = $2`,
			c.OrgID, c.Domain, c.State, c.Detail, s.d.Time(c.CheckedAt.UTC())); err != nil {
			return err
		}
		// A proof moves what waits for it (or was imported, or lapsed) to dns-verified; a
		// lapse takes it away: what the organisation registered itself matches nothing
		// until proven again, what the CERT imported is trusted as before.
		var q string
		switch c.State {
		case store.ChallengeVerified:
			q = `UPDATE assets SET verification = 'dns-verified', proof_at = $3, proof_by = 'dns'
				WHERE org_id = $1 AND ` + domainAssets + ` AND verification IN ('pending', 'unverified', 'lapsed')`
		case store.ChallengeLapsed:
			q = `UPDATE assets SET proof_at = $3, verification = CASE WHEN provenance LIKE 'import:portal:%'
				THEN 'lapsed' ELSE 'unverified' END
				WHERE org_id = $1 AND ` + domainAssets + ` AND verification = 'dns-verified'`
		default:
			return nil
		}
		r, err := tx.ExecContext(ctx, q, c.OrgID, c.Domain, s.d.Time(c.CheckedAt.UTC()))
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return nil
		}
		return bumpVersion(ctx, tx, "registry")
	})
}
