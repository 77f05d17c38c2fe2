// Package deliver sends what package notify composed: the outbox of notifications, sent
// over SMTP with retries, a stable Message-ID per notification, and a log of every attempt.
//
// A notification is committed (pending) before it is sent, leased while a sender works
// on it, and marked sent as soon as the mail server accepted it. A sender that dies
// loses its lease and the notification is sent again by another: nothing is lost. The
// one window in which a message can be sent twice is between the server's acceptance
// and the commit that marks it sent; an outbox stops sending as soon as such a commit
// fails, so that a database outage costs at most the messages in flight
// (docs/notifications.md).
//
// Only the recipient's permanent refusal ends a notification (and marks the contact
// bounced). Whatever is the CERT's own side (its relay down, refusing for a while, or
// refusing Baken's login) is retried until it works, and shown in the metrics.
package deliver

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/baken-cert/baken/internal/job"
	"github.com/baken-cert/baken/internal/store"
)

// Sender sends one message; *email.Sender is one.
type Sender interface {
	Send(ctx context.Context, from string, to []string, mime []byte) error
}

// Options tune an Outbox.
type Options struct {
	From     string        // the envelope sender
	Workers  int           // messages sent at once; default 8
	Batch    int           // notifications leased at once; default 200
	Lease    time.Duration // how long a lease lasts; default 2m
	MaxDelay time.Duration // the longest wait between two attempts; default 10m
	Poll     time.Duration // how often Start looks for due mail; default 1s
	// RecordFor is how long the record of a message the server accepted is retried,
	// when the database does not take it, before the sender gives up (and the message
	// may go out again once its lease ends); default half the lease.
	RecordFor time.Duration
	// Refused says whether a send error is the recipient's permanent refusal (a 5xx
	// answer to its address), the one failure that is final; every other is retried.
	Refused func(error) bool
}

// Tally counts what the outbox did with the notifications it leased.
type Tally struct {
	Leased  int `json:"leased"`
	Sent    int `json:"sent"`
	Retried int `json:"retried"` // failed for now, and wait for another attempt
	Refused int `json:"refused"` // refused for good by the recipient's mail server
}

// Add adds o to t.
func (t *Tally) Add(o Tally) {
	t.Leased += o.Leased
	t.Sent += o.Sent
	t.Retried += o.Retried
	t.Refused += o.Refused
}

// Outbox sends pending notifications.
type Outbox struct {
	store   store.NotifyStore
	sender  Sender
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	metrics *prometheus.CounterVec
	failing prometheus.Gauge // 1 while the mail server fails to take messages
	down    atomic.Bool      // the same, for logging the start and end of an outage once

	cancel context.CancelFunc
	done   sync.WaitGroup
}

// NewOutbox returns an outbox over s that sends with sender.
func NewOutbox(s store.NotifyStore, sender Sender, log *slog.Logger, reg prometheus.Registerer, o Options) *Outbox {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Batch <= 0 {
		o.Batch = 200
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 10 * time.Minute
	}
	if o.RecordFor <= 0 {
		o.RecordFor = o.Lease / 2
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Refused == nil {
		o.Refused = func(error) bool { return false }
	}
	m := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "baken_deliveries_total", Help: "Attempts to send notifications, by outcome (sent, retry, failed).",
	}, []string{"outcome"})
	failing := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "baken_mail_server_failing", Help: "1 while the mail server does not take messages (notifications wait and are retried), else 0.",
	})
	if reg != nil {
		reg.MustRegister(m, failing)
	}
	return &Outbox{store: s, sender: sender, opts: o, log: log, now: time.Now, metrics: m, failing: failing}
}

// RunOnce leases a batch of due notifications and sends them. When the outcome of a
// message cannot be recorded (the database is gone), it sends no more of the batch and
// returns the error: the rest wait for their lease to run out.
//
// Outcomes are recorded by one recorder, which writes those that arrive together in one
// transaction; a worker takes its next message only once the outcome of its last is
// recorded, so that no more messages than workers are ever sent and unrecorded.
func (o *Outbox) RunOnce(ctx context.Context) (Tally, error) {
	items, err := o.store.ClaimOutbox(ctx, o.now(), o.opts.Batch, o.opts.Lease)
	if err != nil || len(items) == 0 {
		return Tally{}, err
	}
	var mu sync.Mutex
	tally := Tally{Leased: len(items)}
	var stopped atomic.Bool
	var recordErr error
	rec := o.startRecorder(ctx)
	work := make(chan store.OutboxItem)
	var wg sync.WaitGroup
	for range min(o.opts.Workers, len(items)) {
		wg.Go(func() {
			for it := range work {
				// Stopping: left for the next lease.
				if stopped.Load() || ctx.Err() != nil {
					continue
				}
				r := o.attempt(ctx, it)
				err := rec.record(r)
				mu.Lock()
				switch {
				case err != nil:
					if !stopped.Swap(true) {
						recordErr = fmt.Errorf("recording the delivery of notification %d, so sending no more: %w", it.ID, err)
					}
				case r.Outcome == store.DeliverySent:
					tally.Sent++
				case r.Outcome == store.DeliveryRetry:
					tally.Retried++
				default:
					tally.Refused++
				}
				mu.Unlock()
			}
		})
	}
	for _, it := range items {
		if stopped.Load() || ctx.Err() != nil {
			break
		}
		work <- it
	}
	close(work)
	wg.Wait()
	rec.stop()
	return tally, recordErr
}

