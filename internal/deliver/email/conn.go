package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

// conn is one SMTP connection, used by one Send at a time.
//
// It speaks through net/smtp, which can issue STARTTLS after an EHLO under
// the configured name and so supports opportunistic STARTTLS; go-smtp's
// client cannot do either.
type conn struct {
	raw      net.Conn // under any TLS, for deadlines
	c        *smtp.Client
	timeout  time.Duration
	broken   bool // the connection cannot carry another message
	lastUsed time.Time
}

// past is a deadline that has passed, to interrupt blocked I/O.
var past = time.Unix(1, 0)

// dial opens a connection and takes it through TLS and AUTH as configured.
func (s *Sender) dial(ctx context.Context) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", s.ep.addr)
	if err != nil {
		return nil, classify(fmt.Errorf("connect to %s: %w", s.ep.addr, err), stageConnect, "")
	}
	deadline, _ := ctx.Deadline()
	_ = raw.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = raw.SetDeadline(past) })
	c, err := s.handshake(ctx, raw)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		if c != nil {
			_ = c.Close()
		}
		_ = raw.Close()
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", err, ctxErr)
		}
		return nil, classify(fmt.Errorf("set up SMTP with %s: %w", s.ep.addr, err), stageConnect, "")
	}
	_ = raw.SetDeadline(time.Time{})
	return &conn{raw: raw, c: c, timeout: s.cfg.Timeout, lastUsed: time.Now()}, nil
}

// handshake reads the greeting and goes through EHLO, TLS and AUTH. It may
// return a client along with an error, for the caller to close.
func (s *Sender) handshake(ctx context.Context, raw net.Conn) (*smtp.Client, error) {
	nc := raw
	if s.ep.security == implicitTLS {
		tc := tls.Client(raw, s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		nc = tc
	}
	c, err := smtp.NewClient(nc, s.ep.host)
	if err != nil {
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if err := c.Hello(s.cfg.HeloName); err != nil {
		return c, fmt.Errorf("EHLO: %w", err)
	}
	if s.ep.security == startTLSRequired || s.ep.security == startTLSOpportunistic {
		offered, _ := c.Extension("STARTTLS")
		switch {
		case offered:
			if err := c.StartTLS(s.tls); err != nil {
				return c, fmt.Errorf("STARTTLS: %w", err)
			}
		case s.ep.security == startTLSRequired:
			return c, errors.New("server does not offer STARTTLS, which this sender requires " +
				"(set ?starttls=opportunistic or ?starttls=none in the URL to allow plain text)")
		}
	}
	if s.ep.auth {
		if err := s.authenticate(c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// authenticate logs in with PLAIN, or LOGIN if the server offers only that.
func (s *Sender) authenticate(c *smtp.Client) error {
	if _, isTLS := c.TLSConnectionState(); !isTLS && !isLoopback(s.ep.host) {
		return errors.New("refusing to send credentials without TLS")
	}
	_, mechs := c.Extension("AUTH")
	offered := strings.Fields(strings.ToUpper(mechs))
	var a smtp.Auth
	switch {
	case slices.Contains(offered, "PLAIN"):
		a = &plainAuth{user: s.ep.user, pass: s.ep.pass}
	case slices.Contains(offered, "LOGIN"):
		a = &loginAuth{user: s.ep.user, pass: s.ep.pass}
	case len(offered) == 0:
		return errors.New("credentials configured but the server offers no AUTH")
	default:
		return fmt.Errorf("server offers AUTH %s, but this sender knows only PLAIN and LOGIN", mechs)
	}
	if err := c.Auth(a); err != nil {
		return fmt.Errorf("AUTH: %w", err)
	}
	return nil
}

// step arms the deadline for one SMTP exchange: Timeout from now, or ctx's
// deadline if sooner. Checking ctx after arming closes the gap in which a
// cancellation could be overwritten.
func (c *conn) step(ctx context.Context) error {
	d := time.Now().Add(c.timeout)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	_ = c.raw.SetDeadline(d)
	return ctx.Err()
}

// reset sends RSET, which clears any transaction a failed Send left behind
// and proves that an idle connection still works.
func (c *conn) reset(ctx context.Context) error {
	if err := c.step(ctx); err != nil {
		return err
	}
	return c.c.Reset()
}

// fail records what an error means for the connection: an SMTP reply leaves
// it usable, except 421 (the server is closing it); anything else, such as a
// timeout, breaks it.
func (c *conn) fail(err error) {
	var tp *textproto.Error
	if !errors.As(err, &tp) || tp.Code == 421 {
		c.broken = true
	}
}

// close ends the connection politely if it works, and in any case closes it.
func (c *conn) close() {
	if !c.broken {
		_ = c.raw.SetDeadline(time.Now().Add(time.Second))
		_ = c.c.Quit()
	}
	_ = c.c.Close()
}
