package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/baken-cert/baken/internal/store"
)

// registryImport stages assets in a temporary table on one connection, then merges them
// in one transaction.
type registryImport struct {
	s      *DB
	conn   *sql.Conn
	staged int
	done   bool
}

// BeginRegistryImport implements store.RegistryStore.
func (s *DB) BeginRegistryImport(ctx context.Context) (store.RegistryImport, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range []string{
		`DROP TABLE IF EXISTS import_assets`,
		`DROP TABLE IF EXISTS import_replace`,
		`CREATE TEMPORARY TABLE import_assets (org_ref TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
			verification TEXT NOT NULL, provenance TEXT NOT NULL)`,
		`CREATE TEMPORARY TABLE import_replace (ref TEXT PRIMARY KEY)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, fmt.Errorf("preparing import: %w", err)
		}
	}
	return &registryImport{s: s, conn: conn}, nil
}

func (im *registryImport) StageAssets(ctx context.Context, assets []store.AssetInput) error {
	if len(assets) == 0 {
		return nil
	}
	rows := make([][]any, len(assets))
	for i, r := range assets {
		rows[i] = []any{r.OrgRef, string(r.Kind), r.Value, string(r.Verification), r.Provenance}
	}
	err := im.s.inConnTx(ctx, im.conn, "BEGIN", func() error {
		return im.s.d.CopyRows(ctx, im.conn, "import_assets", []string{"org_ref", "kind", "value", "verification", "provenance"}, rows)
	})
	if err != nil {
		return fmt.Errorf("staging assets: %w", err)
	}
	im.staged += len(assets)
	return nil
}

func (im *registryImport) Rollback() error {
	if im.done {
		return nil
	}
	im.done = true
	// A temporary table lives as long as its connection, which goes back to the pool.
	_, err := im.conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS import_assets; DROP TABLE IF EXISTS import_replace`)
	return errors.Join(err, im.conn.Close())
}

func (im *registryImport) Commit(ctx context.Context, c store.ImportCommit) (store.ImportResult, error) {
	defer im.Rollback()
	if im.done {
		return store.ImportResult{}, errors.New("import already finished")
	}
	tx, err := im.conn.BeginTx(ctx, nil)
	if err != nil {
		return store.ImportResult{}, err
	}
	defer tx.Rollback()
	if im.s.d.ImportSettings != "" {
		if _, err := tx.ExecContext(ctx, im.s.d.ImportSettings); err != nil {
			return store.ImportResult{}, err
		}
	}
	now := im.s.d.Time(c.Now.UTC())
	var res store.ImportResult
	steps := []func() error{
		func() error { return im.s.upsertOrganisations(ctx, tx, c.Organisations, now, &res) },
		func() error { return im.s.upsertContacts(ctx, tx, c.Contacts, &res) },
		func() error { return im.mergeAssets(ctx, tx, now, &res) },
		func() error { return im.s.replaceAssets(ctx, tx, c.ReplaceOrgRefs, &res) },
		func() error { return im.s.insertJobs(ctx, tx, c.Jobs, c.Now) },
		func() error {
			if res.AssetsAdded+res.AssetsRemoved == 0 {
				return nil
			}
			return bumpVersion(ctx, tx, "registry")
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return store.ImportResult{}, err
		}
	}
	return res, tx.Commit()
}

type storedOrg struct {
	id           int64
	name, sector string
	parentID     sql.NullInt64
	counted      bool // added or updated by this import already
}

