package asset

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/baken-cert/baken/internal/problem"
)

// parseTests are values people write, and what Parse makes of them: a kind and a
// canonical value, or an error containing err.
var parseTests = []struct {
	in    string
	kind  Kind
	value string
	err   string
}{
	// Addresses.
	{in: "192.0.2.7", kind: IPv4, value: "192.0.2.7"},
	{in: "  192.0.2.7\t", kind: IPv4, value: "192.0.2.7"},
	{in: "2001:DB8::7", kind: IPv6, value: "2001:db8::7"},
	{in: "2001:0db8:0000:0000:0000:0000:0000:0007", kind: IPv6, value: "2001:db8::7"},
	{in: "::ffff:192.0.2.7", kind: IPv4, value: "192.0.2.7"},
	{in: "fe80::1%eth0", kind: IPv6, value: "fe80::1"},
	{in: "192.0.2.256", err: `"192.0.2.256" is not a valid IP address`},
	{in: "1.2.3", err: `"1.2.3" is not a valid IP address`},
	{in: "1.2.3.4.5", err: "is not a valid IP address"},
	{in: "2001:db8:::7", err: `"2001:db8:::7" is not a valid IP address`},
	{in: "2001:db8::g", err: "is not a valid IP address"},
	{in: "0.0.0.0", kind: IPv4, value: "0.0.0.0"}, // a catch-all, on purpose
	{in: "::", kind: IPv6, value: "::"},
	{in: "0192.0.2.7", err: "is not a valid IP address"},
	{in: "0.00\ufe0e", err: "is not a valid IP address"}, // found by FuzzParse: IDNA drops U+FE0E
	{in: "\uff11\uff19\uff12.0.2.7", err: "is not a valid IP address; did you mean 192.0.2.7?"},

	// Prefixes.
	{in: "192.0.2.0/24", kind: IPv4Prefix, value: "192.0.2.0/24"},
	{in: "2001:DB8::/32", kind: IPv6Prefix, value: "2001:db8::/32"},
	{in: "10.0.0.0/8", kind: IPv4Prefix, value: "10.0.0.0/8"},
	{in: "192.0.2.7/32", kind: IPv4, value: "192.0.2.7"},
	{in: "2001:db8::7/128", kind: IPv6, value: "2001:db8::7"},
	{in: "192.0.2.1/24", err: `"192.0.2.1/24" has host bits set; did you mean 192.0.2.0/24?`},
	{in: "2001:db8::1/32", err: `has host bits set; did you mean 2001:db8::/32?`},
	{in: "::ffff:192.0.2.0/120", err: "is an IPv4-mapped IPv6 prefix; write the IPv4 prefix instead"},
	{in: "fe80::%eth0/64", err: "is not a valid IP prefix (write it as 192.0.2.0/24 or 2001:db8::/32)"},
	{in: "192.0.2.0/33", err: "is not a valid IP prefix"},
	{in: "192.0.2.0/", err: "is not a valid IP prefix"},
	{in: "/24", err: "is not a valid IP prefix"},
	{in: "192.0.2.0/024", err: "is not a valid IP prefix"},
	{in: "example.nl/24", err: "is not a valid IP prefix"},
	{in: "0.0.0.0/0", kind: IPv4Prefix, value: "0.0.0.0/0"}, // a catch-all, on purpose
	{in: "::/0", kind: IPv6Prefix, value: "::/0"},

	// AS numbers.
	{in: "AS64496", kind: ASN, value: "AS64496"},
	{in: "as64496", kind: ASN, value: "AS64496"},
	{in: "As064496", kind: ASN, value: "AS64496"},
	{in: "AS1", kind: ASN, value: "AS1"},
	{in: "AS4294967295", kind: ASN, value: "AS4294967295"},
	{in: "AS0", err: `"AS0" is not a valid AS number (AS1 to AS4294967295)`},
	{in: "AS4294967296", err: "is not a valid AS number"},
	{in: "AS", err: "a domain name needs at least two labels"},
	{in: "AS 64496", err: "not a valid domain name"},

	// Domains, domain trees and e-mail domains.
	{in: "example.nl", kind: Domain, value: "example.nl"},
	{in: "Example.NL.", kind: Domain, value: "example.nl"},
	{in: "www.example.nl", kind: Domain, value: "www.example.nl"},
	{in: "bücher.example", kind: Domain, value: "xn--bcher-kva.example"},
	{in: "BÜCHER.Example", kind: Domain, value: "xn--bcher-kva.example"},
	{in: "xn--bcher-kva.example", kind: Domain, value: "xn--bcher-kva.example"},
	{in: "faß.de", kind: Domain, value: "xn--fa-hia.de"},
	{in: "as64496.example.nl", kind: Domain, value: "as64496.example.nl"},
	{in: "123.nl", kind: Domain, value: "123.nl"},
	{in: "*.example.nl", kind: DomainTree, value: "*.example.nl"},
	{in: "*.Bücher.Example.", kind: DomainTree, value: "*.xn--bcher-kva.example"},
	{in: "@example.nl", kind: EmailDomain, value: "@example.nl"},
	{in: "@Example.NL.", kind: EmailDomain, value: "@example.nl"},
	{in: "@bücher.example", kind: EmailDomain, value: "@xn--bcher-kva.example"},
	{in: "localhost", err: "a domain name needs at least two labels, like example.nl"},
	{in: "localhost.", err: "a domain name needs at least two labels"},
	{in: "example.nl\u3002", kind: Domain, value: "example.nl"}, // an ideographic full stop is a dot
	{in: "example.nl..", err: `domain "example.nl..": a domain name ends with at most one dot`},
	{in: "localhost..", err: "ends with at most one dot"},
	{in: "*.nl..", err: "ends with at most one dot"},
	{in: "@example.nl..", err: "ends with at most one dot"},
	{in: "example.nl.\uff0e", err: "ends with at most one dot"},
	{in: "*...", err: `domain "*...": a domain name ends with at most one dot`},
	{in: "b\xfccher.example", err: `"b\xfccher.example" is not valid UTF-8 text`},
	{in: "exa mple.nl", err: `domain "exa mple.nl": not a valid domain name`},
	{in: "example..nl", err: "not a valid domain name"},
	{in: "-example.nl", err: "not a valid domain name"},
	{in: "a_b.example.nl", err: "not a valid domain name"},
	{in: "xn--zz.nl", err: "not a valid domain name"},
	{in: strings.Repeat("a", 64) + ".nl", err: "not a valid domain name"},
	{in: strings.Repeat("abcdefghi.", 26) + "nl", err: "not a valid domain name"},
	{in: "*.", err: `domain "*.": the domain name is empty`},
	{in: "*.*.example.nl", err: "not a valid domain name"},
	{in: "*example.nl", err: "not a valid domain name"},
	{in: "@", err: `e-mail domain "@": the domain name is empty`},
	{in: "@localhost", err: "at least two labels"},
	{in: "alice@example.nl", err: "not a valid domain name"},
	{in: "http://example.nl", err: "is not a valid IP prefix"},
	{in: "", err: "the asset is empty"},
	{in: " \t", err: "the asset is empty"},
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tt := range parseTests {
		a, err := Parse(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Parse(%q) = %+v, %v; want an error containing %q", tt.in, a, err, tt.err)
			}
			// The portal translates the error: its format and arguments are kept.
			if _, ok := err.(*problem.Problem); !ok {
				t.Errorf("Parse(%q): the error %T is no problem to translate", tt.in, err)
			}
			continue
		}
		if err != nil || a.Kind != tt.kind || a.Value != tt.value {
			t.Errorf("Parse(%q) = %+v, %v; want {%s %s}", tt.in, a, err, tt.kind, tt.value)
			continue
		}
		if again, err := Parse(a.String()); err != nil || again != a {
			t.Errorf("Parse(%q) = %+v, %v; want %+v again", a.String(), again, err, a)
		}
	}
}

