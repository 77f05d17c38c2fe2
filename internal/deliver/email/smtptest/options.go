package smtptest

import (
	"strconv"
	"strings"

	"github.com/emersion/go-smtp"
)

// Option configures a Server at Start.
type Option func(*options)

type options struct {
	startTLS    bool
	implicitTLS bool
	user, pass  string
	mechanisms  []string
	discard     bool
}

// WithTLS makes the server offer STARTTLS with a self-signed certificate
// generated at start; Server.TLSConfig returns a client configuration that
// trusts it.
func WithTLS() Option { return func(o *options) { o.startTLS = true } }

// WithImplicitTLS makes the server speak TLS from the first byte (SMTPS, as
// on port 465) with a self-signed certificate; Server.URL then starts with
// smtps://.
func WithImplicitTLS() Option { return func(o *options) { o.implicitTLS = true } }

// WithAuth makes the server require AUTH with this user and password before
// MAIL. With TLS, the server accepts AUTH only after TLS is up.
func WithAuth(user, pass string) Option {
	return func(o *options) { o.user, o.pass = user, pass }
}

// WithAuthMechanisms sets the SASL mechanisms the server offers, out of
// PLAIN and LOGIN; the default is both.
func WithAuthMechanisms(mechs ...string) Option {
	return func(o *options) { o.mechanisms = mechs }
}

// WithDiscard makes the server count messages without keeping them, for
// benchmarks: Count goes up, Messages stays empty.
func WithDiscard() Option { return func(o *options) { o.discard = true } }

// refusals says how the server answers RCPT and DATA for now; nil fields
// mean accept.
type refusals struct {
	rcpt   *smtp.SMTPError
	data   *smtp.SMTPError
	byAddr map[string]*smtp.SMTPError
}

// Refuse makes the server answer every RCPT with code and msg until Accept.
// A msg that starts with an enhanced status code ("5.1.1 no such user") is
// sent as given; otherwise the server prefixes the generic X.0.0.
func (s *Server) Refuse(code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse.rcpt = reply(code, msg)
}

// RefuseRecipient makes the server answer RCPT for addr (compared without
// regard to case) with code and msg until Accept.
func (s *Server) RefuseRecipient(addr string, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse.byAddr == nil {
		s.refuse.byAddr = make(map[string]*smtp.SMTPError)
	}
	s.refuse.byAddr[strings.ToLower(addr)] = reply(code, msg)
}

// RefuseData makes the server take every message body and then answer the
// end of DATA with code and msg until Accept, as a content filter would.
func (s *Server) RefuseData(code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse.data = reply(code, msg)
}

// Accept lifts every refusal: the server accepts all recipients and
// messages again.
func (s *Server) Accept() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = refusals{}
}

// rcptRefusal returns the reply that refuses addr, or nil.
func (s *Server) rcptRefusal(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.refuse.byAddr[strings.ToLower(addr)]; ok {
		return e
	}
	if s.refuse.rcpt != nil {
		return s.refuse.rcpt
	}
	return nil
}

// dataRefusal returns the reply that refuses a message body, or nil.
func (s *Server) dataRefusal() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse.data != nil {
		return s.refuse.data
	}
	return nil
}

// reply builds a server reply, taking a leading enhanced code from msg.
func reply(code int, msg string) *smtp.SMTPError {
	e := &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: msg}
	first, rest, ok := strings.Cut(msg, " ")
	if !ok {
		return e
	}
	parts := strings.Split(first, ".")
	if len(parts) != 3 {
		return e
	}
	var enh smtp.EnhancedCode
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return e
		}
		enh[i] = n
	}
	e.EnhancedCode, e.Message = enh, rest
	return e
}
