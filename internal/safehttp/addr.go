package safehttp

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrRefused matches (with errors.Is) every *RefusedError.
var ErrRefused = errors.New("destination refused")

// RefusedError says which address a connection was refused to, and why.
type RefusedError struct {
	Addr   netip.Addr
	Reason string // in words, e.g. "a loopback address"
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing to connect to %s: %s", e.Addr, e.Reason)
}

// Is reports whether target is ErrRefused.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// special is one range of addresses that is not a public internet destination.
type special struct {
	prefix netip.Prefix
	reason string
}

// specials lists the ranges CheckAddr refuses, from the IANA IPv4 and IPv6
// special-purpose address registries (RFC 6890 and successors). It is read-only.
var specials = []special{
	// IPv4.
	{netip.MustParsePrefix("0.0.0.0/32"), "an unspecified address"},
	{netip.MustParsePrefix("0.0.0.0/8"), `a "this network" address`},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol assignment address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("192.88.99.0/24"), "a 6to4 relay anycast address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("255.255.255.255/32"), "the broadcast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},

	// IPv6.
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("::/96"), "an IPv4-compatible address (deprecated)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local-use NAT64 address"},
	{netip.MustParsePrefix("100::/64"), "a discard-only address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("3fff::/20"), "a documentation address"},
	{netip.MustParsePrefix("2001::/23"), "an IETF protocol assignment address"},
	{netip.MustParsePrefix("fc00::/7"), "a private (unique local) address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address (deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
}

// Prefixes whose addresses carry an IPv4 address that a gateway will reach on our
// behalf: the embedded address is checked as well.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// CheckAddr returns nil if ip is a public unicast address Baken may connect to, and
// a *RefusedError saying why not otherwise. IPv4-mapped IPv6 addresses
// (::ffff:127.0.0.1) and IPv4 addresses embedded in NAT64 and 6to4 addresses are
// judged as the IPv4 address they stand for. The invalid zero Addr is refused.
func CheckAddr(ip netip.Addr) error {
	if reason := classify(ip); reason != "" {
		return &RefusedError{Addr: ip, Reason: reason}
	}
	return nil
}

// classify returns why ip is refused, or "" if it is a public address.
func classify(ip netip.Addr) string {
	if !ip.IsValid() {
		return "not a valid IP address"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		if reason := classify(ip.Unmap()); reason != "" {
			return reason + " (IPv4-mapped)"
		}
		return ""
	}
	for _, s := range specials {
		if s.prefix.Contains(ip) {
			return s.reason
		}
	}
	if embedded, ok := embeddedIPv4(ip); ok {
		if reason := classify(embedded); reason != "" {
			return reason + " (embedded in " + ip.String() + ")"
		}
	}
	return ""
}

// embeddedIPv4 returns the IPv4 address inside a NAT64 or 6to4 address.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	b := ip.As16()
	switch {
	case nat64Prefix.Contains(ip):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	}
	return netip.Addr{}, false
}
