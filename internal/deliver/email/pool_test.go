package email_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/deliver/email"
)

func TestSendReusesConnection(t *testing.T) {
	t.Parallel()
	b := setup(t, email.Config{Connections: 3})
	for i := range 20 {
		to := fmt.Sprintf("abuse%d@example.nl", i)
		if err := b.sender.Send(context.Background(), from, []string{to}, message(t, i, to)); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.srv.Count(); n != 20 {
		t.Errorf("server got %d messages, want 20", n)
	}
	// One after the other, the first connection serves every message.
	if n := b.srv.Connections(); n != 1 {
		t.Errorf("%d connections for sequential sends, want 1", n)
	}
}

func TestSendConcurrent(t *testing.T) {
	t.Parallel()
	const conns, senders, each = 3, 8, 25
	b := setup(t, email.Config{Connections: conns})
	var wg sync.WaitGroup
	errs := make(chan error, senders*each)
	for g := range senders {
		wg.Go(func() {
			for i := range each {
				n := g*each + i
				to := fmt.Sprintf("abuse%d@example%d.nl", n, g)
				errs <- b.sender.Send(context.Background(), from, []string{to}, message(t, n, to))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := b.srv.Count(); n != senders*each {
		t.Errorf("server got %d messages, want %d", n, senders*each)
	}
	if n := b.srv.Connections(); n > conns {
		t.Errorf("%d connections, want at most %d", n, conns)
	}
	seen := make(map[string]bool)
	for _, r := range b.srv.Messages() {
		id := r.Header.Get("Message-Id")
		if seen[id] {
			t.Errorf("%s arrived twice", id)
		}
		seen[id] = true
	}
}

func TestSendSurvivesRestart(t *testing.T) {
	t.Parallel()
	b := setup(t, email.Config{})
	send := func(n int) error {
		return b.sender.Send(context.Background(), from, []string{"abuse@example.nl"}, message(t, n, "abuse@example.nl"))
	}
	if err := send(1); err != nil {
		t.Fatal(err)
	}
	// The pooled connection dies with the server; the next Send notices at
	// RSET and dials again.
	if err := b.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := send(2); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if n := b.srv.Count(); n != 2 {
		t.Errorf("server got %d messages, want 2", n)
	}
	if n := b.srv.Connections(); n != 2 {
		t.Errorf("%d connections, want 2 (one redial)", n)
	}

	b.srv.Stop()
	err := send(3)
	var se *email.SendError
	if !errors.As(err, &se) || email.IsPermanent(err) || se.Code != 0 {
		t.Fatalf("server down: %v, want a temporary SendError without code", err)
	}
	if err := b.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := send(4); err != nil {
		t.Fatalf("server back: %v", err)
	}
}

func TestSendTimeout(t *testing.T) {
	t.Parallel()
	// A server that accepts connections and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	s, err := email.NewSender(email.Config{URL: "smtp://" + ln.Addr().String() + "?starttls=none", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Send(context.Background(), from, []string{"abuse@example.nl"}, message(t, 1, "abuse@example.nl"))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || email.IsPermanent(err) {
		t.Fatalf("got %v, want a temporary timeout", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = s.Send(ctx, from, []string{"abuse@example.nl"}, message(t, 1, "abuse@example.nl"))
	if !errors.Is(err, context.Canceled) || email.IsPermanent(err) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestSendAfterClose(t *testing.T) {
	t.Parallel()
	b := setup(t, email.Config{})
	if err := b.sender.Send(context.Background(), from, []string{"a@example.nl"}, message(t, 1, "a@example.nl")); err != nil {
		t.Fatal(err)
	}
	if err := b.sender.Close(); err != nil {
		t.Fatal(err)
	}
	err := b.sender.Send(context.Background(), from, []string{"a@example.nl"}, message(t, 2, "a@example.nl"))
	if !errors.Is(err, email.ErrClosed) {
		t.Fatalf("got %v, want ErrClosed", err)
	}
	if err := b.sender.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRateLimitPerDomain(t *testing.T) {
	t.Parallel()
	b := setup(t, email.Config{PerDomainRate: 5, PerDomainBurst: 1})
	send := func(ctx context.Context, n int, to string) error {
		return b.sender.Send(ctx, from, []string{to}, message(t, n, to))
	}
	// Three to one domain at 5/s with a burst of 1 take at least 2 × 200ms.
	start := time.Now()
	for i := range 3 {
		if err := send(context.Background(), i, fmt.Sprintf("u%d@slow.example", i)); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("3 messages to one domain took %v, want at least 400ms", d)
	}

	// With a bucket that refills in minutes, a second message to the same
	// domain cannot go within a 2s deadline, while other domains are not
	// held up by it.
	c := setup(t, email.Config{PerDomainRate: 0.001, PerDomainBurst: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.sender.Send(ctx, from, []string{"a@one.example"}, message(t, 1, "a@one.example")); err != nil {
		t.Fatal(err)
	}
	err := c.sender.Send(ctx, from, []string{"b@ONE.example"}, message(t, 2, "b@one.example"))
	if err == nil || email.IsPermanent(err) {
		t.Fatalf("second message to one.example: %v, want a temporary error", err)
	}
	if err := c.sender.Send(context.Background(), from, []string{"a@two.example"}, message(t, 3, "a@two.example")); err != nil {
		t.Fatalf("other domain: %v", err)
	}
	if n := c.srv.Count(); n != 2 {
		t.Errorf("server got %d messages, want 2", n)
	}
}
