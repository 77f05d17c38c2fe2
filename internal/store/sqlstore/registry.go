package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/store"
)

const orgColumns = `o.id, o.ref, o.name, o.sector, COALESCE(p.ref, ''), o.aggregation, o.created_at, o.updated_at`
const orgFrom = ` FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id`

func scanOrg(row rowScanner) (store.Organisation, error) {
	var o store.Organisation
	err := row.Scan(&o.ID, &o.Ref, &o.Name, &o.Sector, &o.ParentRef, &o.Aggregation, &o.CreatedAt, &o.UpdatedAt)
	return o, err
}

// Organisations implements store.RegistryStore.
func (s *DB) Organisations(ctx context.Context, f store.OrgFilter) ([]store.Organisation, error) {
	q := `SELECT ` + orgColumns + orgFrom
	var args []any
	if f.ParentRef != "" {
		args = append(args, f.ParentRef)
		q += ` WHERE p.ref = $1`
	}
	q += ` ORDER BY o.ref` + limit(f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing organisations: %w", err)
	}
	return collect(rows, scanOrg)
}

// Organisation implements store.RegistryStore.
func (s *DB) Organisation(ctx context.Context, ref string) (store.Organisation, error) {
	o, err := scanOrg(s.queryRow(ctx, s.db, `SELECT `+orgColumns+orgFrom+` WHERE o.ref = $1`, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organisation %q: %w", ref, store.ErrNotFound)
	}
	return o, err
}

// OrganisationByID implements store.RegistryStore.
func (s *DB) OrganisationByID(ctx context.Context, id int64) (store.Organisation, error) {
	o, err := scanOrg(s.queryRow(ctx, s.db, `SELECT `+orgColumns+orgFrom+` WHERE o.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organisation %d: %w", id, store.ErrNotFound)
	}
	return o, err
}

// Contacts implements store.RegistryStore.
func (s *DB) Contacts(ctx context.Context, orgID int64) ([]store.Contact, error) {
	rows, err := s.query(ctx, s.db, `SELECT id, org_id, email, role, language, bounced_at, bounce_reason
		FROM contacts WHERE org_id = $1 ORDER BY email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("listing contacts: %w", err)
	}
	defer rows.Close()
	var out []store.Contact
	for rows.Next() {
		var c store.Contact
		var bounced sql.NullTime
		if err := rows.Scan(&c.ID, &c.OrgID, &c.Email, &c.Role, &c.Language, &bounced, &c.BounceReason); err != nil {
			return nil, err
		}
		c.BouncedAt = bounced.Time.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// Assets implements store.RegistryStore.
func (s *DB) Assets(ctx context.Context, f store.AssetFilter) ([]store.Asset, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.OrgID != 0 {
		add("org_id = $%d", f.OrgID)
	}
	if f.Kind != "" {
		add("kind = $%d", string(f.Kind))
	}
	if f.Verification != "" {
		add("verification = $%d", string(f.Verification))
	}
	if f.AfterID != 0 {
		add("id > $%d", f.AfterID)
	}
	q := `SELECT ` + assetColumns + ` FROM assets`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id` + limit(f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing assets: %w", err)
	}
	return scanAssets(rows)
}

// AssetCounts implements store.RegistryStore.
func (s *DB) AssetCounts(ctx context.Context, orgID int64) ([]store.AssetCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, verification, COUNT(*) FROM assets WHERE org_id = $1
		GROUP BY kind, verification ORDER BY kind, verification`, orgID)
	if err != nil {
		return nil, fmt.Errorf("counting assets: %w", err)
	}
	defer rows.Close()
	var out []store.AssetCount
	for rows.Next() {
		var c store.AssetCount
		var kind, verification string
		if err := rows.Scan(&kind, &verification, &c.Count); err != nil {
			return nil, err
		}
		c.Kind, c.Verification = asset.Kind(kind), asset.Verification(verification)
		out = append(out, c)
	}
	return out, rows.Err()
}

func limit(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d", n)
}

// AssetPage implements store.RegistryStore. It walks the unique index on
// (org_id, kind, value), so a page costs the same for ten assets or a million; a search
// over every kind asks kind by kind, so that each search is a range of that index.
func (s *DB) AssetPage(ctx context.Context, q store.AssetQuery) ([]store.Asset, error) {
	if q.Query == "" || q.Kind != "" {
		return s.assetPage(ctx, q)
	}
	kinds := asset.AllKinds()
	slices.Sort(kinds)
	var out []store.Asset
	for _, k := range kinds {
		if k < q.AfterKind || (q.Limit > 0 && len(out) >= q.Limit) {
			continue
		}
		kq := q
		kq.Kind = k
		if k != q.AfterKind {
			kq.AfterKind, kq.AfterValue = "", ""
		}
		if q.Limit > 0 {
			kq.Limit = q.Limit - len(out)
		}
		page, err := s.assetPage(ctx, kq)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
	}
	return out, nil
}

func (s *DB) assetPage(ctx context.Context, q store.AssetQuery) ([]store.Asset, error) {
	where := []string{"org_id = $1"}
	args := []any{q.OrgID}
	if q.Kind != "" {
		args = append(args, string(q.Kind))
		where = append(where, fmt.Sprintf("kind = $%d", len(args)))
	}
	if q.Query != "" {
		args = append(args, q.Query, q.Query+"\U0010FFFF")
		where = append(where, fmt.Sprintf("value >= $%d AND value < $%d", len(args)-1, len(args)))
	}
	switch {
	case q.AfterKind != "" && q.AfterKind == q.Kind:
		args = append(args, q.AfterValue)
		where = append(where, fmt.Sprintf("value > $%d", len(args)))
	case q.AfterKind != "":
		// A row value, so that both engines read it as a range of the index.
		args = append(args, string(q.AfterKind), q.AfterValue)
		where = append(where, fmt.Sprintf("(kind, value) > ($%d, $%d)", len(args)-1, len(args)))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+assetColumns+` FROM assets
		WHERE `+strings.Join(where, " AND ")+` ORDER BY kind, value`+limit(q.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("listing assets: %w", err)
	}
	return scanAssets(rows)
}

// DeleteAsset implements store.RegistryStore.
func (s *DB) DeleteAsset(ctx context.Context, orgID, assetID int64, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM assets WHERE id = $1 AND org_id = $2`, assetID, orgID)
		if err := oneRow(r, err, fmt.Sprintf("asset %d", assetID)); err != nil {
			return err
		}
		return bumpVersion(ctx, tx, "registry")
	})
}

// DeleteContact implements store.RegistryStore.
func (s *DB) DeleteContact(ctx context.Context, orgID, contactID int64, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = $1 AND org_id = $2`, contactID, orgID)
		return oneRow(r, err, fmt.Sprintf("contact %d", contactID))
	})
}

// SetAggregation implements store.RegistryStore.
func (s *DB) SetAggregation(ctx context.Context, orgID int64, aggregation string, a store.AuditEntry) error {
	return s.audited(ctx, &a, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE organisations SET aggregation = $2 WHERE id = $1`, orgID, aggregation)
		return err
	})
}

// Aggregations implements store.RegistryStore.
func (s *DB) Aggregations(ctx context.Context) (map[int64]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, aggregation FROM organisations WHERE aggregation <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var agg string
		if err := rows.Scan(&id, &agg); err != nil {
			return nil, err
		}
		out[id] = agg
	}
	return out, rows.Err()
}

// PendingTotals implements store.RegistryStore.
func (s *DB) PendingTotals(ctx context.Context, f store.AssetFilter) ([]store.AssetTotal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT org_id, kind, COUNT(*) FROM assets
		WHERE verification = 'pending' AND ($1 = 0 OR org_id = $1) AND ($2 = '' OR kind = $2)
		GROUP BY org_id, kind ORDER BY org_id, kind`, f.OrgID, string(f.Kind))
	if err != nil {
		return nil, fmt.Errorf("counting pending assets: %w", err)
	}
	return collect(rows, func(r rowScanner) (store.AssetTotal, error) {
		var t store.AssetTotal
		err := r.Scan(&t.OrgID, &t.Kind, &t.Count)
		return t, err
	})
}

// DecidePending implements store.RegistryStore.
func (s *DB) DecidePending(ctx context.Context, d store.PendingDecision, a store.AuditEntry) (int, error) {
	if d.AssetID == 0 && d.OrgID == 0 {
		return 0, errors.New("a decision on pending assets names an asset or an organisation")
	}
	var n int64
	err := s.audited(ctx, &a, func(tx *sql.Tx) error {
		const which = `verification = 'pending' AND ($1 = 0 OR id = $1) AND ($2 = 0 OR org_id = $2) AND ($3 = '' OR kind = $3)`
		var r sql.Result
		var err error
		if d.Approve {
			r, err = tx.ExecContext(ctx, `UPDATE assets SET verification = 'analyst-approved', proof_at = $4, proof_by = $5, updated_at = $4
				WHERE `+which, d.AssetID, d.OrgID, string(d.Kind), s.d.Time(d.At.UTC()), d.By)
		} else {
			r, err = tx.ExecContext(ctx, `DELETE FROM assets WHERE `+which, d.AssetID, d.OrgID, string(d.Kind))
		}
		if err != nil {
			return err
		}
		if n, err = r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return bumpVersion(ctx, tx, "registry")
	})
	return int(n), err
}

// assetColumns are what scanAssets reads.
const assetColumns = `id, org_id, kind, value, verification, provenance, proof_at, proof_by, created_at`

func scanAssets(rows *sql.Rows) ([]store.Asset, error) {
	defer rows.Close()
	var out []store.Asset
	for rows.Next() {
		var a store.Asset
		var kind, verification string
		var proofAt sql.NullTime
		if err := rows.Scan(&a.ID, &a.OrgID, &kind, &a.Value, &verification, &a.Provenance, &proofAt, &a.ProofBy, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.Kind, a.Verification = asset.Kind(kind), asset.Verification(verification)
		if proofAt.Valid {
			a.ProofAt = proofAt.Time.UTC()
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
