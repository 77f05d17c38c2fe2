package ripe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"strings"
)

// u128 is an address as a number; an IPv4 address uses the low 32 bits. It is half the
// size of a netip.Addr and compares with two integer comparisons.
type u128 struct{ hi, lo uint64 }

func fromAddr(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{lo: uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

func (u u128) addr(v6 bool) netip.Addr {
	if !v6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(u.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], u.hi)
	binary.BigEndian.PutUint64(b[8:], u.lo)
	return netip.AddrFrom16(b)
}

func (u u128) cmp(v u128) int {
	switch {
	case u.hi < v.hi || u.hi == v.hi && u.lo < v.lo:
		return -1
	case u == v:
		return 0
	}
	return 1
}

func (u u128) sub(v u128) u128 {
	lo, borrow := bits.Sub64(u.lo, v.lo, 0)
	hi, _ := bits.Sub64(u.hi, v.hi, borrow)
	return u128{hi, lo}
}

// addOne returns u+1 and whether it wrapped around to zero.
func (u u128) addOne() (u128, bool) {
	lo, carry := bits.Add64(u.lo, 1, 0)
	hi, carry := bits.Add64(u.hi, 0, carry)
	return u128{hi, lo}, carry != 0
}

// or returns u with its low k bits set.
func (u u128) or(k int) u128 {
	switch {
	case k >= 128:
		return u128{^uint64(0), ^uint64(0)}
	case k >= 64:
		return u128{u.hi | (1<<(k-64) - 1), ^uint64(0)}
	}
	return u128{u.hi, u.lo | (1<<k - 1)}
}

func (u u128) trailingZeros() int {
	if u.lo != 0 {
		return bits.TrailingZeros64(u.lo)
	}
	return 64 + bits.TrailingZeros64(u.hi)
}

func (u u128) bitLen() int {
	if u.hi != 0 {
		return 64 + bits.Len64(u.hi)
	}
	return bits.Len64(u.lo)
}

// parseRange parses the key of an inetnum (v6 false) or inet6num (v6 true): either
// "first - last" or a prefix in CIDR notation, as the RIPE database writes inet6num.
func parseRange(s string, v6 bool) (lo, hi u128, err error) {
	var first, last netip.Addr
	if a, b, ok := strings.Cut(s, "-"); ok {
		if first, err = netip.ParseAddr(strings.TrimSpace(a)); err != nil {
			return lo, hi, err
		}
		if last, err = netip.ParseAddr(strings.TrimSpace(b)); err != nil {
			return lo, hi, err
		}
	} else {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			return lo, hi, err
		}
		if p != p.Masked() {
			return lo, hi, fmt.Errorf("prefix %s has host bits set", p)
		}
		first = p.Addr()
		last = fromAddr(first).or(first.BitLen() - p.Bits()).addr(first.Is6())
	}
	if err := checkRange(first, last, v6); err != nil {
		return lo, hi, err
	}
	return fromAddr(first), fromAddr(last), nil
}

func checkRange(first, last netip.Addr, v6 bool) error {
	switch {
	case first.Zone() != "" || last.Zone() != "":
		return errors.New("address with a zone")
	case first.Is6() != last.Is6():
		return errors.New("range mixes IPv4 and IPv6")
	case v6 && !first.Is6():
		return errors.New("IPv4 range in an inet6num")
	case !v6 && first.Is6():
		return errors.New("IPv6 range in an inetnum")
	case last.Less(first):
		return errors.New("range ends before it starts")
	}
	return nil
}

// RangePrefixes returns the smallest set of prefixes that together cover first to last,
// in address order: "192.0.2.0 - 192.0.3.127" is 192.0.2.0/24 and 192.0.3.0/25.
func RangePrefixes(first, last netip.Addr) ([]netip.Prefix, error) {
	if !first.IsValid() || !last.IsValid() {
		return nil, errors.New("invalid address")
	}
	if err := checkRange(first, last, first.Is6()); err != nil {
		return nil, err
	}
	return appendPrefixes(nil, fromAddr(first), fromAddr(last), first.Is6()), nil
}

// appendPrefixes appends the prefixes covering lo to hi (lo <= hi) to dst. Each step takes
// the largest block that starts at lo, is aligned there and does not pass hi. There are at
// most 2×(bits-1) of them: 62 for IPv4, 254 for IPv6.
func appendPrefixes(dst []netip.Prefix, lo, hi u128, v6 bool) []netip.Prefix {
	width := 32
	if v6 {
		width = 128
	}
	for {
		k := min(lo.trailingZeros(), width)
		// The block may hold at most hi-lo+1 addresses: 2^k <= hi-lo+1.
		if n, wrapped := hi.sub(lo).addOne(); !wrapped {
			k = min(k, n.bitLen()-1)
		}
		dst = append(dst, netip.PrefixFrom(lo.addr(v6), width-k))
		end := lo.or(k)
		if end == hi {
			return dst
		}
		lo, _ = end.addOne()
	}
}
