package ripe

import (
	"net/netip"

	"github.com/gaissmai/bart"
)

// Index finds the network that holds an address and the record of an autonomous system.
// It is safe for concurrent use once built.
type Index struct {
	networks []Network
	table    bart.Table[uint32] // each prefix of each network -> its index in networks
	asns     map[uint32]ASN
}

// NewIndex indexes networks and asns, usually the results of Dataset.Networks and
// Dataset.ASNs. It keeps networks, which must not be changed afterwards. Where networks
// overlap, the smaller one wins for the addresses they share. Of ASNs with the same
// number the last wins.
func NewIndex(networks []Network, asns []ASN) *Index {
	x := &Index{networks: networks, asns: make(map[uint32]ASN, len(asns))}
	for i := range networks {
		for _, p := range networks[i].Prefixes {
			x.table.Modify(p, func(old uint32, found bool) (uint32, bool) {
				// Two networks share a prefix when one contains the other, so the one
				// spanning fewer addresses is the more specific.
				if found && size(&networks[old]).cmp(size(&networks[i])) < 0 {
					return old, false
				}
				return uint32(i), false
			})
		}
	}
	for _, a := range asns {
		x.asns[a.Number] = a
	}
	return x
}

// Lookup returns the most specific network that contains ip. Because Networks carry
// their effective abuse mailbox, that network's AbuseMailbox is the answer; it may be ""
// when no object up the hierarchy names one, and the network is still returned, with ok
// true, so that callers can show its netname and range. ok is false only if no network
// contains ip. An IPv4-mapped IPv6 address is looked up as IPv4.
func (x *Index) Lookup(ip netip.Addr) (n Network, ok bool) {
	i, ok := x.table.Lookup(ip.Unmap())
	if !ok {
		return Network{}, false
	}
	return x.networks[i], true
}

// LookupASN returns the autonomous system with number asn.
func (x *Index) LookupASN(asn uint32) (ASN, bool) {
	a, ok := x.asns[asn]
	return a, ok
}

// Len returns the number of networks and autonomous systems indexed.
func (x *Index) Len() (networks, asns int) { return len(x.networks), len(x.asns) }

// size returns the number of addresses in n, less one, for comparing sizes.
func size(n *Network) u128 {
	lo, hi := bounds(n)
	return hi.sub(lo)
}

// bounds returns the first and last address of n.
func bounds(n *Network) (lo, hi u128) {
	for i, p := range n.Prefixes {
		first := fromAddr(p.Addr())
		last := first.or(p.Addr().BitLen() - p.Bits())
		if i == 0 || first.cmp(lo) < 0 {
			lo = first
		}
		if i == 0 || last.cmp(hi) > 0 {
			hi = last
		}
	}
	return lo, hi
}