// TestParseMistypedIPv6: the error should say what the person meant to write.
func TestParseMistypedIPv6(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"2001:db8:::7", "2001:db8::g", "fe80::1::2", "2001:DB8::7%", "::ffff:192.0.2.256"} {
		if a, err := Parse(in); err == nil || !strings.Contains(err.Error(), "is not a valid IP address") {
			t.Errorf("Parse(%q) = %+v, %v; want an error saying it is not a valid IP address", in, a, err)
		}
	}
}

// TestParseInvalidUTF8: a value that is not UTF-8 is no domain name. FuzzParse found
// that Parse accepted it (IDNA turned the bad byte into U+FFFD), and that the result
// did not parse again.
func TestParseInvalidUTF8(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"00.0\x8e0", "b\xfccher.example", "*.example\xff.nl", "@\xc3.example", "AS6449\xff", "192.0.2.7\x80"} {
		if a, err := Parse(in); err == nil || !strings.Contains(err.Error(), "not valid UTF-8 text") {
			t.Errorf("Parse(%q) = %+v, %v; want an error saying it is not valid UTF-8 text", in, a, err)
		}
		if d, err := NormaliseDomain(in); err == nil {
			t.Errorf("NormaliseDomain(%q) = %q; want an error", in, d)
		}
	}
}

