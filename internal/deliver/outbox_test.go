package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// pending stores n notifications ready to be sent, and returns their Message-IDs.
func pending(t testing.TB, s store.Store, n int) []string {
	var in []store.NotificationInput
	var ids []string
	now := time.Now()
	for i := range n {
		id := fmt.Sprintf("<t%d.test@baken>", i)
		mime, err := email.Build(email.Message{MessageID: id, From: "notify@cert.example", To: []string{fmt.Sprintf("soc@org%d.example", i)},
			Subject: "Kwetsbaar systeem", Text: "Installeer de update."}, now)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, store.NotificationInput{Ticket: fmt.Sprint("T", i), Recipient: "r", Email: fmt.Sprintf("soc@org%d.example", i),
			Language: "nl", Subject: "s", MessageID: id, Message: mime, VerifyCode: "c", FeedbackToken: fmt.Sprint("tok", i), Now: now})
		ids = append(ids, id)
	}
	if err := s.CreateNotifications(context.Background(), in, nil, nil); err != nil {
		t.Fatal(err)
	}
	return ids
}

func newOutbox(t testing.TB, s store.Store, srv *smtptest.Server) *Outbox {
	sender, err := email.NewSender(email.Config{URL: srv.URL(), Connections: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	return NewOutbox(s, sender, slog.New(slog.DiscardHandler), nil, Options{From: "notify@cert.example", Refused: email.IsRecipientRefusal})
}

// TestRefusedThenAccepted: the server refuses with 4xx for a while; every message
// arrives once it accepts again, each exactly once.
func TestRefusedThenAccepted(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		srv := smtptest.NewServer(t)
		ids := pending(t, s, 20)
		o := newOutbox(t, s, srv)
		var clock atomic.Int64
		clock.Store(time.Now().UnixNano())
		o.now = func() time.Time { return time.Unix(0, clock.Load()) }

		srv.Refuse(451, "4.3.0 try again later")
		for range 3 {
			if _, err := o.RunUntilIdle(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Add(int64(10 * time.Minute)) // past each backoff
		}
		if srv.Count() != 0 {
			t.Fatalf("%d accepted while refusing", srv.Count())
		}
		srv.Accept()
		clock.Add(int64(time.Hour))
		if _, err := o.RunUntilIdle(ctx); err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, m := range srv.Messages() {
			got[m.Header.Get("Message-Id")]++
		}
		for _, id := range ids {
			if got[id] != 1 {
				t.Fatalf("%s arrived %d times", id, got[id])
			}
		}
		n, _ := s.NotificationBy(ctx, "T0", "")
		if n.State != store.NotificationSent || n.Attempts != 4 {
			t.Fatalf("T0: %+v", n)
		}
		log, _ := s.Deliveries(ctx, n.ID)
		if len(log) != 4 || log[0].Outcome != store.DeliveryRetry || log[3].Outcome != store.DeliverySent {
			t.Fatalf("delivery log: %+v", log)
		}
	})
}

// TestPermanentRefusal: a 5xx is final; the notification fails and the contact is marked.
func TestPermanentRefusal(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	srv := smtptest.NewServer(t)
	pending(t, s, 1)
	srv.Refuse(550, "5.1.1 no such user")
	o := newOutbox(t, s, srv)
	o.RunUntilIdle(context.Background())
	n, _ := s.NotificationBy(context.Background(), "T0", "")
	if n.State != store.NotificationFailed || n.Attempts != 1 {
		t.Fatalf("after a 550: %+v", n)
	}
}

// BenchmarkOutbox sends 10,000 notifications of about 20 KB to an SMTP server on loopback.
func BenchmarkOutbox(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := storetest.Open(b, "sqlite")
		srv := smtptest.NewServer(b, smtptest.WithDiscard())
		pending(b, s, 10000)
		o := newOutbox(b, s, srv)
		b.StartTimer()
		start := time.Now()
		if _, err := o.RunUntilIdle(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(srv.Count())/time.Since(start).Seconds(), "mails/s")
	}
}

