package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

const jobColumns = `id, kind, args, state, attempt, max_attempts, run_at, last_error, created_at`

// InsertJob implements store.JobStore.
func (s *DB) InsertJob(ctx context.Context, j store.JobInput) (bool, error) {
	n, err := s.insertJob(ctx, s.db, j, time.Now())
	return n > 0, err
}

func (s *DB) insertJobs(ctx context.Context, q queryer, jobs []store.JobInput, now time.Time) error {
	for _, j := range jobs {
		if _, err := s.insertJob(ctx, q, j, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *DB) insertJob(ctx context.Context, q queryer, j store.JobInput, now time.Time) (int64, error) {
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = 10
	}
	if j.Args == nil {
		j.Args = []byte("{}")
	}
	var unique any
	if j.UniqueKey != "" {
		unique = j.UniqueKey
	}
	r, err := s.exec(ctx, q, `INSERT INTO jobs (kind, args, state, attempt, max_attempts, run_at, unique_key, last_error, created_at)
		VALUES ($1, $2, 'available', 0, $3, $4, $5, '', $6) ON CONFLICT (unique_key) DO NOTHING`,
		j.Kind, string(j.Args), j.MaxAttempts, s.d.Time(j.RunAt.UTC()), unique, s.d.Time(now.UTC()))
	if err != nil {
		return 0, fmt.Errorf("inserting %s job: %w", j.Kind, err)
	}
	return r.RowsAffected()
}

// ClaimJobs implements store.JobStore.
func (s *DB) ClaimJobs(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.Job, error) {
	t := s.d.Time(now.UTC())
	rows, err := s.query(ctx, s.db, `UPDATE jobs SET state = 'running', attempt = attempt + 1, locked_until = $2
		WHERE id IN (SELECT id FROM jobs
			WHERE (state IN ('available', 'retryable') AND run_at <= $1) OR (state = 'running' AND locked_until <= $1)
			ORDER BY run_at, id LIMIT $3`+s.d.SkipLocked+`)
		RETURNING `+jobColumns, t, s.d.Time(now.Add(lease).UTC()), limit)
	if err != nil {
		return nil, fmt.Errorf("claiming jobs: %w", err)
	}
	return scanJobs(rows)
}

func scanJobs(rows *sql.Rows) ([]store.Job, error) {
	defer rows.Close()
	var out []store.Job
	for rows.Next() {
		var j store.Job
		var args, state string
		if err := rows.Scan(&j.ID, &j.Kind, &args, &state, &j.Attempt, &j.MaxAttempts, &j.RunAt, &j.LastError, &j.CreatedAt); err != nil {
			return nil, err
		}
		j.Args, j.State = []byte(args), store.JobState(state)
		out = append(out, j)
	}
	return out, rows.Err()
}

// CompleteJob implements store.JobStore.
func (s *DB) CompleteJob(ctx context.Context, id int64, now time.Time) error {
	return s.finishJob(ctx, id, store.JobCompleted, now, "")
}

// DiscardJob implements store.JobStore.
func (s *DB) DiscardJob(ctx context.Context, id int64, now time.Time, errText string) error {
	return s.finishJob(ctx, id, store.JobDiscarded, now, errText)
}

func (s *DB) finishJob(ctx context.Context, id int64, state store.JobState, now time.Time, errText string) error {
	_, err := s.exec(ctx, s.db, `UPDATE jobs SET state = $1, finished_at = $2, locked_until = NULL,
		last_error = CASE WHEN $3 = '' THEN last_error ELSE $3 END WHERE id = $4`,
		string(state), s.d.Time(now.UTC()), errText, id)
	if err != nil {
		return fmt.Errorf("finishing job %d: %w", id, err)
	}
	return nil
}

// RetryJob implements store.JobStore.
func (s *DB) RetryJob(ctx context.Context, id int64, runAt time.Time, errText string) error {
	_, err := s.exec(ctx, s.db, `UPDATE jobs SET state = 'retryable', run_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3`,
		s.d.Time(runAt.UTC()), errText, id)
	if err != nil {
		return fmt.Errorf("scheduling retry of job %d: %w", id, err)
	}
	return nil
}

// Jobs implements store.JobStore.
func (s *DB) Jobs(ctx context.Context, f store.JobFilter) ([]store.Job, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+jobColumns+` FROM jobs
		WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR state = $2) ORDER BY id DESC`+limit(f.Limit), f.Kind, string(f.State))
	if err != nil {
		return nil, fmt.Errorf("listing jobs: %w", err)
	}
	return scanJobs(rows)
}

// PruneJobs implements store.JobStore.
func (s *DB) PruneJobs(ctx context.Context, cutoff time.Time) (int, error) {
	r, err := s.exec(ctx, s.db, `DELETE FROM jobs WHERE state IN ('completed', 'discarded') AND finished_at < $1`, s.d.Time(cutoff.UTC()))
	if err != nil {
		return 0, fmt.Errorf("pruning jobs: %w", err)
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}
