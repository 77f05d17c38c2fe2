// Package app wires Baken together: it opens the store, builds the services and the
// background job runner, mounts the HTTP surfaces, and starts and stops them in order.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/baken-cert/baken/internal/collect"
	"github.com/baken-cert/baken/internal/config"
	"github.com/baken-cert/baken/internal/deliver"
	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/ingest"
	"github.com/baken-cert/baken/internal/job"
	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/notify/message"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/postgres"
	"github.com/baken-cert/baken/internal/store/sqlite"
	"github.com/baken-cert/baken/internal/verify"
)

// App is one baken process.
type App struct {
	Config   *config.Config
	Log      *slog.Logger
	Store    store.Store
	Registry *registry.Service
	Jobs     *job.Runner
	Metrics  *prometheus.Registry
	// Matcher holds the matching indices; it is empty until LoadIndices.
	Matcher *ingest.Matcher
	Ingest  *ingest.Service
	// Collect runs the feeds' collectors and ingests what they collect.
	Collect *collect.Service
	Notify  *notify.Service
	// Outbox sends notifications; nil when no mail server is configured.
	Outbox *deliver.Outbox
	// Resolver answers the DNS questions of domain checks.
	Resolver verify.Resolver
	// Sender sends e-mail; nil when no mail server is configured.
	Sender *email.Sender
}

// OpenStore opens the database the configuration names, without migrating it.
func OpenStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if cfg.DatabaseURL != "" {
		return postgres.Open(ctx, cfg.DatabaseURL)
	}
	return sqlite.Open(ctx, cfg.SQLitePath())
}

// Open opens the store, brings its schema up to date and builds the services.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*App, error) {
	s, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrating the %s database: %w", s.Engine(), err)
	}
	// The Shadowserver schema stored with `baken shadowserver schema update`, if any:
	// every process reads reports the same way.
	parsers := ingest.NewParsers()
	if err := parsers.Refresh(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a := &App{
		Config:   cfg,
		Log:      log,
		Store:    s,
		Registry: registry.New(s),
		Metrics:  reg,
		Jobs:     job.New(s, log, reg, job.Options{Workers: cfg.Workers, PollInterval: cfg.PollInterval, Lease: cfg.JobLease}),
		Matcher:  ingest.NewMatcher(s, log, ingest.LoadRIPEOwners),
		Resolver: verify.NewResolver(cfg.DNSServer),
	}
	a.Ingest = ingest.New(s, a.Matcher, parsers, log)
	composer := notify.MailComposer{From: cfg.MailFrom, SenderName: cfg.SenderName, PublicURL: cfg.PublicURL,
		Sections: &message.Sections{}}
	if cfg.PGPKeyFile != "" {
		if composer.Signer, err = email.LoadSigningKey(cfg.PGPKeyFile, cfg.PGPPassphrase); err != nil {
			s.Close()
			return nil, fmt.Errorf("BAKEN_PGP_KEY_FILE: %w", err)
		}
	}
	a.Notify = notify.New(s, log, composer)
	if cfg.SMTPURL != "" {
		sender, err := email.NewSender(email.Config{URL: cfg.SMTPURL, Connections: cfg.SMTPConnections, PerDomainRate: cfg.SMTPDomainRate})
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("BAKEN_SMTP_URL: %w", err)
		}
		a.Sender = sender
		a.Outbox = deliver.NewOutbox(s, sender, log, reg, deliver.Options{From: cfg.MailFrom, Workers: cfg.SMTPConnections * 2,
			Lease: cfg.JobLease, Poll: cfg.PollInterval, Refused: email.IsRecipientRefusal})
	}
	a.Collect = a.newCollect()
	reg.MustRegister(a.Collect.Metrics())
	a.registerJobs()
	return a, nil
}

