package ripe

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestParseRangePrefixes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key     string
		v6      bool
		want    string // prefixes joined by spaces
		wantErr string // part of the error, if one is expected
	}{
		{key: "192.0.2.0 - 192.0.2.255", want: "192.0.2.0/24"},
		{key: "192.0.2.0-192.0.2.255", want: "192.0.2.0/24"},
		{key: "192.0.2.0 - 192.0.3.127", want: "192.0.2.0/24 192.0.3.0/25"},
		{key: "192.0.2.7 - 192.0.2.7", want: "192.0.2.7/32"},
		{key: "192.0.2.1 - 192.0.2.6", want: "192.0.2.1/32 192.0.2.2/31 192.0.2.4/31 192.0.2.6/32"},
		{key: "0.0.0.0 - 255.255.255.255", want: "0.0.0.0/0"},
		{key: "0.0.0.0 - 255.255.255.254", want: "0.0.0.0/1 128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5 " +
			"248.0.0.0/6 252.0.0.0/7 254.0.0.0/8 255.0.0.0/9 255.128.0.0/10 255.192.0.0/11 255.224.0.0/12 " +
			"255.240.0.0/13 255.248.0.0/14 255.252.0.0/15 255.254.0.0/16 255.255.0.0/17 255.255.128.0/18 " +
			"255.255.192.0/19 255.255.224.0/20 255.255.240.0/21 255.255.248.0/22 255.255.252.0/23 " +
			"255.255.254.0/24 255.255.255.0/25 255.255.255.128/26 255.255.255.192/27 255.255.255.224/28 " +
			"255.255.255.240/29 255.255.255.248/30 255.255.255.252/31 255.255.255.254/32"},
		{key: "255.255.255.255 - 255.255.255.255", want: "255.255.255.255/32"},
		{key: "128.0.0.0 - 255.255.255.255", want: "128.0.0.0/1"},
		{key: "0.0.0.0 - 0.0.0.0", want: "0.0.0.0/32"},
		{key: "192.0.2.0/24", want: "192.0.2.0/24"},
		{key: "2001:db8::/32", v6: true, want: "2001:db8::/32"},
		{key: "::/0", v6: true, want: "::/0"},
		{key: "2001:db8:: - 2001:db8::2", v6: true, want: "2001:db8::/127 2001:db8::2/128"},
		{key: "::1 - ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", v6: true},
		{key: "192.0.2.255 - 192.0.2.0", wantErr: "ends before it starts"},
		{key: "192.0.2.0 - 2001:db8::1", wantErr: "mixes IPv4 and IPv6"},
		{key: "2001:db8::/32", wantErr: "IPv6 range in an inetnum"},
		{key: "192.0.2.0/24", v6: true, wantErr: "IPv4 range in an inet6num"},
		{key: "2001:db8::1/32", v6: true, wantErr: "host bits"},
		{key: "192.0.2.0 - ", wantErr: "unable to parse"},
		{key: "192.0.2.256 - 192.0.2.255", wantErr: "IPv4 field has value >255"},
		{key: "192.0.2", wantErr: "no '/'"},
		{key: "", wantErr: "no '/'"},
		{key: "fe80::1%eth0 - fe80::2%eth0", v6: true, wantErr: "zone"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			lo, hi, err := parseRange(tt.key, tt.v6)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ps := appendPrefixes(nil, lo, hi, tt.v6)
			checkCover(t, ps, lo.addr(tt.v6), hi.addr(tt.v6))
			if tt.want == "" {
				return
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("prefixes\n  %s\nwant\n  %s", g, tt.want)
			}
		})
	}
}

// checkCover fails unless ps are canonical prefixes that follow each other without gaps
// from first to last and no two of them could be merged into one.
func checkCover(t *testing.T, ps []netip.Prefix, first, last netip.Addr) {
	t.Helper()
	next := first
	for i, p := range ps {
		if p != p.Masked() || p.Addr() != next {
			t.Fatalf("prefix %d %s: want a canonical prefix starting at %s", i, p, next)
		}
		end := fromAddr(p.Addr()).or(p.Addr().BitLen() - p.Bits()).addr(p.Addr().Is6())
		if i > 0 && ps[i-1].Bits() == p.Bits() && p.Bits() > 0 {
			if merged, _ := ps[i-1].Addr().Prefix(p.Bits() - 1); merged.Addr() == ps[i-1].Addr() {
				t.Fatalf("prefixes %s and %s could be one", ps[i-1], p)
			}
		}
		if end == last {
			if i != len(ps)-1 {
				t.Fatalf("prefixes go on after %s", last)
			}
			return
		}
		next = end.Next()
	}
	t.Fatalf("prefixes %v stop before %s", ps, last)
}

func TestRangePrefixes(t *testing.T) {
	t.Parallel()
	got, err := RangePrefixes(netip.MustParseAddr("192.0.2.0"), netip.MustParseAddr("192.0.3.127"))
	want := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("192.0.3.0/25")}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("RangePrefixes = %v, %v, want %v", got, err, want)
	}
	if _, err := RangePrefixes(netip.Addr{}, netip.MustParseAddr("192.0.2.0")); err == nil {
		t.Error("RangePrefixes accepted an invalid address")
	}
	if _, err := RangePrefixes(netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.0")); err == nil {
		t.Error("RangePrefixes accepted a reversed range")
	}
}

func FuzzRangePrefixes(f *testing.F) {
	f.Add(uint64(0), uint64(0), uint64(0), uint64(0), false)
	f.Add(uint64(0), uint64(0xc0000200), uint64(0), uint64(0xc000037f), false)
	f.Add(uint64(0), uint64(1), ^uint64(0), ^uint64(0), true)
	f.Fuzz(func(t *testing.T, aHi, aLo, bHi, bLo uint64, v6 bool) {
		lo, hi := u128{aHi, aLo}, u128{bHi, bLo}
		if !v6 {
			lo, hi = u128{lo: aLo & 0xffffffff}, u128{lo: bLo & 0xffffffff}
		}
		if hi.cmp(lo) < 0 {
			lo, hi = hi, lo
		}
		ps := appendPrefixes(nil, lo, hi, v6)
		limit := 62
		if v6 {
			limit = 254
		}
		if len(ps) > limit {
			t.Fatalf("%d prefixes", len(ps))
		}
		checkCover(t, ps, lo.addr(v6), hi.addr(v6))
	})
}