// TestOurOutageNeverBounces: the CERT's own relay is down, then refuses with 4xx, and
// then refuses the sender with 5xx, far longer than any attempt count: nothing fails,
// no contact is marked bounced, the metric says so, and every message arrives once
// the relay is back.
func TestOurOutageNeverBounces(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		srv := smtptest.NewServer(t)
		ids := pending(t, s, 5)
		reg := prometheus.NewRegistry()
		sender, err := email.NewSender(email.Config{URL: srv.URL(), Connections: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sender.Close() })
		o := NewOutbox(s, sender, slog.New(slog.DiscardHandler), reg, Options{From: "notify@cert.example", Refused: email.IsRecipientRefusal})
		var clock atomic.Int64
		clock.Store(time.Now().UnixNano())
		o.now = func() time.Time { return time.Unix(0, clock.Load()) }
		round := func() Tally {
			t.Helper()
			tally, err := o.RunUntilIdle(ctx)
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(int64(o.opts.MaxDelay + time.Second)) // past every backoff
			return tally
		}
		srv.Stop()
		for range 15 {
			if tally := round(); tally.Refused != 0 || tally.Sent != 0 {
				t.Fatalf("while the relay is down: %+v", tally)
			}
		}
		if got := testutil.ToFloat64(o.failing); got != 1 {
			t.Errorf("baken_mail_server_failing = %v during the outage, want 1", got)
		}
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
		srv.Refuse(421, "4.3.2 service not available")
		round()
		srv.Accept()
		if tally := round(); tally.Sent != 5 {
			t.Fatalf("after the outage: %+v, want 5 sent", tally)
		}
		if got := testutil.ToFloat64(o.failing); got != 0 {
			t.Errorf("baken_mail_server_failing = %v after the outage, want 0", got)
		}
		got := map[string]int{}
		for _, m := range srv.Messages() {
			got[m.Header.Get("Message-Id")]++
		}
		for _, id := range ids {
			if got[id] != 1 {
				t.Errorf("%s arrived %d times", id, got[id])
			}
		}
		n, _ := s.NotificationBy(ctx, "T0", "")
		if n.State != store.NotificationSent || n.Attempts < 17 {
			t.Errorf("T0 after the outage: %+v", n)
		}
	})
}

// failingRecords is a store whose deliveries cannot be recorded: the database is gone.
type failingRecords struct {
	store.Store
	calls    atomic.Int32
	failures int32 // the first so many records fail; 0: all of them
}

func (f *failingRecords) RecordDelivery(ctx context.Context, r store.DeliveryResult) error {
	if n := f.calls.Add(1); f.failures == 0 || n <= f.failures {
		return errors.New("connection refused")
	}
	return f.Store.RecordDelivery(ctx, r)
}

// TestRecordRetriedThroughABlip: a database that comes back within RecordFor costs no
// message twice: the record of each accepted message is retried until it lands.
func TestRecordRetriedThroughABlip(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	srv := smtptest.NewServer(t)
	pending(t, s, 20)
	fs := &failingRecords{Store: s, failures: 3}
	o := newOutbox(t, fs, srv)
	tally, err := o.RunUntilIdle(context.Background())
	if err != nil || tally.Sent != 20 || srv.Count() != 20 {
		t.Fatalf("sent %d, %d arrived, %v; want all 20 once", tally.Sent, srv.Count(), err)
	}
}

func (f *failingRecords) RecordDeliveries(ctx context.Context, rs []store.DeliveryResult) error {
	if n := f.calls.Add(1); f.failures == 0 || n <= f.failures {
		return errors.New("connection refused")
	}
	return f.Store.RecordDeliveries(ctx, rs)
}

// TestNoSendingWithoutRecording: when a sent message cannot be marked sent, the outbox
// sends no more of its batch: a database outage costs at most the messages in flight.
func TestNoSendingWithoutRecording(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	srv := smtptest.NewServer(t)
	pending(t, s, 100)
	fs := &failingRecords{Store: s}
	o := newOutbox(t, fs, srv)
	o.opts.RecordFor = 100 * time.Millisecond
	_, err := o.RunUntilIdle(context.Background())
	if err == nil {
		t.Fatal("no error while nothing could be recorded")
	}
	if n := srv.Count(); n == 0 || n > o.opts.Workers {
		t.Fatalf("%d messages went out with no delivery recorded; want at most the %d in flight", n, o.opts.Workers)
	}
}
