// Package asset defines what an organisation registers as its own (addresses, prefixes,
// AS numbers, domains, e-mail domains) and turns what people write into one canonical form.
//
// It is pure: the registry stores assets, the matcher indexes them, and both rely on the
// canonical value this package produces, so that "Example.NL." and "example.nl" are one asset.
package asset

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/baken-cert/baken/internal/problem"
)

// Kind is the kind of an asset.
type Kind string

// The kinds of asset.
const (
	IPv4        Kind = "ipv4"         // one IPv4 address
	IPv6        Kind = "ipv6"         // one IPv6 address
	IPv4Prefix  Kind = "ipv4-prefix"  // an IPv4 CIDR prefix
	IPv6Prefix  Kind = "ipv6-prefix"  // an IPv6 CIDR prefix
	ASN         Kind = "asn"          // an autonomous system number
	Domain      Kind = "domain"       // exactly this domain name
	DomainTree  Kind = "domain-tree"  // a domain name and all its subdomains
	EmailDomain Kind = "email-domain" // the domain part of e-mail addresses
)

// AllKinds returns every kind, in the order people usually think of them, in a new
// slice the caller may change.
func AllKinds() []Kind {
	return []Kind{IPv4, IPv6, IPv4Prefix, IPv6Prefix, ASN, Domain, DomainTree, EmailDomain}
}

// Valid reports whether k is one of AllKinds.
func (k Kind) Valid() bool {
	switch k {
	case IPv4, IPv6, IPv4Prefix, IPv6Prefix, ASN, Domain, DomainTree, EmailDomain:
		return true
	}
	return false
}

// Verification says how sure Baken is that an organisation owns an asset.
type Verification string

// The verification states, from least to most trusted.
const (
	Unverified      Verification = "unverified"       // imported by the CERT, which trusts it
	DNSVerified     Verification = "dns-verified"     // proven by a DNS token
	RegistryBacked  Verification = "registry-backed"  // backed by RIPE registry data
	AnalystApproved Verification = "analyst-approved" // approved by an analyst
	Lapsed          Verification = "lapsed"           // was dns-verified; the token is gone
	// Pending is what an organisation registered itself and nobody proved yet: it waits
	// for a DNS token (domains), the RIPE data or an analyst, and matches nothing.
	Pending Verification = "pending"
)

// ParseVerification reads a verification state; "" is Unverified.
func ParseVerification(s string) (Verification, error) {
	switch v := Verification(strings.ToLower(strings.TrimSpace(s))); v {
	case "":
		return Unverified, nil
	case Unverified, DNSVerified, RegistryBacked, AnalystApproved, Lapsed, Pending:
		return v, nil
	}
	return "", fmt.Errorf("unknown verification state %q (want unverified, dns-verified, registry-backed, analyst-approved, lapsed or pending)", s)
}

// Verified reports whether the state counts as verified for precedence.
func (v Verification) Verified() bool {
	return v == DNSVerified || v == RegistryBacked || v == AnalystApproved
}

// Matches reports whether an asset in this state matches events: what the CERT imported
// and what is proven do; what waits for proof, or whose proof lapsed, does not.
func (v Verification) Matches() bool { return v != Pending && v != Lapsed }

// Asset is one canonical asset value.
type Asset struct {
	Kind  Kind
	Value string // canonical: "192.0.2.0/24", "2001:db8::1", "AS64496", "example.nl", "*.example.nl", "@example.nl"
}

// String returns the value as people write it; Parse(a.String()) gives a back.
func (a Asset) String() string { return a.Value }

