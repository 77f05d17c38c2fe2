package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

const collectedColumns = `c.id, c.feed_id, f.name, c.name, c.source, c.sha256, c.size, c.collected_at, c.state, c.attempts,
	c.last_error, c.ingestion_id, c.ingested_at, c.pruned_at`

func scanCollected(row rowScanner, extra ...any) (store.CollectedFile, error) {
	var c store.CollectedFile
	var ingestion sql.NullInt64
	var ingested, pruned sql.NullTime
	dest := append([]any{&c.ID, &c.FeedID, &c.Feed, &c.Name, &c.Source, &c.SHA256, &c.Size, &c.CollectedAt, &c.State,
		&c.Attempts, &c.LastError, &ingestion, &ingested, &pruned}, extra...)
	err := row.Scan(dest...)
	c.CollectedAt, c.IngestionID = c.CollectedAt.UTC(), ingestion.Int64
	if ingested.Valid {
		c.IngestedAt = ingested.Time.UTC()
	}
	if pruned.Valid {
		c.PrunedAt = pruned.Time.UTC()
	}
	return c, err
}

// optTime is a time as a query argument, NULL when it is zero.
func (s *DB) optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.d.Time(t.UTC())
}

// PutCollectedFile implements store.CollectStore.
func (s *DB) PutCollectedFile(ctx context.Context, in store.CollectedFileInput, job func(id int64) store.JobInput) (store.CollectedFile, bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.CollectedFile{}, false, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO collected_files (feed_id, name, source, sha256, size, data, collected_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (feed_id, sha256) DO NOTHING RETURNING id`,
		in.FeedID, in.Name, in.Source, in.SHA256, len(in.Data), in.Data, s.d.Time(in.CollectedAt.UTC())).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// The same content, kept before: nothing to do.
		tx.Rollback()
		c, err := scanCollected(s.db.QueryRowContext(ctx, `SELECT `+collectedColumns+`
			FROM collected_files c JOIN feeds f ON f.id = c.feed_id WHERE c.feed_id = $1 AND c.sha256 = $2`, in.FeedID, in.SHA256))
		return c, false, err
	}
	if err != nil {
		return store.CollectedFile{}, false, fmt.Errorf("keeping collected file %s: %w", in.Name, err)
	}
	if _, err := s.insertJob(ctx, tx, job(id), in.CollectedAt); err != nil {
		return store.CollectedFile{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return store.CollectedFile{}, false, err
	}
	c, err := s.CollectedFile(ctx, id)
	c.Data = nil
	return c, true, err
}

// CollectedFile implements store.CollectStore.
func (s *DB) CollectedFile(ctx context.Context, id int64) (store.CollectedFile, error) {
	var data []byte
	c, err := scanCollected(s.db.QueryRowContext(ctx, `SELECT `+collectedColumns+`, c.data
		FROM collected_files c JOIN feeds f ON f.id = c.feed_id WHERE c.id = $1`, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("collected file %d: %w", id, store.ErrNotFound)
	}
	c.Data = data
	return c, err
}

// CollectedFiles implements store.CollectStore.
func (s *DB) CollectedFiles(ctx context.Context, f store.CollectedFileFilter) ([]store.CollectedFile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+collectedColumns+`
		FROM collected_files c JOIN feeds f ON f.id = c.feed_id
		WHERE ($1 = 0 OR c.feed_id = $1) AND ($2 = '' OR c.state = $2)
		ORDER BY c.id DESC`+limit(f.Limit), f.FeedID, f.State)
	if err != nil {
		return nil, fmt.Errorf("listing collected files: %w", err)
	}
	return collect(rows, func(r rowScanner) (store.CollectedFile, error) { return scanCollected(r) })
}

// FinishCollectedFile implements store.CollectStore.
func (s *DB) FinishCollectedFile(ctx context.Context, r store.CollectedFileResult) error {
	var ingested any
	if r.State == store.FileIngested {
		ingested = s.d.Time(r.At.UTC())
	}
	res, err := s.db.ExecContext(ctx, `UPDATE collected_files SET state = $2, attempts = attempts + 1, last_error = $3,
		ingestion_id = COALESCE($4, ingestion_id), ingested_at = COALESCE($5, ingested_at) WHERE id = $1`,
		r.ID, r.State, r.Error, nullID(r.IngestionID), ingested)
	return oneRow(res, err, fmt.Sprintf("collected file %d", r.ID))
}

// RequeueCollectedFile implements store.CollectStore.
func (s *DB) RequeueCollectedFile(ctx context.Context, id int64, j store.JobInput) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE collected_files SET state = 'pending', last_error = '' WHERE id = $1 AND pruned_at IS NULL`, id)
	if err := oneRow(res, err, fmt.Sprintf("collected file %d (with its content)", id)); err != nil {
		return err
	}
	if _, err := s.insertJob(ctx, tx, j, time.Now()); err != nil {
		return err
	}
	return tx.Commit()
}

