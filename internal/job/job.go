// Package job runs Baken's durable background jobs: work stored in the database (often in
// the same transaction as the change that caused it), claimed by one worker at a time,
// retried with backoff when it fails, and periodic jobs that run once per period across
// every baken process sharing the database.
//
// Jobs live in a small table of Baken's own rather than in a queue library: the two
// engines (SQLite and PostgreSQL) need the same behaviour, and the whole mechanism is a
// few queries (see store.JobStore) that the conformance suite checks on both.
package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/baken-cert/baken/internal/store"
)

// Handler does the work of one job. An error makes the job retry later (see Cancel and
// Snooze); nil completes it.
type Handler func(ctx context.Context, j store.Job) error

type cancelError struct{ err error }

func (e cancelError) Error() string { return "cancelled: " + e.err.Error() }
func (e cancelError) Unwrap() error { return e.err }

// Cancel wraps err so that the job is discarded at once, without retries: for work that
// can never succeed.
func Cancel(err error) error { return cancelError{err} }

type snoozeError struct{ after time.Duration }

func (e snoozeError) Error() string { return fmt.Sprintf("snoozed for %s", e.after) }

// Snooze makes the job run again after d, for work that is not ready yet.
func Snooze(d time.Duration) error { return snoozeError{d} }

// Options tune a Runner; the zero value is usable.
type Options struct {
	Workers      int           // jobs run at once; default 4
	PollInterval time.Duration // how often to look for due jobs; default 1s
	Lease        time.Duration // how long a claim lasts before another worker may take the job; default 5m
}

// Runner claims and runs jobs.
type Runner struct {
	store    store.JobStore
	log      *slog.Logger
	opts     Options
	handlers map[string]Handler
	periodic []periodic
	now      func() time.Time
	metrics  *metrics

	cancel context.CancelFunc
	done   sync.WaitGroup
}

type periodic struct {
	kind  string
	every time.Duration
}

// New returns a Runner over s. Metrics are registered with reg when it is not nil.
func New(s store.JobStore, log *slog.Logger, reg prometheus.Registerer, opts Options) *Runner {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = 5 * time.Minute
	}
	return &Runner{store: s, log: log, opts: opts, handlers: make(map[string]Handler), now: time.Now, metrics: newMetrics(reg)}
}

// Handle sets the handler of a kind of job. Call it before Start.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// Every makes a job of kind due once every period (aligned to the clock: every hour on
// the hour), once across all processes. The kind needs a handler.
func (r *Runner) Every(kind string, every time.Duration) {
	r.periodic = append(r.periodic, periodic{kind, every})
}

// Start runs jobs in the background until Stop.
func (r *Runner) Start(ctx context.Context) error {
	ctx, r.cancel = context.WithCancel(ctx)
	slots := make(chan struct{}, r.opts.Workers)
	r.done.Go(func() {
		ticker := time.NewTicker(r.opts.PollInterval)
		defer ticker.Stop()
		for {
			r.schedulePeriodic(ctx)
			for r.claimAndRun(ctx, slots) {
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	})
	return nil
}

// Stop stops claiming jobs and waits for the running ones to finish.
func (r *Runner) Stop() {
	if r.cancel != nil {
		r.cancel()
	}
	r.done.Wait()
}

// claimAndRun claims as many jobs as there are free workers and starts them; it reports
// whether it found any, so that the caller looks again at once.
func (r *Runner) claimAndRun(ctx context.Context, slots chan struct{}) bool {
	free := cap(slots) - len(slots)
	if free == 0 || ctx.Err() != nil {
		return false
	}
	jobs, err := r.store.ClaimJobs(ctx, r.now(), free, r.opts.Lease)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Error("claiming jobs", "err", err)
		}
		return false
	}
	for _, j := range jobs {
		slots <- struct{}{}
		r.done.Go(func() {
			defer func() { <-slots }()
			// A job that was claimed finishes even when Stop is called: its result
			// must be recorded, or it would run again.
			r.run(context.WithoutCancel(ctx), j)
		})
	}
	return len(jobs) > 0
}

// RunUntilIdle runs every due job (and the periodic jobs of the current period) in the
// foreground, and returns when none is due; it reports how many ran.
func (r *Runner) RunUntilIdle(ctx context.Context) (int, error) {
	r.schedulePeriodic(ctx)
	ran := 0
	for {
		jobs, err := r.store.ClaimJobs(ctx, r.now(), r.opts.Workers, r.opts.Lease)
		if err != nil {
			return ran, err
		}
		if len(jobs) == 0 {
			return ran, nil
		}
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Go(func() { r.run(ctx, j) })
		}
		wg.Wait()
		ran += len(jobs)
	}
}

func (r *Runner) schedulePeriodic(ctx context.Context) {
	now := r.now().UTC()
	for _, p := range r.periodic {
		slot := now.Truncate(p.every)
		_, err := r.store.InsertJob(ctx, store.JobInput{
			Kind: p.kind, RunAt: slot, UniqueKey: p.kind + "@" + slot.Format(time.RFC3339),
		})
		if err != nil && ctx.Err() == nil {
			r.log.Error("scheduling periodic job", "kind", p.kind, "err", err)
		}
	}
}

// run runs one claimed job and records what happened.
func (r *Runner) run(ctx context.Context, j store.Job) {
	start := r.now()
	err := r.call(ctx, j)
	outcome := r.record(ctx, j, err)
	r.metrics.observe(j.Kind, outcome, r.now().Sub(start))
	log := r.log.With("job_id", j.ID, "kind", j.Kind, "attempt", j.Attempt, "outcome", outcome)
	if err != nil {
		log.Warn("job failed", "err", err)
		return
	}
	log.Debug("job done", "duration", r.now().Sub(start))
}

func (r *Runner) call(ctx context.Context, j store.Job) (err error) {
	h, ok := r.handlers[j.Kind]
	if !ok {
		return Cancel(fmt.Errorf("no handler for jobs of kind %q", j.Kind))
	}
	if j.Attempt > j.MaxAttempts {
		return Cancel(fmt.Errorf("gave up after %d attempts", j.MaxAttempts))
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, j)
}

// record writes the outcome of a job and returns its name for metrics and logs.
func (r *Runner) record(ctx context.Context, j store.Job, err error) string {
	now := r.now()
	var snooze snoozeError
	var cancel cancelError
	var outcome string
	var werr error
	switch {
	case err == nil:
		outcome, werr = "completed", r.store.CompleteJob(ctx, j.ID, now)
	case errors.As(err, &snooze):
		outcome, werr = "snoozed", r.store.RetryJob(ctx, j.ID, now.Add(snooze.after), err.Error())
	case errors.As(err, &cancel), j.Attempt >= j.MaxAttempts:
		outcome, werr = "discarded", r.store.DiscardJob(ctx, j.ID, now, err.Error())
	default:
		outcome, werr = "retry", r.store.RetryJob(ctx, j.ID, now.Add(Backoff(j.Attempt)), err.Error())
	}
	if werr != nil {
		r.log.Error("recording job outcome", "job_id", j.ID, "err", werr)
	}
	return outcome
}

// Backoff is the wait before retry number attempt: attempt⁴ seconds plus up to 10% jitter,
// at most an hour (1s, 16s, 81s, 4m16s, 10m25s, ...).
func Backoff(attempt int) time.Duration {
	d := time.Duration(attempt*attempt*attempt*attempt) * time.Second
	d = min(d, time.Hour)
	return d + time.Duration(rand.Int64N(int64(d/10)+1))
}
