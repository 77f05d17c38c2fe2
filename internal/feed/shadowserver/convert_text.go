package shadowserver

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"golang.org/x/net/idna"
)

func validateFQDN(v string, _ row) (string, bool, error) {
	if strings.TrimSpace(v) == "" {
		return "", false, nil
	}
	name, err := normalizeFQDN(v)
	if err != nil {
		return "", false, err
	}
	return name, true, nil
}

// normalizeFQDN returns a domain name in lower case, without trailing dot, non-ASCII
// labels as A-labels ("xn--..."). Like IntelMQ it wants at least two labels, a TLD of
// letters, and no IP address; unlike IntelMQ it lets labels hold "_", which real
// host names do.
func normalizeFQDN(v string) (string, error) {
	s := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v)), ".")
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			a, err := idna.ToASCII(s)
			if err != nil {
				return "", fmt.Errorf("%q is not a domain name", v)
			}
			s = a
			break
		}
	}
	if !isFQDN(s) {
		return "", fmt.Errorf("%q is not a domain name", v)
	}
	return s, nil
}

func isFQDN(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return len(tld) >= 2
}

// httpHostAndURL rebuilds a URL from a row that splits it into a host column (cc_dns
// or http_host) and a path column (url or http_url), as IntelMQ does. The path column
// may hold a whole request line ("GET /x HTTP/1.1"): only the path is kept.
func httpHostAndURL(v string, r row) (string, bool, error) {
	host, ok := r.get("cc_dns")
	if !ok {
		host, _ = r.get("http_host")
	}
	path, ok := r.get("url")
	if !ok {
		path, _ = r.get("http_url")
	}
	if host == "" || path == "" {
		return v, v != "", nil
	}
	if i := strings.IndexByte(path, '/'); i >= 0 {
		path = path[i:]
	} else {
		path = ""
	}
	if i := strings.IndexAny(path, " \t\r\n\v\f"); i >= 0 {
		path = path[:i]
	}
	scheme := "http"
	if app, _ := r.get("application"); app == "http" || app == "https" {
		scheme = app
	}
	return scheme + "://" + host + path, true, nil
}

// extractCVE returns the CVE identifiers among tags such as "exchange;cve-2021-26855",
// upper case and comma separated.
func extractCVE(v string, _ row) (string, bool, error) {
	if !hasCVE(v) {
		return "", false, nil
	}
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool {
		return r == ';' || r == ',' || r == ' ' || r == '\t'
	}) {
		f = strings.ToUpper(f)
		if isCVE(f) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return strings.Join(out, ","), len(out) > 0, nil
}

// hasCVE reports whether v holds "cve" in any case: most tags do not.
func hasCVE(v string) bool {
	for i := 0; i+2 < len(v); i++ {
		if v[i]|0x20 == 'c' && v[i+1]|0x20 == 'v' && v[i+2]|0x20 == 'e' {
			return true
		}
	}
	return false
}

// isCVE reports whether s is a CVE identifier: CVE-YYYY-NNNN with four or more digits.
func isCVE(s string) bool {
	if len(s) < len("CVE-2000-0000") || !strings.HasPrefix(s, "CVE-") || s[8] != '-' {
		return false
	}
	for i := 4; i < len(s); i++ {
		if i != 8 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}
