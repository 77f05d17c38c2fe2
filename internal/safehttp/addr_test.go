package safehttp

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestCheckAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr   string
		reason string // substring of the refusal; "" = allowed
	}{
		// Public addresses are allowed.
		{"1.1.1.1", ""},
		{"8.8.8.8", ""},
		{"145.100.190.243", ""},
		{"100.63.255.255", ""},  // just below CGNAT
		{"100.128.0.0", ""},     // just above CGNAT
		{"172.15.255.255", ""},  // just below 172.16/12
		{"172.32.0.0", ""},      // just above 172.16/12
		{"192.0.1.1", ""},       // between 192.0.0/24 and 192.0.2/24
		{"198.20.0.1", ""},      // just above benchmarking
		{"223.255.255.255", ""}, // just below multicast
		{"2001:4860:4860::8888", ""},
		{"2a00:1450:4001:80b::200e", ""},
		{"2606:4700:4700::1111", ""},
		{"::ffff:8.8.8.8", ""},
		{"64:ff9b::808:808", ""}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", ""},  // 6to4 of 8.8.8.8

		// Loopback.
		{"127.0.0.1", "a loopback address"},
		{"127.255.255.254", "a loopback address"},
		{"::1", "a loopback address"},
		{"::ffff:127.0.0.1", "a loopback address (IPv4-mapped)"},

		// Private.
		{"10.0.0.1", "a private address"},
		{"10.255.255.255", "a private address"},
		{"172.16.0.1", "a private address"},
		{"172.31.255.255", "a private address"},
		{"192.168.1.1", "a private address"},
		{"::ffff:10.1.2.3", "a private address (RFC 1918) (IPv4-mapped)"},
		{"::ffff:192.168.0.1", "a private address"},
		{"fc00::1", "a private (unique local) address"},
		{"fd12:3456:789a::1", "a private (unique local) address"},
		{"fec0::1", "a site-local address"},

		// Link-local, including cloud metadata endpoints.
		{"169.254.169.254", "a link-local address"},
		{"::ffff:169.254.169.254", "a link-local address"},
		{"fe80::1", "a link-local address"},
		{"fe80::1%eth0", "a link-local address"},
		{"fd00:ec2::254", "a private (unique local) address"},

		// Unspecified and "this network".
		{"0.0.0.0", "an unspecified address"},
		{"0.1.2.3", `a "this network" address`},
		{"::", "an unspecified address"},

		// Multicast and broadcast.
		{"224.0.0.1", "a multicast address"},
		{"239.255.255.250", "a multicast address"},
		{"ff02::1", "a multicast address"},
		{"ff05::1:3", "a multicast address"},
		{"255.255.255.255", "the broadcast address"},

		// Carrier-grade NAT.
		{"100.64.0.1", "a carrier-grade NAT address"},
		{"100.127.255.255", "a carrier-grade NAT address"},

		// Documentation.
		{"192.0.2.1", "a documentation address"},
		{"198.51.100.7", "a documentation address"},
		{"203.0.113.200", "a documentation address"},
		{"2001:db8::1", "a documentation address"},
		{"3fff::1", "a documentation address"},

		// Other special-purpose ranges.
		{"192.0.0.8", "an IETF protocol assignment address"},
		{"192.88.99.1", "a 6to4 relay anycast address"},
		{"198.18.0.1", "a benchmarking address"},
		{"198.19.255.255", "a benchmarking address"},
		{"240.0.0.1", "a reserved address"},
		{"::7f00:1", "an IPv4-compatible address"},
		{"100::1", "a discard-only address"},
		{"2001::1", "an IETF protocol assignment address"}, // Teredo
		{"64:ff9b:1::a00:1", "a local-use NAT64 address"},

		// IPv4 embedded in translation prefixes is judged as IPv4.
		{"64:ff9b::7f00:1", "a loopback address (embedded in 64:ff9b::7f00:1)"},
		{"64:ff9b::a9fe:a9fe", "a link-local address (embedded in"},
		{"2002:c0a8:101::1", "a private address (RFC 1918) (embedded in"},
		{"2002:7f00:1::", "a loopback address (embedded in"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			ip := netip.MustParseAddr(tt.addr)
			err := CheckAddr(ip)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("CheckAddr(%s) = %v, want allowed", tt.addr, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckAddr(%s) = nil, want refused as %q", tt.addr, tt.reason)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("CheckAddr(%s) = %q, want it to contain %q", tt.addr, err, tt.reason)
			}
			if !errors.Is(err, ErrRefused) {
				t.Errorf("CheckAddr(%s): errors.Is(err, ErrRefused) = false", tt.addr)
			}
			var re *RefusedError
			if !errors.As(err, &re) || re.Addr != ip {
				t.Errorf("CheckAddr(%s): want a *RefusedError for that address, got %#v", tt.addr, err)
			}
		})
	}
}

func TestCheckAddrMessage(t *testing.T) {
	t.Parallel()
	err := CheckAddr(netip.MustParseAddr("127.0.0.1"))
	want := "refusing to connect to 127.0.0.1: a loopback address"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if err := CheckAddr(netip.Addr{}); err == nil {
		t.Fatal("the zero Addr was allowed")
	}
}