// registerJobs sets the handlers of every kind of job, and the periodic ones.
func (a *App) registerJobs() {
	a.Jobs.Handle(KindPruneJobs, a.pruneJobs)
	a.Jobs.Every(KindPruneJobs, time.Hour)
	a.Jobs.Handle(notify.KindDecide, a.Notify.DecideJob)
	a.Jobs.Handle(notify.KindCompose, a.Notify.ComposeJob)
	// The periodic runs are the safety net behind the jobs the changes insert.
	a.Jobs.Handle(KindSweep, a.Notify.Sweep)
	a.Jobs.Every(KindSweep, time.Minute)
	publisher := deliver.NewPublisher(a.Store, a.Config.SenderName, a.Log)
	a.Jobs.Handle(deliver.KindPublish, publisher.Job)
	a.Jobs.Every(deliver.KindPublish, time.Minute)
	a.Jobs.Handle(KindRecheckDomains, func(ctx context.Context, _ store.Job) error {
		return a.Registry.RecheckDomains(ctx, a.Resolver)
	})
	a.Jobs.Every(KindRecheckDomains, time.Hour)
	a.Collect.Register(a.Jobs)
}

// KindRecheckDomains checks the DNS tokens of verified and pending domains again, hourly.
const KindRecheckDomains = "domains.recheck"

// KindSweep composes every notification whose window ended, each minute.
const KindSweep = "notify.sweep"

// KindPruneJobs removes finished jobs older than the retention period, hourly.
const KindPruneJobs = "jobs.prune"

func (a *App) pruneJobs(ctx context.Context, _ store.Job) error {
	n, err := a.Store.PruneJobs(ctx, time.Now().Add(-a.Config.JobRetention))
	if err == nil && n > 0 {
		a.Log.Info("pruned finished jobs", "count", n)
	}
	return err
}

// LoadIndices loads the matching indices (every registered asset, the network owners),
// for the commands that match.
func (a *App) LoadIndices(ctx context.Context) error {
	start := time.Now()
	if err := a.Matcher.Refresh(ctx); err != nil {
		return err
	}
	a.Log.Debug("matching indices loaded", "duration", time.Since(start))
	return nil
}

// refreshIndices reloads the indices when another process changed the data, until ctx ends.
func (a *App) refreshIndices(ctx context.Context) {
	t := time.NewTicker(a.Config.IndexRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Matcher.Refresh(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error("reloading the matching indices", "err", err)
			}
		}
	}
}

// Close releases the store.
func (a *App) Close() error { return a.Store.Close() }

// Serve runs the HTTP server and the background workers until ctx is cancelled (SIGTERM),
// then stops them in order: first the HTTP server (finishing requests in flight), then
// the workers (finishing running jobs), within the shutdown timeout. ready, when not nil,
// is called once the server accepts connections, with its address.
func (a *App) Serve(ctx context.Context, ready func(addr net.Addr)) error {
	ln, err := net.Listen("tcp", a.Config.ListenAddr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", a.Config.ListenAddr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	if err := a.LoadIndices(ctx); err != nil {
		ln.Close()
		return err
	}
	go a.refreshIndices(ctx)
	if err := a.Jobs.Start(ctx); err != nil {
		ln.Close()
		return err
	}
	a.startOutbox(ctx)
	served := make(chan error, 2)
	metrics, err := a.serveMetrics(served)
	if err != nil {
		ln.Close()
		a.stopWorkers()
		return err
	}
	go func() { served <- srv.Serve(ln) }()
	a.Log.Info("baken is serving", "addr", ln.Addr().String(), "database", a.Store.Engine())
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case <-ctx.Done():
	case err := <-served:
		srv.Close()
		if metrics != nil {
			metrics.Close()
		}
		a.stopWorkers()
		return err
	}
	a.Log.Info("stopping")
	stopCtx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(stopCtx)
	if metrics != nil {
		metrics.Shutdown(stopCtx)
	}
	a.stopWorkers()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// serveMetrics serves /metrics on BAKEN_METRICS_ADDR, when set; it reports a failure of
