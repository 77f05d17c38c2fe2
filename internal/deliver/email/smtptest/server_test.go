package smtptest_test

import (
	"crypto/tls"
	"errors"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
)

const msg = "From: a@example.org\r\nTo: b@example.net\r\nSubject: =?utf-8?q?gr=C3=BC=C3=9F?=\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n" +
	"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
	"caf=C3=A9\r\n--b1\r\nContent-Type: text/csv\r\nContent-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.csv\r\n\r\nYSxiCjEsMgo=\r\n--b1--\r\n"

// send speaks SMTP with net/smtp, independent of the package under test.
func send(t *testing.T, s *smtptest.Server, tlsCfg *tls.Config, auth smtp.Auth, rcpt string) error {
	t.Helper()
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if tlsCfg != nil {
		if err := c.StartTLS(tlsCfg); err != nil {
			return err
		}
	}
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.Mail("a@example.org"); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func TestReceiveAndParse(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t)
	if !strings.HasSuffix(s.URL(), "?starttls=none") {
		t.Errorf("URL %s: want ?starttls=none without TLS", s.URL())
	}
	if err := send(t, s, nil, nil, "b@example.net"); err != nil {
		t.Fatal(err)
	}
	got := s.WaitFor(1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("got %d messages", len(got))
	}
	r := got[0]
	if r.From != "a@example.org" || len(r.To) != 1 || r.To[0] != "b@example.net" || r.TLS {
		t.Errorf("envelope %q %q TLS %v", r.From, r.To, r.TLS)
	}
	if sub := r.DecodedHeader("Subject"); sub != "grüß" {
		t.Errorf("subject %q", sub)
	}
	if text, err := r.Text("text/plain"); err != nil || text != "café" {
		t.Errorf("text %q, %v", text, err)
	}
	att, err := r.Attachments()
	if err != nil || len(att) != 1 {
		t.Fatalf("attachments %v, %v", att, err)
	}
	if att[0].Filename != "résumé.csv" || string(att[0].Body) != "a,b\n1,2\n" || att[0].MediaType != "text/csv" {
		t.Errorf("attachment %q %q %q", att[0].Filename, att[0].Body, att[0].MediaType)
	}
	if s.Count() != 1 || s.Connections() != 1 {
		t.Errorf("count %d, connections %d", s.Count(), s.Connections())
	}
}

func TestTLSAndAuth(t *testing.T) {
	t.Parallel()
	for _, mech := range []string{"PLAIN", "LOGIN"} {
		t.Run(mech, func(t *testing.T) {
			t.Parallel()
			s := smtptest.NewServer(t, smtptest.WithTLS(), smtptest.WithAuth("u", "p"), smtptest.WithAuthMechanisms(mech))
			if !strings.HasPrefix(s.URL(), "smtp://u:p@127.0.0.1:") || strings.Contains(s.URL(), "?") {
				t.Errorf("URL %s", s.URL())
			}
			cfg := s.TLSConfig()
			cfg.ServerName = "127.0.0.1"
			// Without AUTH, MAIL is refused.
			var tp *textproto.Error
			if err := send(t, s, cfg, nil, "b@example.net"); !errors.As(err, &tp) || tp.Code != 530 {
				t.Errorf("without AUTH: %v, want 530", err)
			}
			if err := send(t, s, cfg, testAuth{mech: mech, user: "u", pass: "p"}, "b@example.net"); err != nil {
				t.Fatal(err)
			}
			r := s.WaitFor(1, 5*time.Second)
			if len(r) != 1 || !r[0].TLS || r[0].User != "u" {
				t.Fatalf("got %+v", r)
			}
			if err := send(t, s, cfg, testAuth{mech: mech, user: "u", pass: "wrong"}, "b@example.net"); !errors.As(err, &tp) || tp.Code != 535 {
				t.Errorf("wrong password: %v, want 535", err)
			}
		})
	}
}

func TestRefuseAndRestart(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t)
	s.Refuse(550, "5.1.1 no such user")
	var tp *textproto.Error
	if err := send(t, s, nil, nil, "b@example.net"); !errors.As(err, &tp) || tp.Code != 550 || tp.Msg != "5.1.1 no such user" {
		t.Errorf("Refuse: %v", err)
	}
	s.Accept()
	s.RefuseRecipient("B@example.net", 451, "try later")
	if err := send(t, s, nil, nil, "b@example.net"); !errors.As(err, &tp) || tp.Code != 451 || tp.Msg != "4.0.0 try later" {
		t.Errorf("RefuseRecipient: %v", err)
	}
	if err := send(t, s, nil, nil, "c@example.net"); err != nil {
		t.Errorf("other recipient: %v", err)
	}
	s.Accept()
	s.RefuseData(554, "5.7.1 looks like spam")
	if err := send(t, s, nil, nil, "b@example.net"); !errors.As(err, &tp) || tp.Code != 554 {
		t.Errorf("RefuseData: %v", err)
	}
	s.Accept()

	idle, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if err := idle.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := idle.Noop(); err == nil {
		t.Error("a connection open at Stop still works")
	}
	if c, err := smtp.Dial(s.Addr()); err == nil {
		c.Close()
		t.Fatal("dial succeeded while stopped")
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := send(t, s, nil, nil, "b@example.net"); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if n := s.Count(); n != 2 {
		t.Errorf("count %d, want 2 (kept across restart)", n)
	}
}

func TestImplicitTLSAndDiscard(t *testing.T) {
	t.Parallel()
	s := smtptest.NewServer(t, smtptest.WithImplicitTLS(), smtptest.WithDiscard())
	if !strings.HasPrefix(s.URL(), "smtps://127.0.0.1:") {
		t.Errorf("URL %s", s.URL())
	}
	conn, err := tls.Dial("tcp", s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(conn, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("a@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("b@example.net"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s.Count() != 1 || len(s.Messages()) != 0 {
		t.Errorf("count %d, kept %d", s.Count(), len(s.Messages()))
	}
}

func TestStartWithoutTest(t *testing.T) {
	t.Parallel()
	s, err := smtptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	if got := s.WaitFor(1, 10*time.Millisecond); len(got) != 0 {
		t.Errorf("WaitFor on an idle server returned %d", len(got))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Restart(); err == nil {
		t.Error("Restart after Close succeeded")
	}
}

// testAuth is SASL PLAIN or LOGIN for net/smtp without its TLS check.
type testAuth struct{ mech, user, pass string }

func (a testAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	if a.mech == "PLAIN" {
		return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
	}
	return "LOGIN", nil, nil
}

func (a testAuth) Next(challenge []byte, more bool) ([]byte, error) {
	switch {
	case !more:
		return nil, nil
	case string(challenge) == "Username:":
		return []byte(a.user), nil
	default:
		return []byte(a.pass), nil
	}
}
