package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"net/netip"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/store"
)

// Version implements store.IngestStore.
func (s *DB) Version(ctx context.Context, name string) (int64, error) {
	return count(ctx, s.db, `SELECT version FROM versions WHERE name = $1`, name)
}

func bumpVersion(ctx context.Context, q queryer, name string) error {
	_, err := q.ExecContext(ctx, `UPDATE versions SET version = version + 1 WHERE name = $1`, name)
	return err
}

// AllAssets implements store.IngestStore in one query. It reads only what matching
// needs (ID, OrgID, Kind, Value, Verification), and kinds and verification states
// repeat the same few strings, which are shared rather than allocated per row.
func (s *DB) AllAssets(ctx context.Context, fn func(store.Asset) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, org_id, kind, value, verification FROM assets ORDER BY id`)
	if err != nil {
		return fmt.Errorf("listing assets: %w", err)
	}
	defer rows.Close()
	words := make(map[string]string)
	word := func(b sql.RawBytes) string {
		if w, ok := words[string(b)]; ok {
			return w
		}
		w := string(b)
		words[w] = w
		return w
	}
	for rows.Next() {
		var a store.Asset
		var kind, verification sql.RawBytes
		if err := rows.Scan(&a.ID, &a.OrgID, &kind, &a.Value, &verification); err != nil {
			return err
		}
		a.Kind, a.Verification = asset.Kind(word(kind)), asset.Verification(word(verification))
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ReplaceRIPE implements store.IngestStore.
func (s *DB) ReplaceRIPE(ctx context.Context, networks iter.Seq[store.RIPENetwork], asns []store.RIPEASN) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return s.inConnTx(ctx, conn, s.d.BeginWrite, func() error {
		for _, q := range []string{`DELETE FROM ripe_networks`, `DELETE FROM ripe_asns`} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		const chunk = 20000
		columns := []string{"prefix", "ip_range", "netname", "country", "org_handle", "org_name", "abuse_mailbox", "abuse_from"}
		rows := make([][]any, 0, chunk)
		for r := range networks {
			rows = append(rows, []any{r.Prefix.String(), r.Range, r.Netname, r.Country, r.OrgHandle, r.OrgName, r.AbuseMailbox, r.AbuseFrom})
			if len(rows) == chunk {
				if err := s.d.CopyRows(ctx, conn, "ripe_networks", columns, rows); err != nil {
					return fmt.Errorf("storing RIPE networks: %w", err)
				}
				rows = rows[:0]
			}
		}
		if err := s.d.CopyRows(ctx, conn, "ripe_networks", columns, rows); err != nil {
			return fmt.Errorf("storing RIPE networks: %w", err)
		}
		rows = make([][]any, len(asns))
		for i, a := range asns {
			rows[i] = []any{int64(a.Number), a.Name, a.OrgHandle, a.OrgName, a.AbuseMailbox}
		}
		if err := s.d.CopyRows(ctx, conn, "ripe_asns", []string{"asn", "name", "org_handle", "org_name", "abuse_mailbox"}, rows); err != nil {
			return fmt.Errorf("storing RIPE AS numbers: %w", err)
		}
		return bumpVersion(ctx, conn, "ripe")
	})
}

// RIPE implements store.IngestStore.
func (s *DB) RIPE(ctx context.Context, network func(store.RIPENetwork) error, asn func(store.RIPEASN) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT prefix, ip_range, netname, country, org_handle, org_name, abuse_mailbox, abuse_from FROM ripe_networks`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n store.RIPENetwork
		var prefix string
		if err := rows.Scan(&prefix, &n.Range, &n.Netname, &n.Country, &n.OrgHandle, &n.OrgName, &n.AbuseMailbox, &n.AbuseFrom); err != nil {
			return err
		}
		if n.Prefix, err = netip.ParsePrefix(prefix); err != nil {
			return fmt.Errorf("stored RIPE prefix %q: %w", prefix, err)
		}
		if err := network(n); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	arows, err := s.db.QueryContext(ctx, `SELECT asn, name, org_handle, org_name, abuse_mailbox FROM ripe_asns ORDER BY asn`)
	if err != nil {
		return err
	}
	defer arows.Close()
	for arows.Next() {
		var a store.RIPEASN
		var num int64
		if err := arows.Scan(&num, &a.Name, &a.OrgHandle, &a.OrgName, &a.AbuseMailbox); err != nil {
			return err
		}
		a.Number = uint32(num)
		if err := asn(a); err != nil {
			return err
		}
	}
	return arows.Err()
}

// AssetIndex implements store.IngestStore.
func (s *DB) AssetIndex(ctx context.Context) (int64, []byte, error) {
	var version int64
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT version, data FROM asset_index WHERE id = 1`).Scan(&version, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, fmt.Errorf("asset index: %w", store.ErrNotFound)
	}
	return version, data, err
}

// PutAssetIndex implements store.IngestStore. The registry's version is compared in
// the same statement, so that an index made before a change never replaces one after.
func (s *DB) PutAssetIndex(ctx context.Context, version int64, data []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO asset_index (id, version, data)
		SELECT 1, $1, $2 WHERE (SELECT version FROM versions WHERE name = 'registry') = $1
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data`, version, data)
	if err != nil {
		return fmt.Errorf("storing the asset index: %w", err)
	}
	return nil
}
