package email_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
)

const from = "cert@baken.example"

// bundle is what a sender test works with.
type bundle struct {
	srv    *smtptest.Server
	sender *email.Sender
}

// setup starts a server with opts and a Sender for it; cfg.URL and
// cfg.TLSConfig default to the server's.
func setup(t *testing.T, cfg email.Config, opts ...smtptest.Option) bundle {
	t.Helper()
	srv := smtptest.NewServer(t, opts...)
	if cfg.URL == "" {
		cfg.URL = srv.URL()
	}
	if cfg.TLSConfig == nil {
		cfg.TLSConfig = srv.TLSConfig()
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	cfg.HeloName = "baken.test"
	s, err := email.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return bundle{srv: srv, sender: s}
}

// message builds a small notification to the recipients.
func message(t testing.TB, n int, to ...string) []byte {
	t.Helper()
	raw, err := email.Build(email.Message{
		MessageID: fmt.Sprintf("%d@baken.example", n),
		From:      "Baken <" + from + ">",
		To:        to,
		Subject:   fmt.Sprintf("Notification %d", n),
		Text:      "A vulnerable server.\n",
	}, date)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestSendSecurity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []smtptest.Option
		url     func(*smtptest.Server) string
		wantTLS bool
		user    string
	}{
		{name: "plain", url: (*smtptest.Server).URL},
		{name: "STARTTLS", opts: []smtptest.Option{smtptest.WithTLS()}, wantTLS: true},
		{name: "implicit TLS", opts: []smtptest.Option{smtptest.WithImplicitTLS()}, wantTLS: true},
		{name: "opportunistic, offered", opts: []smtptest.Option{smtptest.WithTLS()}, wantTLS: true,
			url: func(s *smtptest.Server) string { return s.URL() + "?starttls=opportunistic" }},
		{name: "opportunistic, not offered",
			url: func(s *smtptest.Server) string { return "smtp://" + s.Addr() + "?starttls=opportunistic" }},
		{name: "AUTH PLAIN over STARTTLS", opts: []smtptest.Option{smtptest.WithTLS(), smtptest.WithAuth("baken", "s3cret")}, wantTLS: true, user: "baken"},
		{name: "AUTH LOGIN over implicit TLS", opts: []smtptest.Option{smtptest.WithImplicitTLS(), smtptest.WithAuth("baken", "s3cret"), smtptest.WithAuthMechanisms("LOGIN")}, wantTLS: true, user: "baken"},
		{name: "AUTH in the clear on loopback", opts: []smtptest.Option{smtptest.WithAuth("baken", "s3cret")}, user: "baken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.NewServer(t, tt.opts...)
			url := srv.URL()
			if tt.url != nil {
				url = tt.url(srv)
			}
			s, err := email.NewSender(email.Config{URL: url, TLSConfig: srv.TLSConfig(), Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			msg := message(t, 1, "abuse@example.nl")
			if err := s.Send(context.Background(), from, []string{"abuse@example.nl"}, msg); err != nil {
				t.Fatal(err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("server got %d messages", len(got))
			}
			r := got[0]
			if r.From != from || len(r.To) != 1 || r.To[0] != "abuse@example.nl" || !bytes.Equal(r.Data, msg) {
				t.Errorf("received %q %q, data equal %v", r.From, r.To, bytes.Equal(r.Data, msg))
			}
			if r.TLS != tt.wantTLS || r.User != tt.user {
				t.Errorf("TLS %v user %q, want %v %q", r.TLS, r.User, tt.wantTLS, tt.user)
			}
		})
	}
}

func TestSendSetupFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []smtptest.Option
		cfg  func(*smtptest.Server) email.Config
		want string
	}{
		{name: "STARTTLS required, not offered",
			cfg:  func(s *smtptest.Server) email.Config { return email.Config{URL: "smtp://" + s.Addr()} },
			want: "does not offer STARTTLS"},
		{name: "untrusted certificate", opts: []smtptest.Option{smtptest.WithTLS()},
			cfg:  func(s *smtptest.Server) email.Config { return email.Config{URL: s.URL()} },
			want: "certificate"},
		{name: "wrong password", opts: []smtptest.Option{smtptest.WithTLS(), smtptest.WithAuth("baken", "s3cret")},
			cfg: func(s *smtptest.Server) email.Config {
				return email.Config{URL: "smtp://baken:wrong@" + s.Addr(), TLSConfig: s.TLSConfig()}
			},
			want: "535"},
		{name: "credentials but no AUTH offered",
			cfg: func(s *smtptest.Server) email.Config {
				return email.Config{URL: "smtp://baken:s3cret@" + s.Addr() + "?starttls=none"}
			},
			want: "offers no AUTH"},
		{name: "AUTH required, no credentials", opts: []smtptest.Option{smtptest.WithAuth("baken", "s3cret")},
			cfg: func(s *smtptest.Server) email.Config {
				return email.Config{URL: "smtp://" + s.Addr() + "?starttls=none"}
			},
			want: "530"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.NewServer(t, tt.opts...)
			cfg := tt.cfg(srv)
			cfg.Timeout = 10 * time.Second
			s, err := email.NewSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Send(context.Background(), from, []string{"abuse@example.nl"}, message(t, 1, "abuse@example.nl"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one about %q", err, tt.want)
			}
			// Configuration problems are not the message's fault: retry later.
			if email.IsPermanent(err) {
				t.Errorf("%v is permanent", err)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the password: %v", err)
			}
			if n := srv.Count(); n != 0 {
				t.Errorf("server got %d messages", n)
			}
		})
	}
}

func TestNewSenderRefuses(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"",
		"http://mail.example.org",
		"smtp://",
		"smtp://mail.example.org/path",
		"smtp://mail.example.org?starttls=sometimes",
		"smtp://mail.example.org?tls=on",
		"smtps://mail.example.org?starttls=none",
		"smtp://user:pass@mail.example.org?starttls=none", // credentials in the clear
	} {
		if _, err := email.NewSender(email.Config{URL: url}); err == nil {
			t.Errorf("NewSender(%q) succeeded", url)
		} else if strings.Contains(err.Error(), "pass") && strings.Contains(url, "pass") {
			t.Errorf("NewSender(%q) error shows the password: %v", url, err)
		}
	}
	if _, err := email.NewSender(email.Config{URL: "smtp://127.0.0.1:25", HeloName: "a\r\nRSET"}); err == nil {
		t.Error("HeloName with CRLF accepted")
	}
	if _, err := email.NewSender(email.Config{URL: "smtp://user:pass@127.0.0.1:25?starttls=none"}); err != nil {
		t.Errorf("credentials in the clear to loopback: %v", err)
	}
}
