package deliver

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

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
	return NewOutbox(s, sender, slog.New(slog.DiscardHandler), nil, Options{From: "notify@cert.example", IsPermanent: email.IsPermanent})
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