// Prefix returns the asset as a prefix (an address as a /32 or /128) for IP kinds.
func (a Asset) Prefix() (netip.Prefix, bool) {
	switch a.Kind {
	case IPv4, IPv6:
		ip, err := netip.ParseAddr(a.Value)
		if err != nil {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(ip, ip.BitLen()), true
	case IPv4Prefix, IPv6Prefix:
		p, err := netip.ParsePrefix(a.Value)
		return p, err == nil
	}
	return netip.Prefix{}, false
}

// ASNumber returns the AS number of an ASN asset.
func (a Asset) ASNumber() (uint32, bool) {
	if a.Kind != ASN {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(a.Value, "AS"), 10, 32)
	return uint32(n), err == nil
}

// DomainName returns the bare domain name of a domain, domain-tree or e-mail-domain asset.
func (a Asset) DomainName() (string, bool) {
	switch a.Kind {
	case Domain:
		return a.Value, true
	case DomainTree:
		return strings.TrimPrefix(a.Value, "*."), true
	case EmailDomain:
		return strings.TrimPrefix(a.Value, "@"), true
	}
	return "", false
}

// Parse infers the kind of value and returns its canonical form:
//
//	192.0.2.7, 2001:db8::7          an address
//	192.0.2.0/24, 2001:db8::/32     a prefix (host bits must be zero; /32 and /128 are addresses)
//	AS64496                         an AS number
//	example.nl                      exactly this domain
//	*.example.nl                    the domain and all its subdomains
//	@example.nl                     an e-mail domain
//
// The unspecified addresses 0.0.0.0 and :: and the prefixes 0.0.0.0/0 and ::/0 are
// accepted on purpose: an analyst may register a catch-all.
//
// The error, a *problem.Problem, says in words a person understands what is wrong
// with the value.
func Parse(value string) (Asset, error) {
	v := strings.TrimSpace(value)
	switch {
	case !utf8.ValidString(v):
		return Asset{}, problem.New("%q is not valid UTF-8 text", value)
	case v == "":
		return Asset{}, problem.New("the asset is empty")
	case strings.HasPrefix(v, "@"):
		d, err := NormaliseDomain(v[1:])
		if err != nil {
			return Asset{}, problem.New("e-mail domain %q: %v", value, err)
		}
		return Asset{EmailDomain, "@" + d}, nil
	case strings.HasPrefix(v, "*."):
		d, err := NormaliseDomain(v[2:])
		if err != nil {
			return Asset{}, problem.New("domain %q: %v", value, err)
		}
		return Asset{DomainTree, "*." + d}, nil
	case strings.Contains(v, "/"):
		return parsePrefix(value, v)
	case isASN(v):
		n, err := strconv.ParseUint(v[2:], 10, 32)
		if err != nil || n == 0 {
			return Asset{}, problem.New("%q is not a valid AS number (AS1 to AS4294967295)", value)
		}
		return Asset{ASN, "AS" + strconv.FormatUint(n, 10)}, nil
	}
	if ip, err := netip.ParseAddr(v); err == nil {
		return addressAsset(ip), nil
	}
	if looksLikeAddress(v) {
		return Asset{}, problem.New("%q is not a valid IP address", value)
	}
	d, err := NormaliseDomain(v)
	if err != nil {
		return Asset{}, problem.New("domain %q: %v", value, err)
	}
	// IDNA maps full-width digits and drops invisible characters, so a name can come
	// out as digits and dots; as a domain it would not parse back to itself.
	if looksLikeAddress(d) {
		if ip, err := netip.ParseAddr(d); err == nil {
			return Asset{}, problem.New("%q is not a valid IP address; did you mean %s?", value, ip)
		}
		return Asset{}, problem.New("%q is not a valid IP address", value)
	}
	return Asset{Domain, d}, nil
}

// ParseKind parses value and checks that it is of kind want; an empty want accepts any
// kind. Its error is a *problem.Problem, as Parse's.
func ParseKind(want Kind, value string) (Asset, error) {
	a, err := Parse(value)
	if err != nil {
		return Asset{}, err
	}
	if want != "" && a.Kind != want {
		return Asset{}, problem.New("%q is a %s, not a %s", value, a.Kind, want)
	}
	return a, nil
}

func parsePrefix(orig, v string) (Asset, error) {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return Asset{}, problem.New("%q is not a valid IP prefix (write it as 192.0.2.0/24 or 2001:db8::/32)", orig)
	}
	if p.Addr().Is4In6() {
		return Asset{}, problem.New("%q is an IPv4-mapped IPv6 prefix; write the IPv4 prefix instead", orig)
	}
	if p.Addr().Zone() != "" {
		return Asset{}, problem.New("%q has a zone; prefixes have none", orig)
	}
	if m := p.Masked(); m != p {
		return Asset{}, problem.New("%q has host bits set; did you mean %s?", orig, m)
	}
	if p.IsSingleIP() {
		return addressAsset(p.Addr()), nil
	}
	if p.Addr().Is4() {
		return Asset{IPv4Prefix, p.String()}, nil
	}
	return Asset{IPv6Prefix, p.String()}, nil
}

func addressAsset(ip netip.Addr) Asset {
	ip = ip.WithZone("")
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	if ip.Is4() {
		return Asset{IPv4, ip.String()}
	}
	return Asset{IPv6, ip.String()}
}

func isASN(v string) bool {
	if len(v) < 3 || !strings.EqualFold(v[:2], "AS") {
		return false
	}
	for _, r := range v[2:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// looksLikeAddress reports whether v, which is not a valid address, was meant as one
// rather than as a domain name: it is only digits and dots ("192.0.2.256"), or it has
// a colon, which no domain name has ("2001:db8:::7", "2001:db8::g").
func looksLikeAddress(v string) bool {
	return strings.Trim(v, "0123456789.") == "" || (strings.Contains(v, ":") && !strings.ContainsAny(v, "@/"))
}

var domainProfile = idna.New(
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.StrictDomainName(true),
	idna.ValidateLabels(true),
	idna.VerifyDNSLength(true),
	idna.BidiRule(),
)

// NormaliseDomain returns the canonical form of a domain name: lower case, IDNA A-labels,
// no trailing dot. It refuses names that cannot be registered in the DNS, text that is
// not UTF-8, names ending in more than one dot, and single labels ("localhost"), which
// no organisation owns. Its error is a *problem.Problem.
func NormaliseDomain(name string) (string, error) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) {
		return "", problem.New("not valid UTF-8 text")
	}
	// IDNA would keep a second trailing dot as an empty root label ("localhost.." as
	// "localhost."), and it maps the ideographic and full-width full stops to dots.
	trimmed := strings.TrimRightFunc(name, isFullStop)
	if utf8.RuneCountInString(name[len(trimmed):]) > 1 {
		return "", problem.New("a domain name ends with at most one dot")
	}
	name = trimmed
	if name == "" {
		return "", problem.New("the domain name is empty")
	}
	ascii, err := domainProfile.ToASCII(name)
	if err != nil {
		return "", problem.New("not a valid domain name (%v)", unwrapIDNA(err))
	}
	if strings.HasSuffix(ascii, ".") { // some other character that IDNA maps to a dot
		return "", problem.New("a domain name ends with at most one dot")
	}
	if !strings.Contains(ascii, ".") {
		return "", problem.New("a domain name needs at least two labels, like example.nl")
	}
	return ascii, nil
}

// isFullStop reports whether r is one of the characters IDNA reads as a label separator.
func isFullStop(r rune) bool {
	return r == '.' || r == '\u3002' || r == '\uff0e' || r == '\uff61'
}

func unwrapIDNA(err error) string {
	return strings.TrimPrefix(err.Error(), "idna: ")
}
