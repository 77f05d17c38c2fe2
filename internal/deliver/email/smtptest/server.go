// Package smtptest runs a real SMTP server on loopback for tests.
//
// The server speaks SMTP through github.com/emersion/go-smtp, so a client
// under test goes through a genuine protocol exchange: EHLO, STARTTLS or
// implicit TLS with a certificate made at start, AUTH PLAIN or LOGIN, MAIL,
// RCPT and DATA. It records what it receives, can be told to refuse
// recipients or messages with a chosen reply, counts connections, and can be
// stopped and restarted on the same port.
//
// Start needs no testing.T, so the server can also run in a test process
// while a separate process (a real baken binary) sends to it; NewServer is
// the shorthand for tests and closes the server when the test ends.
package smtptest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Server is an SMTP server on 127.0.0.1. Its methods are safe for
// concurrent use.
type Server struct {
	opts      options
	serverTLS *tls.Config
	clientTLS *tls.Config
	addr      string

	life sync.Mutex // serialises Stop, Restart and Close

	mu      sync.Mutex
	smtp    *smtp.Server
	ln      net.Listener
	live    map[net.Conn]struct{} // open connections, to cut at Stop
	served  chan struct{}         // closed when the current Serve returns
	closed  bool
	conns   int
	count   int
	msgs    []Received
	arrived chan struct{} // closed and replaced whenever a message arrives
	refuse  refusals
}

// Start starts a server on 127.0.0.1 with a port chosen by the system.
// Close stops it.
func Start(opts ...Option) (*Server, error) {
	s := &Server{arrived: make(chan struct{}), live: make(map[net.Conn]struct{})}
	s.opts.mechanisms = []string{"PLAIN", "LOGIN"}
	for _, o := range opts {
		o(&s.opts)
	}
	if s.opts.startTLS || s.opts.implicitTLS {
		var err error
		if s.serverTLS, s.clientTLS, err = selfSigned(); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("smtptest: listen: %w", err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	return s, nil
}

// NewServer starts a server for the test tb, fails the test if it cannot,
// and closes the server when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Addr returns the server's address, as 127.0.0.1:port.
func (s *Server) Addr() string { return s.addr }

// URL returns the address as a URL for the email package's Config.URL:
// smtps:// in implicit-TLS mode, smtp:// otherwise, with ?starttls=none when
// the server offers no TLS, and with the credentials of WithAuth.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.addr}
	switch {
	case s.opts.implicitTLS:
		u.Scheme = "smtps"
	case !s.opts.startTLS:
		u.RawQuery = "starttls=none"
	}
	if s.opts.user != "" {
		u.User = url.UserPassword(s.opts.user, s.opts.pass)
	}
	return u.String()
}

// TLSConfig returns a client configuration that trusts the server's
// certificate, or nil when the server has no TLS.
func (s *Server) TLSConfig() *tls.Config {
	if s.clientTLS == nil {
		return nil
	}
	return s.clientTLS.Clone()
}

// Connections returns how many connections the server has accepted since
// Start, across restarts.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// serve starts a go-smtp server on ln; the caller has no lock.
func (s *Server) serve(tcp net.Listener) {
	var ln net.Listener = &countingListener{Listener: tcp, s: s}
	if s.opts.implicitTLS {
		ln = tls.NewListener(ln, s.serverTLS)
	}
	srv := smtp.NewServer(&backend{s: s})
	srv.Domain = "smtptest.localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 64 << 20
	srv.MaxRecipients = 100
	srv.TLSConfig = s.serverTLS
	// Without TLS there is no way to protect credentials; the server is on
	// loopback, so allow AUTH in the clear as a real submission server on
	// localhost might.
	srv.AllowInsecureAuth = s.serverTLS == nil
	served := make(chan struct{})
	s.mu.Lock()
	s.smtp, s.ln, s.served = srv, tcp, served
	s.mu.Unlock()
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
}

// Stop closes the listener and every open connection, as a crashed or
// stopped server would, but keeps what the server received. Restart brings
// it back.
func (s *Server) Stop() {
	s.life.Lock()
	defer s.life.Unlock()
	s.stop()
}

func (s *Server) stop() {
	s.mu.Lock()
	srv, ln, served := s.smtp, s.ln, s.served
	s.smtp, s.ln = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	// Close the listener first: go-smtp's Close misses a listener that its
	// Serve goroutine has not registered yet, and would leave Serve blocked.
	_ = ln.Close()
	_ = srv.Close()
	// Likewise cut connections accepted while go-smtp was closing.
	s.mu.Lock()
	live := make([]net.Conn, 0, len(s.live))
	for c := range s.live {
		live = append(live, c)
	}
	s.mu.Unlock()
	for _, c := range live {
		_ = c.Close()
	}
	<-served
}

// Restart stops the server if it runs and starts it again on the same port,
// keeping the messages received so far and any refusal in force.
func (s *Server) Restart() error {
	s.life.Lock()
	defer s.life.Unlock()
	s.stop()
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return errors.New("smtptest: restart after Close")
	}
	// The port was just released; retry briefly in case the system holds it.
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil || !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("smtptest: listen again on %s: %w", s.addr, err)
	}
	s.serve(ln)
	return nil
}

// Close stops the server for good. It is safe to call more than once.
func (s *Server) Close() error {
	s.life.Lock()
	defer s.life.Unlock()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stop()
	return nil
}

// countingListener counts accepted connections and tracks the open ones.
type countingListener struct {
	net.Listener
	s *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	l.s.conns++
	tc := &trackedConn{Conn: c, s: l.s}
	l.s.live[tc] = struct{}{}
	return tc, nil
}

// trackedConn leaves the set of open connections when closed.
type trackedConn struct {
	net.Conn
	s *Server
}

func (c *trackedConn) Close() error {
	c.s.mu.Lock()
	delete(c.s.live, c)
	c.s.mu.Unlock()
	return c.Conn.Close()
}
