package stix

import (
	"net/netip"
	"net/url"
	"strings"
	"unicode"

	"github.com/baken-cert/baken/internal/event"
)

// validHostname tells whether s is a domain name as STIX's domain-name wants it (RFC 1034,
// in IDNA A-labels as events hold them): labels of letters, digits and hyphens, 1 to 63
// long, not starting or ending with a hyphen, 253 characters at most in all.
func validHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if len(label) < 1 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// validEmail tells whether s is an e-mail address STIX's email-addr can hold: an unquoted
// local part of RFC 5322 atoms (at most 64 characters) and a host name.
func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || len(s) > 254 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte(".!#$%&'*+-/=?^_`{|}~", c) >= 0) {
			return false
		}
	}
	return validHostname(domain)
}

// stixURL returns raw as a URL STIX's url can hold: absolute, "http://" added when the
// feed wrote none, a host, an IPv6 host in brackets; ok is false when it cannot be one.
func stixURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.ContainsFunc(raw, unicode.IsSpace) {
		return "", false
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Hostname() == "" {
		return "", false
	}
	if h := u.Hostname(); strings.Contains(h, ":") {
		ip, err := netip.ParseAddr(h)
		if err != nil || !ip.Is6() || !strings.Contains(u.Host, "[") {
			return "", false
		}
	}
	return raw, true
}

// validCVE tells whether id is a CVE identifier as STIX's external references write them:
// CVE-YYYY- and four digits, or more than four not starting with 0.
func validCVE(id string) bool {
	rest, ok := strings.CutPrefix(id, "CVE-")
	if !ok || len(rest) < 9 || rest[4] != '-' || !digits(rest[:4]) || !digits(rest[5:]) {
		return false
	}
	n := rest[5:]
	return len(n) == 4 || n[0] != '0'
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clean makes s one line of text: control characters (line breaks, bidirectional
// overrides) become spaces, runs of white space one.
func clean(s string) string { return event.OneLine(s) }
