// Package verify holds the building blocks with which Baken checks what an
// organisation claims about its domains: the DNS token that proves control of a
// domain, and the security.txt file (RFC 9116) whose contacts Baken offers as
// notification addresses.
//
// The package does no bookkeeping: callers store tokens and results and decide
// when to check again.
package verify

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"net"
	"strings"
)

// ChallengeLabel is the label under which the DNS token is published.
const ChallengeLabel = "_baken-challenge"

// TokenPrefix starts every token, so that a TXT record says what it is for.
const TokenPrefix = "baken-verify="

// ErrNotFound is returned (wrapped) by a Resolver when the name does not exist
// (NXDOMAIN): a clean answer, not a failure.
var ErrNotFound = errors.New("no such domain name")

// Result is the outcome of a token check.
type Result int

// Outcomes of CheckToken. Unknown goes with an error: the check did not get a clean
// answer, and the domain's state should not change.
const (
	Unknown  Result = iota
	Missing         // the name does not exist, or holds no TXT record equal to the token
	Verified        // a TXT record equals the token
)

func (r Result) String() string {
	switch r {
	case Missing:
		return "missing"
	case Verified:
		return "verified"
	}
	return "unknown"
}

// Resolver looks up TXT records. Each returned string is one record, its
// character-strings joined. A name that does not exist is reported as an error
// matching ErrNotFound (or a *net.DNSError with IsNotFound, so *net.Resolver
// satisfies this interface too); a name without TXT records as no records and
// no error.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// ChallengeName returns the name at which domain publishes its token,
// "_baken-challenge.<domain>".
func ChallengeName(domain string) string {
	return ChallengeLabel + "." + normaliseDomain(domain)
}

// NewToken returns a fresh random token, TokenPrefix and 32 base32 characters
// (160 bits), to be published as a TXT record at ChallengeName(domain).
func NewToken() string {
	var b [20]byte
	// crypto/rand.Read never returns an error (it crashes the program instead).
	_, _ = rand.Read(b[:])
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	return TokenPrefix + strings.ToLower(enc.EncodeToString(b[:]))
}

// CheckToken looks up the TXT records at ChallengeName(domain) and reports
// Verified if one of them, trimmed of surrounding space, equals token. It reports
// Missing if the name does not exist or no record matches, and Unknown with an
// error if the lookup failed (SERVFAIL, timeout, ...): then nothing is known and
// the domain's state should stay as it is.
func CheckToken(ctx context.Context, r Resolver, domain, token string) (Result, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		// An empty token would match an empty TXT record.
		return Unknown, errors.New("checking DNS token: the token is empty")
	}
	domain = normaliseDomain(domain)
	if domain == "" {
		return Unknown, errors.New("checking DNS token: the domain is empty")
	}
	name := ChallengeName(domain)
	records, err := r.LookupTXT(ctx, name)
	if isNotFound(err) {
		return Missing, nil
	}
	if err != nil {
		return Unknown, fmt.Errorf("checking DNS token for %s: %w", domain, err)
	}
	for _, rec := range records {
		if strings.TrimSpace(rec) == token {
			return Verified, nil
		}
	}
	return Missing, nil
}

func isNotFound(err error) bool {
	if errors.Is(err, ErrNotFound) {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

// normaliseDomain lower-cases domain and drops surrounding space and a final dot.
func normaliseDomain(domain string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
}
