package email_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
)

// benchMessage is a notification of about 20 KB: text, HTML and a CSV.
func benchMessage(n int) email.Message {
	row := "2026-03-14T09:26:53Z,192.0.2.7,443,scan_exchange,CVE-2026-12345,Exchange Server\n"
	return email.Message{
		MessageID:   fmt.Sprintf("20260314-%08d@baken.example", n),
		From:        "Baken <" + from + ">",
		To:          []string{fmt.Sprintf("abuse@example%d.nl", n%50)},
		Subject:     "[20260314] Kwetsbare systemen in uw netwerk",
		Text:        strings.Repeat("Wij zagen een kwetsbare server in uw netwerk. ", 100),
		HTML:        "<p>" + strings.Repeat("Wij zagen een <b>kwetsbare</b> server. ", 100) + "</p>",
		Attachments: []email.Attachment{{Name: "events.csv", ContentType: "text/csv", Data: []byte(strings.Repeat(row, 120))}},
		Headers:     map[string]string{"X-Baken-Ticket": fmt.Sprintf("20260314-%08d", n)},
	}
}

func BenchmarkBuild(b *testing.B) {
	m := benchMessage(1)
	raw, err := email.Build(m, date)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := email.Build(m, date); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSend sends 10,000 messages of about 20 KB per round over
// loopback with the default 4 connections, and reports messages per second.
// The goal is at least 500.
func BenchmarkSend(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts []smtptest.Option
	}{
		{"plain", nil},
		{"starttls", []smtptest.Option{smtptest.WithTLS()}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchmarkSend(b, append(tc.opts, smtptest.WithDiscard())...)
		})
	}
}

func benchmarkSend(b *testing.B, opts ...smtptest.Option) {
	const perRound, workers, distinct = 10_000, 16, 100
	srv := smtptest.NewServer(b, opts...)
	s, err := email.NewSender(email.Config{URL: srv.URL(), TLSConfig: srv.TLSConfig()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	type job struct {
		to  string
		raw []byte
	}
	msgs := make([]job, distinct)
	size := 0
	for i := range msgs {
		m := benchMessage(i)
		raw, err := email.Build(m, date)
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = job{m.To[0], raw}
		size += len(raw)
	}
	b.SetBytes(int64(size / distinct * perRound))

	rounds := 0
	for b.Loop() {
		rounds++
		var next atomic.Int64
		var failed atomic.Value
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < perRound; i = next.Add(1) - 1 {
					j := msgs[i%distinct]
					if err := s.Send(context.Background(), from, []string{j.to}, j.raw); err != nil {
						failed.Store(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err := failed.Load(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(perRound*rounds)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(size/distinct), "bytes/msg")
	if n := srv.Connections(); n > 4 {
		b.Errorf("%d connections, want at most 4", n)
	}
	if n := srv.Count(); n != perRound*rounds {
		b.Errorf("server counted %d messages, want %d", n, perRound*rounds)
	}
}