// TestParseTrailingDots: a domain ends with at most one dot. FuzzParse found that
// NormaliseDomain trimmed one trailing dot and IDNA kept the next as the root label,
// so that "localhost.." passed the two-label rule as "localhost.", and "*.nl.." gave
// a domain tree "*.nl." for a whole top-level domain.
func TestParseTrailingDots(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"example.nl..", "localhost..", "*.nl..", "@example.nl..", "example.nl.\u3002", "example.nl\uff61\uff0e"} {
		if a, err := Parse(in); err == nil || !strings.Contains(err.Error(), "ends with at most one dot") {
			t.Errorf("Parse(%q) = %+v, %v; want an error saying a domain ends with at most one dot", in, a, err)
		}
	}
}

func TestParseKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		want  Kind
		in    string
		value string // "" when an error is wanted
		err   string
	}{
		{IPv4, "192.0.2.1", "192.0.2.1", ""},
		{IPv4, "192.0.2.1/32", "192.0.2.1", ""},
		{IPv4, "192.0.2.0/24", "", `"192.0.2.0/24" is a ipv4-prefix, not a ipv4`},
		{IPv6Prefix, "2001:db8::/32", "2001:db8::/32", ""},
		{ASN, "as64496", "AS64496", ""},
		{Domain, "*.example.nl", "", "is a domain-tree, not a domain"},
		{EmailDomain, "@example.nl", "@example.nl", ""},
		{EmailDomain, "example.nl", "", "is a domain, not a email-domain"},
		{"", "example.nl", "example.nl", ""},
		{ASN, "AS0", "", "is not a valid AS number"},
	}
	for _, tt := range tests {
		a, err := ParseKind(tt.want, tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseKind(%q, %q) = %+v, %v; want an error containing %q", tt.want, tt.in, a, err, tt.err)
		case tt.err == "" && (err != nil || a.Value != tt.value):
			t.Errorf("ParseKind(%q, %q) = %+v, %v; want %q", tt.want, tt.in, a, err, tt.value)
		}
	}
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	pfx := netip.MustParsePrefix
	tests := []struct {
		a      Asset
		prefix netip.Prefix // invalid when Prefix is false
		asn    uint32       // 0 when ASNumber is false
		domain string       // "" when DomainName is false
	}{
		{a: Asset{IPv4, "192.0.2.7"}, prefix: pfx("192.0.2.7/32")},
		{a: Asset{IPv6, "2001:db8::7"}, prefix: pfx("2001:db8::7/128")},
		{a: Asset{IPv4Prefix, "192.0.2.0/24"}, prefix: pfx("192.0.2.0/24")},
		{a: Asset{IPv6Prefix, "2001:db8::/32"}, prefix: pfx("2001:db8::/32")},
		{a: Asset{ASN, "AS64496"}, asn: 64496},
		{a: Asset{Domain, "example.nl"}, domain: "example.nl"},
		{a: Asset{DomainTree, "*.example.nl"}, domain: "example.nl"},
		{a: Asset{EmailDomain, "@example.nl"}, domain: "example.nl"},
		{a: Asset{IPv4, "not an address"}},
		{a: Asset{IPv4Prefix, "192.0.2.0/33"}},
		{a: Asset{ASN, "ASX"}},
	}
	for _, tt := range tests {
		p, ok := tt.a.Prefix()
		if ok != tt.prefix.IsValid() || p != tt.prefix {
			t.Errorf("%+v.Prefix() = %v, %v; want %v", tt.a, p, ok, tt.prefix)
		}
		n, ok := tt.a.ASNumber()
		if ok != (tt.asn != 0) || n != tt.asn {
			t.Errorf("%+v.ASNumber() = %d, %v; want %d", tt.a, n, ok, tt.asn)
		}
		d, ok := tt.a.DomainName()
		if ok != (tt.domain != "") || d != tt.domain {
			t.Errorf("%+v.DomainName() = %q, %v; want %q", tt.a, d, ok, tt.domain)
		}
	}
}

