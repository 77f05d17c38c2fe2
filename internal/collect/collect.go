// Package collect fetches feed files: each feed with a collector (an HTTP URL, the
// Shadowserver Reports API, a watched directory) is run as a durable job once per
// period of its schedule, across every process sharing the database. Every file it
// fetches is kept as collected (store.CollectStore, unique by content per feed) together
// with the job that ingests it, so that a crash loses no file and the same content is
// never ingested twice; failed ingestions are retried, then shown with their error, and
// an analyst can re-run them.
package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/baken-cert/baken/internal/ingest"
	"github.com/baken-cert/baken/internal/job"
	"github.com/baken-cert/baken/internal/safehttp"
	"github.com/baken-cert/baken/internal/store"
)

// The kinds of job this package handles.
const (
	// KindSchedule inserts the run of every collector whose period began, each minute.
	KindSchedule = "collect.schedule"
	// KindRun runs one feed's collector for one period.
	KindRun = "collect.run"
	// KindIngest ingests one collected file.
	KindIngest = "collect.ingest"
	// KindPrune drops the content of collected files past their retention, hourly.
	KindPrune = "collect.prune"
	// KindHealth tells the analysts of feeds that delivered nothing for too long, hourly.
	KindHealth = "collect.health"
)

// Ingester reads one file of a feed (ingest.Service).
type Ingester interface {
	Ingest(ctx context.Context, f store.Feed, name string, r io.Reader) (ingest.Report, error)
}

// Options configure a Service.
type Options struct {
	// Retention is how long the content of collected files is kept; default 30 days.
	Retention time.Duration
	// AllowPrivate lets the HTTP collectors reach private and loopback addresses: for a
	// feed server inside the CERT's network, and for tests.
	AllowPrivate bool
	// Alert tells the analysts something (a feed fell silent); nil logs it only.
	Alert func(ctx context.Context, subject, text string) error
}

// Service runs collectors and ingests what they collect.
type Service struct {
	store  store.Store
	ingest Ingester
	log    *slog.Logger
	opts   Options
	now    func() time.Time
}

// New returns the collection service.
func New(s store.Store, in Ingester, log *slog.Logger, o Options) *Service {
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	return &Service{store: s, ingest: in, log: log, opts: o, now: time.Now}
}

// source is one kind of collector.
type source interface {
	collect(ctx context.Context, r *run) error
}

func (c *Config) source() source {
	switch {
	case c.HTTP != nil:
		return c.HTTP
	case c.Shadowserver != nil:
		return c.Shadowserver
	case c.Dir != nil:
		return c.Dir
	case c.IMAP != nil:
		return c.IMAP
	case c.TAXII != nil:
		return c.TAXII
	}
	return nil
}

type runArgs struct {
	Feed string    `json:"feed"`
	Slot time.Time `json:"slot"`
}

