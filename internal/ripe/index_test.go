package ripe

import (
	"net/netip"
	"testing"
)

func TestIndexLookup(t *testing.T) {
	t.Parallel()
	b := setup(t)
	x := NewIndex(b.d.Networks(), b.d.ASNs())
	tests := []struct {
		ip      string
		ok      bool
		netname string
		mailbox string
	}{
		{"192.0.2.70", true, "EXAMPLE-CUST1-SUB", "abuse@alloc.example"},
		{"192.0.2.10", true, "EXAMPLE-CUST1", "abuse@alloc.example"},
		{"192.0.2.130", true, "EXAMPLE-CUST2", "abuse@cust2.example"},
		{"192.0.2.255", true, "EXAMPLE-CUST3", "abuse@alloc.example"},
		{"198.51.100.5", true, "EXAMPLE-NONCIDR", "abuse@alloc.example"},
		{"198.51.101.127", true, "EXAMPLE-NONCIDR", "abuse@alloc.example"},
		{"198.51.100.130", true, "EXAMPLE-NOMAIL", "abuse@cust2.example"},
		{"198.51.102.7", true, "EXAMPLE-HOST", "abuse@cust2.example"},
		// Covered only by the whole-space object, which has no mailbox: found, mailbox "".
		{"198.51.101.128", true, "IANA-BLK", ""},
		{"10.0.0.1", true, "IANA-BLK", ""},
		{"::ffff:192.0.2.70", true, "EXAMPLE-CUST1-SUB", "abuse@alloc.example"},
		{"2001:db8:1000:1::5", true, "EXAMPLE-V6-CUST2-LAN", "abuse@cust2.example"},
		{"2001:db8:1000:2::1", true, "EXAMPLE-V6-CUST2", "abuse@cust2.example"},
		{"2001:db8:2::1", true, "EXAMPLE-V6-ALLOC", "abuse@alloc.example"},
		{"2001:db8:ffff::1%eth0", true, "EXAMPLE-V6-OTHER", "abuse@alloc.example"},
		{"2001:db9::1", false, "", ""},
		{"::1", false, "", ""},
	}
	for _, tt := range tests {
		n, ok := x.Lookup(netip.MustParseAddr(tt.ip))
		if ok != tt.ok || n.Netname != tt.netname || n.AbuseMailbox != tt.mailbox {
			t.Errorf("Lookup(%s) = %q, %q, %v; want %q, %q, %v", tt.ip, n.Netname, n.AbuseMailbox, ok,
				tt.netname, tt.mailbox, tt.ok)
		}
	}
	if _, ok := x.Lookup(netip.Addr{}); ok {
		t.Error("Lookup of the zero Addr found something")
	}
	if a, ok := x.LookupASN(64497); !ok || a.AbuseMailbox != "abuse@cust2.example" {
		t.Errorf("LookupASN(64497) = %+v, %v", a, ok)
	}
	if _, ok := x.LookupASN(64499); ok {
		t.Error("LookupASN(64499) found an AS that is not there")
	}
	if nets, asns := x.Len(); nets != 13 || asns != 3 {
		t.Errorf("Len = %d, %d; want 13, 3", nets, asns)
	}
}

// TestIndexSmallerWins checks that a prefix shared by two networks goes to the smaller
// one whatever the order: the /24 of "192.0.2.0 - 192.0.3.127" is also all of
// "192.0.2.0 - 192.0.2.255".
func TestIndexSmallerWins(t *testing.T) {
	t.Parallel()
	big := Network{Netname: "BIG", Prefixes: []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("192.0.3.0/25")}}
	small := Network{Netname: "SMALL", Prefixes: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}
	for _, order := range [][]Network{{big, small}, {small, big}} {
		x := NewIndex(order, nil)
		if n, _ := x.Lookup(netip.MustParseAddr("192.0.2.1")); n.Netname != "SMALL" {
			t.Errorf("order %s, %s: 192.0.2.1 is in %s, want SMALL", order[0].Netname, order[1].Netname, n.Netname)
		}
		if n, _ := x.Lookup(netip.MustParseAddr("192.0.3.1")); n.Netname != "BIG" {
			t.Errorf("order %s, %s: 192.0.3.1 is in %s, want BIG", order[0].Netname, order[1].Netname, n.Netname)
		}
	}
}
