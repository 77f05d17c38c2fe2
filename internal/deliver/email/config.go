package email

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config configures a Sender.
type Config struct {
	// URL names the submission server. smtp://user:pass@host:587 speaks SMTP
	// and requires STARTTLS, unless the query says ?starttls=opportunistic
	// (use it when the server offers it) or ?starttls=none (never);
	// smtps://user:pass@host:465 uses implicit TLS. The port defaults to 587
	// and 465. Credentials are optional; they are sent only over TLS, or in
	// the clear to a loopback host.
	URL string
	// HeloName is the name given in EHLO; default: the machine's host name.
	HeloName string
	// Timeout bounds setting up a connection (dial, TLS, EHLO, AUTH) and
	// each step of a message (MAIL, each RCPT, DATA, the body); default 30s.
	Timeout time.Duration
	// Connections is the most connections open to the server at once, and so
	// the most messages in flight; default 4.
	Connections int
	// PerDomainRate limits messages per second to each recipient domain;
	// Send waits for its turn. 0 means unlimited.
	PerDomainRate float64
	// PerDomainBurst is how many messages to one domain may go at once
	// before PerDomainRate applies; default 1.
	PerDomainBurst int
	// TLSConfig is the base TLS configuration, for tests that trust a
	// private CA (RootCAs); ServerName defaults to the URL's host.
	TLSConfig *tls.Config
}

// security is how a connection gets TLS.
type security int

const (
	startTLSRequired security = iota
	startTLSOpportunistic
	startTLSNone
	implicitTLS
)

// endpoint is Config.URL parsed.
type endpoint struct {
	addr       string // host:port
	host       string
	security   security
	user, pass string
	auth       bool
}

// withDefaults checks cfg and fills in defaults.
func (cfg Config) withDefaults() (Config, endpoint, error) {
	ep, err := parseURL(cfg.URL)
	if err != nil {
		return cfg, ep, err
	}
	if cfg.HeloName == "" {
		cfg.HeloName = "localhost"
		if h, err := os.Hostname(); err == nil && h != "" {
			cfg.HeloName = h
		}
	}
	if strings.ContainsAny(cfg.HeloName, " \t\r\n") {
		return cfg, ep, fmt.Errorf("email: HeloName %q contains white space", cfg.HeloName)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Connections <= 0 {
		cfg.Connections = 4
	}
	if cfg.PerDomainRate < 0 {
		return cfg, ep, errors.New("email: negative PerDomainRate")
	}
	if cfg.PerDomainBurst <= 0 {
		cfg.PerDomainBurst = 1
	}
	if ep.auth && ep.security == startTLSNone && !isLoopback(ep.host) {
		return cfg, ep, fmt.Errorf("email: refusing to send credentials in the clear to %s: use TLS", ep.host)
	}
	return cfg, ep, nil
}

// parseURL parses an smtp:// or smtps:// URL.
func parseURL(raw string) (endpoint, error) {
	var ep endpoint
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, password included; say less.
		return ep, errors.New("email: URL does not parse")
	}
	port := ""
	switch u.Scheme {
	case "smtp":
		ep.security, port = startTLSRequired, "587"
	case "smtps":
		ep.security, port = implicitTLS, "465"
	default:
		return ep, fmt.Errorf("email: URL scheme %q: want smtp or smtps", u.Scheme)
	}
	ep.host = u.Hostname()
	if ep.host == "" {
		return ep, errors.New("email: URL has no host")
	}
	if p := u.Port(); p != "" {
		port = p
	}
	ep.addr = net.JoinHostPort(ep.host, port)
	if u.Path != "" && u.Path != "/" {
		return ep, fmt.Errorf("email: URL has a path %q", u.Path)
	}
	q := u.Query()
	for k := range q {
		if k != "starttls" {
			return ep, fmt.Errorf("email: unknown URL parameter %q", k)
		}
	}
	if v := q.Get("starttls"); v != "" {
		if ep.security == implicitTLS {
			return ep, errors.New("email: starttls makes no sense with smtps")
		}
		switch v {
		case "required":
		case "opportunistic":
			ep.security = startTLSOpportunistic
		case "none":
			ep.security = startTLSNone
		default:
			return ep, fmt.Errorf("email: starttls=%q: want required, opportunistic or none", v)
		}
	}
	if u.User != nil {
		ep.user = u.User.Username()
		ep.pass, _ = u.User.Password()
		ep.auth = ep.user != ""
	}
	return ep, nil
}

// isLoopback reports whether host is a loopback address or localhost.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