// attempt sends one notification and returns its outcome, to record. A message begun is
// finished (the sender's own timeouts bound it) even when ctx is cancelled: a message cut
// off after the server took it would be sent again.
func (o *Outbox) attempt(ctx context.Context, it store.OutboxItem) store.DeliveryResult {
	err := o.sender.Send(context.WithoutCancel(ctx), o.opts.From, []string{it.Email}, it.Message)
	r := store.DeliveryResult{ID: it.ID, Outcome: store.DeliverySent, At: o.now()}
	switch {
	case err == nil:
		o.serverUp()
		return r
	case o.opts.Refused(err):
		o.serverUp() // the server answered: it refused this recipient
		r.Outcome, r.Detail = store.DeliveryFailed, err.Error()
	default:
		o.serverDown(err)
		r.Outcome, r.Detail, r.NextAttempt = store.DeliveryRetry, err.Error(), r.At.Add(min(job.Backoff(it.Attempts+1), o.opts.MaxDelay))
	}
	o.log.Warn("sending a notification", "notification", it.ID, "to", it.Email, "outcome", r.Outcome, "err", err)
	return r
}

// recorder writes delivery outcomes, those that wait together in one transaction.
type recorder struct {
	o    *Outbox
	reqs chan recordRequest
	done sync.WaitGroup
}

type recordRequest struct {
	r      store.DeliveryResult
	result chan error
}

// startRecorder starts recording. The records are written even when ctx is cancelled,
// or an accepted message would be sent again.
func (o *Outbox) startRecorder(ctx context.Context) *recorder {
	rc := &recorder{o: o, reqs: make(chan recordRequest, o.opts.Workers)}
	ctx = context.WithoutCancel(ctx)
	rc.done.Go(func() {
		for req := range rc.reqs {
			batch := append(make([]recordRequest, 0, o.opts.Workers), req)
			for waiting := true; waiting; {
				select {
				case more, ok := <-rc.reqs:
					if ok {
						batch = append(batch, more)
					}
					waiting = ok
				default:
					waiting = false
				}
			}
			rc.write(ctx, batch)
		}
	})
	return rc
}

// write records a batch and answers each request.
func (rc *recorder) write(ctx context.Context, batch []recordRequest) {
	rs := make([]store.DeliveryResult, len(batch))
	for i, q := range batch {
		rs[i] = q.r
	}
	err := rc.o.recordAll(ctx, rs)
	if err != nil {
		rc.o.log.Error("recording deliveries", "notifications", len(rs), "first", rs[0].ID, "err", err)
	}
	for _, q := range batch {
		if err == nil {
			rc.o.metrics.WithLabelValues(q.r.Outcome).Inc()
		}
		q.result <- err
	}
}

// record records r and returns once it is written, with the error of the write.
func (rc *recorder) record(r store.DeliveryResult) error {
	result := make(chan error, 1)
	rc.reqs <- recordRequest{r: r, result: result}
	return <-result
}

// stop ends the recorder, once no worker records any more.
func (rc *recorder) stop() {
	close(rc.reqs)
	rc.done.Wait()
}

// recordAll records outcomes. The record of messages the server accepted is retried for
// a while (a database restarting, a connection lost): once given up, they go out again.
func (o *Outbox) recordAll(ctx context.Context, rs []store.DeliveryResult) error {
	err := o.store.RecordDeliveries(ctx, rs)
	if err == nil || !slices.ContainsFunc(rs, func(r store.DeliveryResult) bool { return r.Outcome == store.DeliverySent }) {
		return err
	}
	o.log.Warn("recording sent messages, retrying", "notifications", len(rs), "first", rs[0].ID, "err", err)
	wait := 50 * time.Millisecond
	for deadline := time.Now().Add(o.opts.RecordFor); time.Now().Before(deadline); wait = min(2*wait, time.Second) {
		time.Sleep(wait)
		if err = o.store.RecordDeliveries(ctx, rs); err == nil {
			return nil
		}
	}
	return err
}

// serverDown notes that the mail server did not take a message; the first time of an
// outage it says so in the log.
func (o *Outbox) serverDown(err error) {
	o.failing.Set(1)
	if !o.down.Swap(true) {
		o.log.Error("the mail server does not take messages: notifications wait and are retried until it does", "err", err)
	}
}

// serverUp notes that the mail server answered.
func (o *Outbox) serverUp() {
	o.failing.Set(0)
	if o.down.Swap(false) {
		o.log.Info("the mail server takes messages again")
	}
}

// RunUntilIdle sends until no notification is due, or a delivery cannot be recorded.
func (o *Outbox) RunUntilIdle(ctx context.Context) (Tally, error) {
	var total Tally
	for {
		t, err := o.RunOnce(ctx)
		total.Add(t)
		if err != nil || t.Leased == 0 {
			return total, err
		}
	}
}

// Start sends in the background until Stop.
func (o *Outbox) Start(ctx context.Context) {
	ctx, o.cancel = context.WithCancel(ctx)
	o.done.Go(func() {
		t := time.NewTicker(o.opts.Poll)
		defer t.Stop()
		for {
			if _, err := o.RunUntilIdle(ctx); err != nil && ctx.Err() == nil {
				o.log.Error("sending notifications", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// Stop stops sending, after the messages in flight.
func (o *Outbox) Stop() {
	if o.cancel != nil {
		o.cancel()
	}
	o.done.Wait()
}