// upsertOrganisations adds new organisations, updates changed ones and then links
// parents, refusing a parent that does not exist or a chain that loops.
func (s *DB) upsertOrganisations(ctx context.Context, tx *sql.Tx, orgs []store.OrgInput, now any, res *store.ImportResult) error {
	known, err := loadOrgs(ctx, tx)
	if err != nil {
		return err
	}
	var fresh [][]any
	var changed []string
	for _, o := range orgs {
		k, ok := known[o.Ref]
		if !ok {
			fresh = append(fresh, []any{o.Ref, o.Name, o.Sector, now, now})
			continue
		}
		sector := k.sector
		if o.Sector != "" {
			sector = o.Sector
		}
		if k.name == o.Name && k.sector == sector {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE organisations SET name = $1, sector = $2, updated_at = $3 WHERE id = $4`,
			o.Name, sector, now, k.id); err != nil {
			return fmt.Errorf("updating organisation %q: %w", o.Ref, err)
		}
		changed = append(changed, o.Ref)
		res.OrganisationsUpdated++
	}
	n, err := s.insertRows(ctx, tx, `INSERT INTO organisations (ref, name, sector, created_at, updated_at) VALUES`, "", fresh, 500)
	if err != nil {
		return fmt.Errorf("adding organisations: %w", err)
	}
	res.OrganisationsAdded = int(n)
	if known, err = loadOrgs(ctx, tx); err != nil {
		return err
	}
	for _, row := range fresh {
		changed = append(changed, row[0].(string))
	}
	for _, ref := range changed {
		known[ref].counted = true
	}
	return s.linkParents(ctx, tx, known, orgs, now, res)
}

func loadOrgs(ctx context.Context, q queryer) (map[string]*storedOrg, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, ref, name, sector, parent_id FROM organisations`)
	if err != nil {
		return nil, fmt.Errorf("reading organisations: %w", err)
	}
	defer rows.Close()
	out := make(map[string]*storedOrg)
	for rows.Next() {
		var ref string
		var o storedOrg
		if err := rows.Scan(&o.id, &ref, &o.name, &o.sector, &o.parentID); err != nil {
			return nil, err
		}
		out[ref] = &o
	}
	return out, rows.Err()
}

func (s *DB) linkParents(ctx context.Context, tx *sql.Tx, known map[string]*storedOrg, orgs []store.OrgInput, now any, res *store.ImportResult) error {
	var order []int64 // the organisations linked, each once: the last parent named wins
	linked := make(map[int64]bool)
	parentOf := make(map[int64]int64)
	for _, o := range known {
		if o.parentID.Valid {
			parentOf[o.id] = o.parentID.Int64
		}
	}
	for _, o := range orgs {
		if o.ParentRef == "" {
			continue
		}
		child, parent := known[o.Ref], known[o.ParentRef]
		if parent == nil {
			return fmt.Errorf("organisation %q: parent %q does not exist", o.Ref, o.ParentRef)
		}
		if child.parentID.Valid && child.parentID.Int64 == parent.id {
			continue
		}
		for p, hops := parent.id, 0; p != 0; p, hops = parentOf[p], hops+1 {
			if p == child.id || hops > len(known) {
				return fmt.Errorf("organisation %q: parent %q would make a loop", o.Ref, o.ParentRef)
			}
		}
		if _, again := parentOf[child.id]; !again || !linked[child.id] {
			order = append(order, child.id)
		}
		parentOf[child.id], linked[child.id] = parent.id, true
		if !child.counted {
			child.counted = true
			res.OrganisationsUpdated++
		}
	}
	links := make([][2]int64, len(order))
	for i, id := range order {
		links[i] = [2]int64{id, parentOf[id]}
	}
	if err := s.setParents(ctx, tx, links, now); err != nil {
		return fmt.Errorf("linking organisations to their parents: %w", err)
	}
	return nil
}

// setParents sets the parent of each organisation of links (child id, parent id), many
// in one statement.
func (s *DB) setParents(ctx context.Context, tx *sql.Tx, links [][2]int64, now any) error {
	if s.d.Arrays {
		children, parents := make([]int64, len(links)), make([]int64, len(links))
		for i, l := range links {
			children[i], parents[i] = l[0], l[1]
		}
		_, err := tx.ExecContext(ctx, `UPDATE organisations o SET parent_id = u.parent, updated_at = $3
			FROM unnest($1::bigint[], $2::bigint[]) AS u(child, parent) WHERE o.id = u.child`, children, parents, now)
		return err
	}
	const batch = 500
	for len(links) > 0 {
		n := min(batch, len(links))
		args := []any{now}
		for _, l := range links[:n] {
			args = append(args, l[0], l[1])
		}
		q := s.valuesSQL(`UPDATE organisations SET parent_id = v.column2, updated_at = ? FROM (VALUES `,
			`) AS v WHERE organisations.id = v.column1`, n, 2)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		links = links[n:]
	}
	return nil
}

// upsertContacts adds new contacts and updates the language and role of known ones.
func (s *DB) upsertContacts(ctx context.Context, tx *sql.Tx, contacts []store.ContactInput, res *store.ImportResult) error {
	before, err := count(ctx, tx, `SELECT COUNT(*) FROM contacts`)
	if err != nil {
		return err
	}
	rows := make([][]any, len(contacts))
	for i, c := range contacts {
		rows[i] = []any{c.OrgRef, c.Email, c.Role, c.Language}
	}
	// Many at a time; the import's contacts are distinct by organisation and address.
	_, err = s.insertRows(ctx, tx, `INSERT INTO contacts (org_id, email, role, language)
		SELECT o.id, v.column2, v.column3, v.column4 FROM (VALUES`, `) v JOIN organisations o ON o.ref = v.column1 WHERE true
		ON CONFLICT (org_id, email) DO UPDATE SET language = excluded.language, role = excluded.role
		WHERE contacts.language <> excluded.language OR contacts.role <> excluded.role`, rows, 500)
	if err != nil {
		return fmt.Errorf("adding contacts: %w", err)
	}
	after, err := count(ctx, tx, `SELECT COUNT(*) FROM contacts`)
	res.ContactsAdded = int(after - before)
	return err
}

func count(ctx context.Context, q queryer, query string, args ...any) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

// mergeAssets inserts the staged assets that are new. Assets staged twice, or already
// registered, count as unchanged.
func (im *registryImport) mergeAssets(ctx context.Context, tx *sql.Tx, now any, res *store.ImportResult) error {
	r, err := tx.ExecContext(ctx, im.s.d.MergeAssets, now)
	if err != nil {
		return fmt.Errorf("adding assets: %w", err)
	}
	added, _ := r.RowsAffected()
	res.AssetsAdded, res.AssetsUnchanged = int(added), im.staged-int(added)
	return nil
}

// replaceAssets removes, for each listed organisation, the assets not staged for it.
func (s *DB) replaceAssets(ctx context.Context, tx *sql.Tx, refs []string, res *store.ImportResult) error {
	if len(refs) == 0 {
		return nil
	}
	rows := make([][]any, len(refs))
	for i, r := range refs {
		rows[i] = []any{r}
	}
	if _, err := s.insertRows(ctx, tx, `INSERT INTO import_replace (ref) VALUES`, "ON CONFLICT DO NOTHING", rows, 500); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE INDEX import_assets_key ON import_assets (org_ref, kind, value)`); err != nil {
		return err
	}
	r, err := tx.ExecContext(ctx, `DELETE FROM assets WHERE id IN (
		SELECT a.id FROM assets a
		JOIN organisations o ON o.id = a.org_id
		JOIN import_replace r ON r.ref = o.ref
		WHERE NOT EXISTS (SELECT 1 FROM import_assets s WHERE s.org_ref = o.ref AND s.kind = a.kind AND s.value = a.value))`)
	if err != nil {
		return fmt.Errorf("removing replaced assets: %w", err)
	}
	n, _ := r.RowsAffected()
	res.AssetsRemoved = int(n)
	return nil
}