// the server to served. The server is nil when there is no such address.
func (a *App) serveMetrics(served chan<- error) (*http.Server, error) {
	if a.Config.MetricsAddr == "" {
		if a.Config.MetricsToken == "" {
			a.Log.Info("no /metrics: set BAKEN_METRICS_ADDR or BAKEN_METRICS_TOKEN to serve them")
		}
		return nil, nil
	}
	ln, err := net.Listen("tcp", a.Config.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listening on BAKEN_METRICS_ADDR %s: %w", a.Config.MetricsAddr, err)
	}
	srv := &http.Server{Handler: a.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	go func() { served <- srv.Serve(ln) }()
	a.Log.Info("metrics are served", "metrics_addr", ln.Addr().String())
	return srv, nil
}

// startOutbox starts sending notifications, when a mail server is configured.
func (a *App) startOutbox(ctx context.Context) {
	if a.Outbox == nil {
		a.Log.Warn("no mail server configured (BAKEN_SMTP_URL): notifications wait in the outbox")
		return
	}
	a.Outbox.Start(ctx)
}

// stopWorkers stops the outbox (finishing the messages in flight) and the job runner
// (finishing the running jobs).
func (a *App) stopWorkers() {
	if a.Outbox != nil {
		a.Outbox.Stop()
	}
	a.Jobs.Stop()
}

// StartWorkers runs the background jobs and the outbox, for `baken work`; StopWorkers
// stops them.
func (a *App) StartWorkers(ctx context.Context) error {
	if err := a.Jobs.Start(ctx); err != nil {
		return err
	}
	a.startOutbox(ctx)
	return nil
}

// StopWorkers stops what StartWorkers started.
func (a *App) StopWorkers() { a.stopWorkers() }

// Idle is what RunUntilIdle did, and what it left.
type Idle struct {
	Jobs int // jobs run
	deliver.Tally
	Waiting      int  // notifications not sent yet: waiting for another attempt, or leased by another process
	Running      int  // jobs that another process is running
	NoMailServer bool // no mail server is configured, so every notification waits
}

// RunUntilIdle runs every due job and sends every due notification, again and again
// while one step makes work for the other, and decides the events no job will. The
// outbox sends in the background while the jobs compose, as under `baken serve`.
func (a *App) RunUntilIdle(ctx context.Context) (Idle, error) {
	var idle Idle
	for {
		var sent deliver.Tally
		var sendErr error
		var wg sync.WaitGroup
		done := make(chan struct{})
		if a.Outbox != nil {
			wg.Go(func() { sent, sendErr = a.sendUntil(ctx, done) })
		}
		j, err := a.Jobs.RunUntilIdle(ctx)
		close(done)
		wg.Wait()
		idle.Jobs += j
		idle.Tally.Add(sent)
		if err = errors.Join(err, sendErr); err != nil {
			return idle, err
		}
		if j == 0 && sent.Leased == 0 {
			// Events that no job will decide (their ingestion died before it committed
			// its decide job) are decided here too, and their compose jobs run next.
			if n, err := a.Notify.Decide(ctx); err != nil {
				return idle, err
			} else if n == 0 {
				return a.whatIsLeft(ctx, idle)
			}
		}
	}
}

// whatIsLeft counts the notifications that wait and the jobs another process runs.
func (a *App) whatIsLeft(ctx context.Context, idle Idle) (Idle, error) {
	var err error
	idle.NoMailServer = a.Outbox == nil
	if idle.Waiting, err = a.Store.OutboxDue(ctx); err != nil {
		return idle, err
	}
	running, err := a.Store.Jobs(ctx, store.JobFilter{State: store.JobRunning})
	idle.Running = len(running)
	return idle, err
}

// sendUntil sends due notifications until done is closed and nothing is due any more.
func (a *App) sendUntil(ctx context.Context, done <-chan struct{}) (deliver.Tally, error) {
	var total deliver.Tally
	for {
		t, err := a.Outbox.RunOnce(ctx)
		total.Add(t)
		if err != nil {
			return total, err
		}
		if t.Leased > 0 {
			continue
		}
		select {
		case <-done:
			t, err := a.Outbox.RunUntilIdle(ctx)
			total.Add(t)
			return total, err
		case <-time.After(50 * time.Millisecond):
		}
	}
}
