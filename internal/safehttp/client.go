// Package safehttp is the one outbound HTTP client for everything Baken fetches from
// the internet: security.txt files, feed pulls and webhooks.
//
// The addresses these requests go to are chosen by outsiders (an organisation's
// domain, a feed URL, a webhook URL), so the client refuses loopback, private,
// link-local and other non-public destinations. The check runs at dial time on the
// address actually connected to, after DNS resolution and on every redirect, so
// neither a DNS name pointing at 127.0.0.1 nor a redirect to http://10.0.0.1/ nor
// DNS rebinding gets past it.
package safehttp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Defaults for Options.
const (
	DefaultTimeout   = 10 * time.Second
	DefaultMaxBody   = 1 << 20 // 1 MiB
	DefaultUserAgent = "Baken (+https://github.com/baken-cert/baken)"

	// MaxRedirects is how many redirects a request follows before giving up.
	MaxRedirects = 3
)

// ErrBodyTooLarge matches (with errors.Is) the error reading a response body that is
// larger than allowed.
var ErrBodyTooLarge = errors.New("response body too large")

// Options configure New. The zero value is the safe production client.
type Options struct {
	// AllowPrivate lets the client connect to loopback and private addresses.
	// For tests only: it switches off the protection this package exists for.
	AllowPrivate bool
	// Timeout bounds a whole request, redirects and body included (default 10s).
	Timeout time.Duration
	// MaxBody is the largest response body the client reads (default 1 MiB);
	// reading past it fails with ErrBodyTooLarge.
	MaxBody int64
	// UserAgent is sent with requests that set none (default DefaultUserAgent).
	UserAgent string
	// RootCAs are the certificate authorities trusted for HTTPS (nil: the system's).
	// Tests set the pool of an httptest TLS server.
	RootCAs *x509.CertPool
}

// New returns an HTTP client that refuses non-public destinations (unless
// o.AllowPrivate), follows at most MaxRedirects redirects, ignores proxy settings
// from the environment (a proxy would connect on our behalf, unchecked), and limits
// time and response size as o says.
func New(o Options) *http.Client {
	if o.AllowPrivate {
		return newClient(o, nil)
	}
	return newClient(o, func(ap netip.AddrPort) error { return CheckAddr(ap.Addr()) })
}

// newClient is New with the dial-time check as a parameter (nil: no check), so that
// tests can allow one loopback server and still see the check refuse the rest.
func newClient(o Options, check func(netip.AddrPort) error) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	dialer := &net.Dialer{Timeout: o.Timeout, KeepAlive: 30 * time.Second}
	if check != nil {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			// address is the resolved IP and port about to be connected to.
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				// Fail closed: an address we cannot read is not one we can vouch for.
				return fmt.Errorf("refusing to connect to %q: not an IP address and port", address)
			}
			return check(ap)
		}
	}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport:     &transport{base: t, userAgent: o.UserAgent, maxBody: o.MaxBody},
		Timeout:       o.Timeout,
		CheckRedirect: checkRedirect,
	}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("stopped after %d redirects (at %s)", MaxRedirects, req.URL.Redacted())
	}
	return nil
}

// transport sets the User-Agent and caps response bodies.
type transport struct {
	base      http.RoundTripper
	userAgent string
	maxBody   int64
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == "" {
		// A RoundTripper must not modify the caller's request.
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.userAgent)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.maxBody, max: t.maxBody}
	return resp, nil
}

// limitedBody fails with ErrBodyTooLarge once more than max bytes would be read.
type limitedBody struct {
	rc   io.ReadCloser
	left int64 // bytes still allowed; -1 once exceeded
	max  int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooLarge()
	}
	// Read one byte more than allowed, to tell "exactly max" from "more".
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = -1
		return n, b.tooLarge()
	}
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) tooLarge() error {
	return fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, b.max)
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// Get fetches url with c and returns at most max bytes of its body (max <= 0 means
// DefaultMaxBody). A larger body is an error matching ErrBodyTooLarge. Any HTTP
// status is returned without error, for the caller to judge; the returned
// response's Body is already read and closed.
func Get(ctx context.Context, c *http.Client, url string, max int64) ([]byte, *http.Response, error) {
	if max <= 0 {
		max = DefaultMaxBody
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", url, err)
	}
	resp, err := c.Do(req)
	if err != nil {
		// c.Do's *url.Error already names the method and URL.
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, resp, fmt.Errorf("GET %s: reading body: %w", url, err)
	}
	if int64(len(body)) > max {
		return nil, resp, fmt.Errorf("GET %s: %w: more than %d bytes", url, ErrBodyTooLarge, max)
	}
	return body, resp, nil
}
