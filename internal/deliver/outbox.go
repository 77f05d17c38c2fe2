// Package deliver sends what package notify composed: the outbox of notifications, sent
// over SMTP with retries, a stable Message-ID per notification, and a log of every attempt.
//
// A notification is committed (pending) before it is sent, leased while a sender works
// on it, and marked sent as soon as the mail server accepted it. A sender that dies
// loses its lease and the notification is sent again by another: nothing is lost. The
// one window in which a message can be sent twice is between the server's acceptance
// and the commit that marks it sent (docs/delivery.md).
package deliver

import (
	"context"
	"log/slog"
	"sync"
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
	From        string        // the envelope sender
	Workers     int           // messages sent at once; default 8
	Batch       int           // notifications leased at once; default 200
	Lease       time.Duration // how long a lease lasts; default 2m
	MaxAttempts int           // attempts before a temporary failure counts as permanent; default 12
	Poll        time.Duration // how often Start looks for due mail; default 1s
	// IsPermanent says whether a send error is permanent (5xx); others are retried.
	IsPermanent func(error) bool
}

// Outbox sends pending notifications.
type Outbox struct {
	store   store.NotifyStore
	sender  Sender
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	metrics *prometheus.CounterVec

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
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 12
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.IsPermanent == nil {
		o.IsPermanent = func(error) bool { return false }
	}
	m := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "baken_deliveries_total", Help: "Attempts to send notifications, by outcome (sent, retry, failed).",
	}, []string{"outcome"})
	if reg != nil {
		reg.MustRegister(m)
	}
	return &Outbox{store: s, sender: sender, opts: o, log: log, now: time.Now, metrics: m}
}

// RunOnce leases a batch of due notifications and sends them; it returns how many it
// leased.
func (o *Outbox) RunOnce(ctx context.Context) (int, error) {
	items, err := o.store.ClaimOutbox(ctx, o.now(), o.opts.Batch, o.opts.Lease)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	work := make(chan store.OutboxItem)
	var wg sync.WaitGroup
	for range min(o.opts.Workers, len(items)) {
		wg.Go(func() {
			for it := range work {
				o.send(ctx, it)
			}
		})
	}
	for _, it := range items {
		work <- it
	}
	close(work)
	wg.Wait()
	return len(items), nil
}

// send sends one notification and records the outcome. The record must be written
// even when ctx is cancelled, or an accepted message would be sent again.
func (o *Outbox) send(ctx context.Context, it store.OutboxItem) {
	err := o.sender.Send(ctx, o.opts.From, []string{it.Email}, it.Message)
	r := store.DeliveryResult{ID: it.ID, Outcome: store.DeliverySent, At: o.now()}
	switch {
	case err == nil:
	case o.opts.IsPermanent(err) || it.Attempts+1 >= o.opts.MaxAttempts:
		r.Outcome, r.Detail = store.DeliveryFailed, err.Error()
	default:
		r.Outcome, r.Detail, r.NextAttempt = store.DeliveryRetry, err.Error(), r.At.Add(job.Backoff(it.Attempts+1))
	}
	if rerr := o.store.RecordDelivery(context.WithoutCancel(ctx), r); rerr != nil {
		o.log.Error("recording a delivery", "notification", it.ID, "outcome", r.Outcome, "err", rerr)
		return
	}
	o.metrics.WithLabelValues(r.Outcome).Inc()
	if err != nil {
		o.log.Warn("sending a notification", "notification", it.ID, "to", it.Email, "outcome", r.Outcome, "err", err)
	}
}

// RunUntilIdle sends until no notification is due; it returns how many it leased.
func (o *Outbox) RunUntilIdle(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := o.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
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
