package smtptest

import (
	"io"
	"slices"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// errAuthRequired is the RFC 4954 reply to MAIL before AUTH.
var errAuthRequired = &smtp.SMTPError{
	Code:         530,
	EnhancedCode: smtp.EnhancedCode{5, 7, 0},
	Message:      "Authentication required",
}

// backend hands go-smtp one session per connection (and a fresh one after
// STARTTLS).
type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{s: b.s, tls: isTLS}, nil
}

// session is one client's state; go-smtp calls it from one goroutine.
type session struct {
	s    *Server
	tls  bool
	user string
	from string
	to   []string
}

// AuthMechanisms lists what the server offers; none without WithAuth.
func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.user == "" {
		return nil
	}
	return ss.s.opts.mechanisms
}

// Auth starts a SASL exchange for mech if the server offers it.
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if !slices.Contains(ss.AuthMechanisms(), mech) {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	check := func(user, pass string) error {
		if user != ss.s.opts.user || pass != ss.s.opts.pass {
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}
	switch mech {
	case "PLAIN":
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return smtp.ErrAuthFailed
			}
			return check(user, pass)
		}), nil
	case "LOGIN":
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.user != "" && ss.user == "" {
		return errAuthRequired
	}
	ss.from, ss.to = from, nil
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.s.rcptRefusal(to); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if ss.s.opts.discard {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		if err := ss.s.dataRefusal(); err != nil {
			return err
		}
		ss.s.record(nil)
		return nil
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.s.dataRefusal(); err != nil {
		return err
	}
	rec := Parse(data)
	rec.From, rec.To, rec.TLS, rec.User = ss.from, slices.Clone(ss.to), ss.tls, ss.user
	ss.s.record(&rec)
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism, which go-sasl no
// longer provides but many submission servers still offer.
type loginServer struct {
	check      func(user, pass string) error
	user       []byte
	askedUser  bool
	askedPassw bool
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch {
	case !l.askedUser && len(response) == 0:
		l.askedUser = true
		return []byte("Username:"), false, nil
	case !l.askedPassw:
		// The user name came as the answer or as an initial response.
		l.user, l.askedUser, l.askedPassw = response, true, true
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(string(l.user), string(response))
	}
}

// record stores a message (nil with WithDiscard) and wakes WaitFor.
func (s *Server) record(rec *Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if rec != nil {
		s.msgs = append(s.msgs, *rec)
	}
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// Count returns how many messages the server has accepted, including those
// it discarded under WithDiscard.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// WaitFor waits until the server has accepted at least n messages or timeout
// has passed, and returns the messages received by then: fewer than n after
// a timeout, so the caller checks the length.
func (s *Server) WaitFor(n int, timeout time.Duration) []Received {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		count, arrived := s.count, s.arrived
		s.mu.Unlock()
		if count >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-timer.C:
			return s.Messages()
		}
	}
}
