package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"
)

// maxIdle is how long an idle connection is kept. Servers drop idle clients
// after a while (RFC 5321 suggests 5 minutes; many use less); past this age
// a connection is closed rather than tried.
const maxIdle = 30 * time.Second

// Sender sends messages to one submission server over a pool of reused
// connections, waiting per recipient domain for the configured rate. It is
// safe for concurrent use.
type Sender struct {
	cfg    Config
	ep     endpoint
	tls    *tls.Config
	limits *domainLimits

	open chan struct{} // one token per open connection: at most Connections
	idle chan *conn    // connections waiting for a message
	done chan struct{} // closed by Close

	mu     sync.Mutex // orders Close against returning a connection to idle
	closed bool
}

// NewSender checks cfg and returns a Sender. It does not connect: the first
// Send does, so a server that is down shows up as a temporary Send error.
func NewSender(cfg Config) (*Sender, error) {
	cfg, ep, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	tlsCfg := &tls.Config{}
	if cfg.TLSConfig != nil {
		tlsCfg = cfg.TLSConfig.Clone()
	}
	if tlsCfg.ServerName == "" {
		tlsCfg.ServerName = ep.host
	}
	if tlsCfg.MinVersion == 0 {
		tlsCfg.MinVersion = tls.VersionTLS12
	}
	return &Sender{
		cfg:    cfg,
		ep:     ep,
		tls:    tlsCfg,
		limits: newDomainLimits(cfg.PerDomainRate, cfg.PerDomainBurst),
		open:   make(chan struct{}, cfg.Connections),
		idle:   make(chan *conn, cfg.Connections),
		done:   make(chan struct{}),
	}, nil
}

// Send sends msg, a complete message such as Build returns, from the
// envelope sender from to the recipients to. It first waits, as long as ctx
// allows, until each recipient domain's rate permits one more message.
//
// The message goes to all recipients or to none: if the server refuses any
// recipient, Send sends nothing and returns a SendError naming it (joined
// errors for several; see Refused), so the caller can drop the refused
// address and send again without duplicates. Every error is a *SendError or
// a join of them; IsPermanent tells whether to give up.
func (s *Sender) Send(ctx context.Context, from string, to []string, msg []byte) error {
	env, err := parseEnvelope(from, to)
	if err != nil {
		return err
	}
	if s.isClosed() {
		return &SendError{Err: ErrClosed}
	}
	if err := s.limits.wait(ctx, env.domains); err != nil {
		return &SendError{Err: fmt.Errorf("wait for the per-domain rate: %w", err)}
	}
	c, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	err = c.send(ctx, env, msg)
	s.release(c)
	return err
}

// Close closes the idle connections and makes later Sends fail with
// ErrClosed; a Send in progress finishes and then closes its connection.
func (s *Sender) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	for {
		select {
		case c := <-s.idle:
			s.drop(c)
		default:
			return nil
		}
	}
}

func (s *Sender) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// acquire returns a working connection: an idle one that answers RSET, or a
// new one while fewer than Connections are open; otherwise it waits.
func (s *Sender) acquire(ctx context.Context) (*conn, error) {
	for {
		var c *conn
		// Prefer an idle connection to opening another.
		select {
		case c = <-s.idle:
		default:
			select {
			case c = <-s.idle:
			case s.open <- struct{}{}:
				c, err := s.dial(ctx)
				if err != nil {
					<-s.open
					return nil, err
				}
				return c, nil
			case <-ctx.Done():
				return nil, &SendError{Err: fmt.Errorf("wait for a connection: %w", ctx.Err())}
			case <-s.done:
				return nil, &SendError{Err: ErrClosed}
			}
		}
		if s.isClosed() {
			s.drop(c)
			return nil, &SendError{Err: ErrClosed}
		}
		if time.Since(c.lastUsed) < maxIdle {
			unguard := c.guard(ctx)
			err := c.reset(ctx)
			unguard()
			if err == nil && !c.broken {
				return c, nil
			}
		}
		// Stale or dead (the server timed it out or restarted): drop it and
		// try the next idle one or a new one.
		c.broken = true
		s.drop(c)
		if err := ctx.Err(); err != nil {
			return nil, &SendError{Err: fmt.Errorf("wait for a connection: %w", err)}
		}
	}
}

// release returns c to the pool, or closes it if it is broken or the Sender
// is closed.
func (s *Sender) release(c *conn) {
	s.mu.Lock()
	if !c.broken && !s.closed {
		c.lastUsed = time.Now()
		select {
		case s.idle <- c:
			s.mu.Unlock()
			return
		default:
		}
	}
	s.mu.Unlock()
	s.drop(c)
}

// drop closes c and frees its place in the pool.
func (s *Sender) drop(c *conn) {
	c.close()
	<-s.open
}

// envelope is Send's from and to, checked.
type envelope struct {
	from    string
	to      []string
	domains []string // each recipient domain once, in lower case
}

// parseEnvelope takes "addr" or "Name <addr>" and keeps the address.
func parseEnvelope(from string, to []string) (envelope, error) {
	var env envelope
	if len(to) == 0 {
		return env, &SendError{Permanent: true, Err: errors.New("no recipient")}
	}
	if from != "" {
		a, err := mail.ParseAddress(from)
		if err != nil || strings.ContainsAny(from, "\r\n") {
			return env, &SendError{Permanent: true, Err: fmt.Errorf("invalid sender %q", from)}
		}
		env.from = a.Address
	}
	seen := make(map[string]bool)
	for _, r := range to {
		a, err := mail.ParseAddress(r)
		if err != nil || strings.ContainsAny(r, "\r\n") {
			return env, &SendError{Permanent: true, Recipient: r, Err: fmt.Errorf("invalid recipient %q", r)}
		}
		env.to = append(env.to, a.Address)
		dom := strings.ToLower(a.Address[strings.LastIndexByte(a.Address, '@')+1:])
		if !seen[dom] {
			seen[dom] = true
			env.domains = append(env.domains, dom)
		}
	}
	return env, nil
}
