package event

import (
	"net/netip"
	"testing"
)

func TestSubject(t *testing.T) {
	t.Parallel()
	ip := netip.MustParseAddr
	tests := []struct {
		name string
		set  map[string]string
		want Subject
	}{
		{"empty", nil, Subject{}},
		{"typed fields", map[string]string{"source.ip": "192.0.2.1", "source.asn": "64496", "source.network": "192.0.2.0/24",
			"source.fqdn": "Host.Example.NL", "destination.ip": "198.51.100.1"},
			Subject{IP: ip("192.0.2.1"), ASN: 64496, Network: netip.MustParsePrefix("192.0.2.0/24"), FQDN: "host.example.nl"}},
		{"URL with an IP host", map[string]string{"source.url": "http://192.0.2.7:8080/x"}, Subject{IP: ip("192.0.2.7")}},
		{"URL with an IPv6 host", map[string]string{"source.url": "https://[2001:DB8::7]/"}, Subject{IP: ip("2001:db8::7")}},
		{"URL host and source.ip", map[string]string{"source.url": "http://192.0.2.7/", "source.ip": "192.0.2.1"},
			Subject{IP: ip("192.0.2.1")}},
		{"URL with a name", map[string]string{"source.url": "https://Phish.Example.NL:8443/login?x=1"},
			Subject{URLHost: "phish.example.nl"}},
		{"URL with an IDN", map[string]string{"source.url": "http://Bücher.example/"}, Subject{URLHost: "xn--bcher-kva.example"}},
		{"URL without scheme", map[string]string{"source.url": "example.nl/path"}, Subject{URLHost: "example.nl"}},
		{"URL with user info", map[string]string{"source.url": "http://user:pw@example.nl/"}, Subject{URLHost: "example.nl"}},
		{"e-mail account", map[string]string{"source.account": "Alice@Example.NL"}, Subject{EmailDomain: "example.nl"}},
		{"user name account", map[string]string{"source.account": "alice"}, Subject{}},
		{"destination only", map[string]string{"destination.url": "http://192.0.2.7/", "destination.account": "a@b.nl"}, Subject{}},
	}
	for _, tt := range tests {
		var e Event
		for k, v := range tt.set {
			if err := e.Set(k, v); err != nil {
				t.Fatal(err)
			}
		}
		if got := e.Subject(); got != tt.want {
			t.Errorf("%s: Subject() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestSubjectURLHostLikeSourceIP: an IP taken from the URL's host must be the address
// that Set("source.ip", host) gives, or matching treats the same host two ways.
func TestSubjectURLHostLikeSourceIP(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ url, ip string }{
		{"http://[2001:db8::1]/x", "2001:db8::1"},
		{"http://[::ffff:192.0.2.1]/x", "::ffff:192.0.2.1"},
		{"http://[fe80::1%25eth0]/x", "fe80::1%eth0"},
	} {
		var byURL, byIP Event
		if err := byURL.Set("source.url", tt.url); err != nil {
			t.Fatal(err)
		}
		if err := byIP.Set("source.ip", tt.ip); err != nil {
			t.Fatal(err)
		}
		if got, want := byURL.Subject().IP, byIP.Source.IP; got != want {
			t.Errorf("Subject() of source.url %q gives IP %v, but source.ip %q is %v", tt.url, got, tt.ip, want)
		}
	}
}

func TestURLHost(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                           "",
		"http://Example.NL:8080/x":   "example.nl",
		"https://example.nl.":        "example.nl",
		"example.nl":                 "example.nl",
		"example.nl:8080/x?y#z":      "example.nl",
		"ftp://files.example.nl/pub": "files.example.nl",
		"http://[2001:db8::1]:80/":   "2001:db8::1",
		"http://192.0.2.1/":          "192.0.2.1",
		"http:///path":               "",
		"http://%zz/":                "",
		"http://MÜNCHEN.example/":    "xn--mnchen-3ya.example",
	}
	for in, want := range tests {
		if got := URLHost(in); got != want {
			t.Errorf("URLHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEmailDomain(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"alice@example.nl":     "example.nl",
		"Alice@EXAMPLE.NL.":    "example.nl",
		"a@b@example.nl":       "example.nl",
		"carol@Bücher.example": "xn--bcher-kva.example",
		"alice":                "",
		"@example.nl":          "",
		"alice@":               "",
		"":                     "",
	}
	for in, want := range tests {
		if got := EmailDomain(in); got != want {
			t.Errorf("EmailDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormaliseHost(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"example.nl":            "example.nl",
		" Example.NL. ":         "example.nl",
		"Bücher.Example":        "xn--bcher-kva.example",
		"BÜCHER.example":        "xn--bcher-kva.example",
		"xn--bcher-kva.example": "xn--bcher-kva.example",
		"faß.de":                "xn--fa-hia.de", // non-transitional, as asset.NormaliseDomain
		"münchen.de.":           "xn--mnchen-3ya.de",
		"bücher。example":        "xn--bcher-kva.example", // an ideographic full stop
		"bücher.example。":       "xn--bcher-kva.example", // a trailing one, as a trailing dot
		"Example.NL．":           "example.nl",            // a full-width one
		"ü_x.example":           "ü_x.example",           // IDNA refuses it: only lower-cased
		"localhost":             "localhost",
		"":                      "",
	}
	for in, want := range tests {
		if got := NormaliseHost(in); got != want {
			t.Errorf("NormaliseHost(%q) = %q, want %q", in, got, want)
		}
	}
}