// PruneCollectedFiles implements store.CollectStore.
func (s *DB) PruneCollectedFiles(ctx context.Context, cutoff, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE collected_files SET data = NULL, pruned_at = $2
		WHERE collected_at < $1 AND state <> 'pending' AND pruned_at IS NULL`, s.d.Time(cutoff.UTC()), s.d.Time(now.UTC()))
	if err != nil {
		return 0, fmt.Errorf("pruning collected files: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// CollectTotals implements store.CollectStore.
func (s *DB) CollectTotals(ctx context.Context) ([]store.CollectTotal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.name, COUNT(c.id), COALESCE(SUM(i.rows_read), 0), COALESCE(SUM(i.rejected), 0)
		FROM collected_files c JOIN feeds f ON f.id = c.feed_id LEFT JOIN ingestions i ON i.id = c.ingestion_id
		GROUP BY f.id, f.name ORDER BY f.name`)
	if err != nil {
		return nil, fmt.Errorf("counting collected files: %w", err)
	}
	return collect(rows, func(r rowScanner) (store.CollectTotal, error) {
		var t store.CollectTotal
		err := r.Scan(&t.FeedID, &t.Feed, &t.Files, &t.Rows, &t.Rejected)
		return t, err
	})
}

// CollectorState implements store.CollectStore.
func (s *DB) CollectorState(ctx context.Context, feedID int64) (store.CollectorState, error) {
	st := store.CollectorState{FeedID: feedID}
	var slot, run, success, fresh, notified sql.NullTime
	var cursor string
	err := s.db.QueryRowContext(ctx, `SELECT last_slot, last_run_at, last_success_at, last_new_at, last_error, last_files,
		cursor, stale_notified_at FROM collector_state WHERE feed_id = $1`, feedID).Scan(
		&slot, &run, &success, &fresh, &st.LastError, &st.LastFiles, &cursor, &notified)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("collector state of feed %d: %w", feedID, err)
	}
	for _, t := range []struct {
		dst *time.Time
		src sql.NullTime
	}{{&st.LastSlot, slot}, {&st.LastRunAt, run}, {&st.LastSuccessAt, success}, {&st.LastNewAt, fresh}, {&st.StaleNotifiedAt, notified}} {
		if t.src.Valid {
			*t.dst = t.src.Time.UTC()
		}
	}
	st.Cursor = []byte(cursor)
	return st, nil
}

// PutCollectorState implements store.CollectStore.
func (s *DB) PutCollectorState(ctx context.Context, st store.CollectorState) error {
	cursor := string(st.Cursor)
	if cursor == "" {
		cursor = "{}"
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO collector_state (feed_id, last_slot, last_run_at, last_success_at, last_new_at,
		last_error, last_files, cursor, stale_notified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (feed_id) DO UPDATE SET last_slot = excluded.last_slot, last_run_at = excluded.last_run_at,
		last_success_at = excluded.last_success_at, last_new_at = excluded.last_new_at, last_error = excluded.last_error,
		last_files = excluded.last_files, cursor = excluded.cursor, stale_notified_at = excluded.stale_notified_at`,
		st.FeedID, s.optTime(st.LastSlot), s.optTime(st.LastRunAt), s.optTime(st.LastSuccessAt), s.optTime(st.LastNewAt),
		st.LastError, st.LastFiles, cursor, s.optTime(st.StaleNotifiedAt))
	if err != nil {
		return fmt.Errorf("writing the collector state of feed %d: %w", st.FeedID, err)
	}
	return nil
}

// SetSilenceTold implements store.CollectStore.
func (s *DB) SetSilenceTold(ctx context.Context, feedID int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO collector_state (feed_id, stale_notified_at) VALUES ($1, $2)
		ON CONFLICT (feed_id) DO UPDATE SET stale_notified_at = excluded.stale_notified_at`, feedID, s.d.Time(at.UTC()))
	if err != nil {
		return fmt.Errorf("recording the silence alert of feed %d: %w", feedID, err)
	}
	return nil
}
