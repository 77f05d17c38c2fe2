package asset

import (
	"net/netip"

	"golang.org/x/net/publicsuffix"

	"github.com/baken-cert/baken/internal/problem"
)

// specialRange is a block of IANA's special-purpose address registries (RFC 6890 and
// its updates) that is not globally reachable, or that no network owns.
type specialRange struct {
	prefix netip.Prefix
	name   string
}

// specialRanges are the IANA IPv4 and IPv6 special-purpose blocks that no organisation
// can register as its own. IPv6 outside 2000::/3 is refused separately: it is not
// global unicast.
var specialRanges = func() []specialRange {
	blocks := []struct{ prefix, name string }{
		{"0.0.0.0/8", "“this network”"},
		{"10.0.0.0/8", "private-use"},
		{"100.64.0.0/10", "shared address space (carrier-grade NAT)"},
		{"127.0.0.0/8", "loopback"},
		{"169.254.0.0/16", "link-local"},
		{"172.16.0.0/12", "private-use"},
		{"192.0.0.0/24", "IETF protocol assignments"},
		{"192.0.2.0/24", "documentation (TEST-NET-1)"},
		{"192.88.99.0/24", "deprecated 6to4 relay anycast"},
		{"192.168.0.0/16", "private-use"},
		{"198.18.0.0/15", "benchmarking"},
		{"198.51.100.0/24", "documentation (TEST-NET-2)"},
		{"203.0.113.0/24", "documentation (TEST-NET-3)"},
		{"224.0.0.0/4", "multicast"},
		{"240.0.0.0/4", "reserved"},
		{"::/128", "unspecified"},
		{"::1/128", "loopback"},
		{"::ffff:0:0/96", "IPv4-mapped"},
		{"64:ff9b:1::/48", "local-use IPv4/IPv6 translation"},
		{"100::/64", "discard-only"},
		{"2001::/32", "TEREDO"},
		{"2001:2::/48", "benchmarking"},
		{"2001:10::/28", "ORCHID"},
		{"2001:20::/28", "ORCHIDv2"},
		{"2001:db8::/32", "documentation"},
		{"2002::/16", "6to4"},
		{"3fff::/20", "documentation"},
		{"5f00::/16", "segment routing (SRv6) SIDs"},
		{"fc00::/7", "unique-local"},
		{"fe80::/10", "link-local"},
		{"ff00::/8", "multicast"},
	}
	out := make([]specialRange, len(blocks))
	for i, b := range blocks {
		out[i] = specialRange{netip.MustParsePrefix(b.prefix), b.name}
	}
	return out
}()

// globalUnicast is where IANA allocates global IPv6 unicast addresses.
var globalUnicast = netip.MustParsePrefix("2000::/3")

// specialASN names the IANA special-purpose block of AS number n (RFC 7249), or "".
func specialASN(n uint32) string {
	switch {
	case n == 23456:
		return "AS_TRANS"
	case n >= 64496 && n <= 64511, n >= 65536 && n <= 65551:
		return "documentation"
	case n >= 64512 && n <= 65534, n >= 4200000000 && n <= 4294967294:
		return "private use"
	case n == 0, n == 65535, n == 4294967295:
		return "reserved"
	}
	return ""
}

// CheckOwnable refuses what no organisation can own: an address or range that is or
// overlaps one of IANA's special-purpose blocks (private, loopback, link-local,
// multicast, documentation, "0.0.0.0/0" …), a special-purpose AS number, and a domain that is a public suffix
// ("co.uk", "github.io"). An organisation registering its own assets is held to it;
// the CERT's own import is not. The error is a *problem.Problem.
func CheckOwnable(a Asset) error {
	if p, ok := a.Prefix(); ok {
		return checkRange(a.Value, p)
	}
	if n, ok := a.ASNumber(); ok {
		if name := specialASN(n); name != "" {
			return problem.New("%s is a special-purpose AS number (%s): no organisation owns it", a.Value, name)
		}
	}
	if name, ok := a.DomainName(); ok {
		if suffix, _ := publicsuffix.PublicSuffix(name); suffix == name {
			return problem.New("%s is a public suffix, under which anyone can register a domain: no organisation owns it", name)
		}
	}
	return nil
}

func checkRange(value string, p netip.Prefix) error {
	if p.Addr().Is6() && !globalUnicast.Contains(p.Addr()) { // an aligned prefix wider than /3 starts outside it
		return problem.New("%s is not within global unicast address space (2000::/3): no organisation owns it", value)
	}
	for _, s := range specialRanges {
		if s.prefix.Overlaps(p) {
			return problem.New("%s is special-purpose address space (%s, %s): no organisation owns it", value, s.prefix, s.name)
		}
	}
	return nil
}