func TestKinds(t *testing.T) {
	t.Parallel()
	kinds := AllKinds()
	if len(kinds) != 8 {
		t.Errorf("AllKinds() = %q, want the 8 kinds", kinds)
	}
	for i, k := range kinds {
		if !k.Valid() || slices.Index(kinds, k) != i {
			t.Errorf("AllKinds()[%d] = %q: not valid, or listed twice", i, k)
		}
	}
	kinds[0] = "changed"
	if AllKinds()[0] != IPv4 {
		t.Error("changing what AllKinds returned changed AllKinds")
	}
	for _, k := range []Kind{"", "ipv5", "IPv4", "domain "} {
		if k.Valid() {
			t.Errorf("%q.Valid() = true", k)
		}
	}
}

func TestParseVerification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     Verification
		verified bool
	}{
		{"", Unverified, false},
		{"unverified", Unverified, false},
		{" DNS-Verified ", DNSVerified, true},
		{"registry-backed", RegistryBacked, true},
		{"ANALYST-APPROVED", AnalystApproved, true},
		{"lapsed", Lapsed, false},
	}
	for _, tt := range tests {
		v, err := ParseVerification(tt.in)
		if err != nil || v != tt.want || v.Verified() != tt.verified {
			t.Errorf("ParseVerification(%q) = %q (verified %v), %v; want %q (verified %v)",
				tt.in, v, v.Verified(), err, tt.want, tt.verified)
		}
	}
	for _, bad := range []string{"verified", "dns_verified", "approved"} {
		if v, err := ParseVerification(bad); err == nil || !strings.Contains(err.Error(), "want unverified, dns-verified") {
			t.Errorf("ParseVerification(%q) = %q, %v; want an error listing the states", bad, v, err)
		}
	}
}

// FuzzParse checks that what Parse accepts is canonical: parsing its String gives
// the same asset, of a valid kind, whose accessors agree with its kind.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := Parse(in)
		if err != nil {
			return
		}
		if !utf8.ValidString(in) {
			t.Fatalf("Parse(%q) = %+v, but the value is not UTF-8", in, a)
		}
		if !a.Kind.Valid() || a.String() != a.Value || strings.HasSuffix(a.Value, ".") {
			t.Fatalf("Parse(%q) = %+v", in, a)
		}
		again, err := Parse(a.String())
		if err != nil || again != a {
			t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v, %v", in, a, a.String(), again, err)
		}
		if k, err := ParseKind(a.Kind, a.String()); err != nil || k != a {
			t.Fatalf("ParseKind(%q, %q) = %+v, %v", a.Kind, a.String(), k, err)
		}
		_, isPrefix := a.Prefix()
		_, isASN := a.ASNumber()
		name, isDomain := a.DomainName()
		if isPrefix != (a.Kind == IPv4 || a.Kind == IPv6 || a.Kind == IPv4Prefix || a.Kind == IPv6Prefix) ||
			isASN != (a.Kind == ASN) || isDomain != (a.Kind == Domain || a.Kind == DomainTree || a.Kind == EmailDomain) {
			t.Fatalf("Parse(%q) = %+v: Prefix %v, ASNumber %v, DomainName %v", in, a, isPrefix, isASN, isDomain)
		}
		if isDomain {
			if d, err := NormaliseDomain(name); err != nil || d != name {
				t.Fatalf("Parse(%q) = %+v, but NormaliseDomain(%q) = %q, %v", in, a, name, d, err)
			}
		}
	})
}