// ScheduleJob inserts, for every collected feed, the run of the period that has begun;
// the run's unique key makes it one run per period across all processes.
func (s *Service) ScheduleJob(ctx context.Context, _ store.Job) error {
	feeds, err := s.store.Feeds(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	for _, f := range feeds {
		cfg, err := Parse(f.Collect)
		if err != nil || cfg == nil {
			continue // checked when saved; a feed without a collector is not run
		}
		sch, _ := cfg.schedule()
		slot := sch.slot(now)
		args, _ := json.Marshal(runArgs{Feed: f.Name, Slot: slot})
		if _, err := s.store.InsertJob(ctx, store.JobInput{Kind: KindRun, Args: args, MaxAttempts: 10,
			UniqueKey: KindRun + ":" + f.Name + "@" + slot.Format(time.RFC3339)}); err != nil {
			return err
		}
	}
	return nil
}

// RunJob runs one feed's collector for the period in the job's arguments, unless a run
// of that period already succeeded or the next period has begun.
func (s *Service) RunJob(ctx context.Context, j store.Job) error {
	var a runArgs
	if err := json.Unmarshal(j.Args, &a); err != nil {
		return fmt.Errorf("collect run arguments: %w", err)
	}
	f, err := s.store.Feed(ctx, a.Feed)
	if errors.Is(err, store.ErrNotFound) {
		return nil // removed since
	} else if err != nil {
		return err
	}
	st, err := s.store.CollectorState(ctx, f.ID)
	if err != nil {
		return err
	}
	if !a.Slot.After(st.LastSlot) {
		return nil
	}
	cfg, err := Parse(f.Collect)
	if err != nil || cfg == nil {
		return nil // the collector was removed or broken since: nothing to run
	}
	// A retry that a newer period overtook is dropped: that period's run fetches what
	// this one would have (every collector catches up from where it stands).
	if sch, _ := cfg.schedule(); sch.slot(s.now()).After(a.Slot) {
		return nil
	}
	_, err = s.Run(ctx, f, a.Slot)
	return err
}

// Run runs feed f's collector now, as the run of period slot, and records its outcome
// in the collector's state; it returns how many new files it kept.
func (s *Service) Run(ctx context.Context, f store.Feed, slot time.Time) (int, error) {
	cfg, err := Parse(f.Collect)
	if err != nil {
		return 0, err
	}
	if cfg == nil {
		return 0, fmt.Errorf("feed %s has no collector", f.Name)
	}
	st, err := s.store.CollectorState(ctx, f.ID)
	if err != nil {
		return 0, err
	}
	r := &run{s: s, feed: f, cfg: cfg, cursor: st.Cursor}
	start := s.now()
	err = cfg.source().collect(ctx, r)
	st.LastRunAt, st.LastFiles, st.Cursor = s.now(), r.kept, r.cursor
	if r.kept > 0 {
		st.LastNewAt = st.LastRunAt
	}
	log := s.log.With("feed", f.Name, "source", cfg.Source(), "new_files", r.kept, "duration", s.now().Sub(start))
	if err != nil {
		st.LastError = err.Error()
		log.Warn("collecting failed", "err", err)
	} else {
		st.LastError, st.LastSuccessAt = "", st.LastRunAt
		if slot.After(st.LastSlot) {
			st.LastSlot = slot
		}
		log.Info("collected")
	}
	if werr := s.store.PutCollectorState(ctx, st); werr != nil {
		return r.kept, errors.Join(err, werr)
	}
	return r.kept, err
}

// run is one run of a collector.
type run struct {
	s      *Service
	feed   store.Feed
	cfg    *Config
	cursor []byte
	kept   int
}

// keep keeps a collected file of the run's feed and its ingestion job; it reports
// whether the content was new.
func (r *run) keep(ctx context.Context, name, src string, data []byte) (bool, error) {
	return r.keepFor(ctx, r.feed, name, src, data)
}

// keepFor is keep for another feed (a mailbox's routes choose it per message).
func (r *run) keepFor(ctx context.Context, f store.Feed, name, src string, data []byte) (bool, error) {
	sum := sha256.Sum256(data)
	_, isNew, err := r.s.store.PutCollectedFile(ctx, store.CollectedFileInput{FeedID: f.ID, Name: name, Source: src,
		SHA256: hex.EncodeToString(sum[:]), Data: data, CollectedAt: r.s.now()}, ingestJob)
	if err != nil {
		return false, err
	}
	if isNew {
		r.kept++
	}
	return isNew, nil
}

// loadCursor reads the collector's memory into v; a collector that never ran has none.
func (r *run) loadCursor(v any) error {
	if len(r.cursor) == 0 {
		return nil
	}
	return json.Unmarshal(r.cursor, v)
}

// saveCursor sets the memory that the next run starts from.
func (r *run) saveCursor(v any) error {
	b, err := json.Marshal(v)
	if err == nil {
		r.cursor = b
	}
	return err
}

// httpClient is the outbound client of HTTP collectors: public addresses only (unless
// Options.AllowPrivate), bodies up to the feed's largest file.
func (r *run) httpClient() *http.Client {
	return safehttp.New(safehttp.Options{AllowPrivate: r.s.opts.AllowPrivate, Timeout: 10 * time.Minute, MaxBody: r.cfg.maxSize()})
}

type ingestArgs struct {
	FileID int64 `json:"file_id"`
}

func ingestJob(id int64) store.JobInput {
	args, _ := json.Marshal(ingestArgs{id})
	return store.JobInput{Kind: KindIngest, Args: args, MaxAttempts: ingestAttempts}
}

// ingestAttempts is how often a collected file is tried before it is shown as failed.
// A process that dies while ingesting uses up an attempt too, hence the margin.
const ingestAttempts = 10

// Rerun ingests a collected file again, at an analyst's request.
func (s *Service) Rerun(ctx context.Context, id int64) error {
	return s.store.RequeueCollectedFile(ctx, id, ingestJob(id))
}

// PruneJob drops the content of the collected files past their retention.
func (s *Service) PruneJob(ctx context.Context, _ store.Job) error {
	now := s.now()
	n, err := s.store.PruneCollectedFiles(ctx, now.Add(-s.opts.Retention), now)
	if err == nil && n > 0 {
		s.log.Info("dropped the content of old collected files", "count", n)
	}
	return err
}

// Register sets the handlers of the collection jobs on r, and the periodic ones.
func (s *Service) Register(r *job.Runner) {
	r.Handle(KindSchedule, s.ScheduleJob)
	r.Every(KindSchedule, time.Minute)
	r.Handle(KindRun, s.RunJob)
	r.Handle(KindIngest, s.IngestJob)
	r.Handle(KindPrune, s.PruneJob)
	r.Every(KindPrune, time.Hour)
	r.Handle(KindHealth, s.HealthJob)
	r.Every(KindHealth, time.Hour)
}
