package matchtest

import (
	"math/rand/v2"
	"net/netip"
	"strconv"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/match"
	"github.com/gaissmai/bart"
)

// HitRate is the share of sampled subjects that match a registered asset in the
// project's benchmarks: most rows of a national feed concern nobody registered.
const HitRate = 0.01

// Sampler draws event subjects from a set of entries: with a given chance from inside
// a registered asset, otherwise from outside every one of them.
type Sampler struct {
	r      *rand.Rand
	ips    []netip.Prefix // every registered address and prefix
	cover  *bart.Lite     // the same, to reject misses that would match
	names  []string       // every registered exact domain and domain tree, bare
	trees  []bool         // names[i] is a domain tree
	prefix []string       // labels put in front of names
}

// NewSampler returns a sampler over entries, the same for the same seed.
func NewSampler(entries []match.Entry, seed int64) *Sampler {
	s := &Sampler{
		r:      rand.New(rand.NewPCG(uint64(seed), 0x73616d706c65)),
		cover:  new(bart.Lite),
		prefix: []string{"www", "mail", "vpn", "portal.eu", "a.b"},
	}
	for _, e := range entries {
		if p, ok := e.Asset.Prefix(); ok {
			s.ips = append(s.ips, p)
			s.cover.Insert(p)
		} else if name, ok := e.Asset.DomainName(); ok && e.Asset.Kind != asset.EmailDomain {
			s.names = append(s.names, name)
			s.trees = append(s.trees, e.Asset.Kind == asset.DomainTree)
		}
	}
	return s
}

// Addr returns an address inside a registered address or prefix with chance hitRate,
// otherwise one that no registered asset contains (one in twenty of those IPv6).
func (s *Sampler) Addr(hitRate float64) netip.Addr {
	if len(s.ips) > 0 && s.r.Float64() < hitRate {
		return s.inside(s.ips[s.r.IntN(len(s.ips))])
	}
	for {
		var ip netip.Addr
		if s.r.IntN(20) == 0 {
			var b [16]byte
			b[0], b[1] = 0x20, 0x01
			for i := 2; i < 16; i++ {
				b[i] = byte(s.r.Uint32())
			}
			ip = netip.AddrFrom16(b)
		} else {
			u := s.r.Uint32()
			ip = netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
		}
		if !s.cover.Contains(ip) {
			return ip
		}
	}
}

// Addrs returns n addresses drawn by Addr, in random order.
func (s *Sampler) Addrs(n int, hitRate float64) []netip.Addr {
	out := make([]netip.Addr, n)
	for i := range out {
		out[i] = s.Addr(hitRate)
	}
	return out
}

// inside returns a random address in p.
func (s *Sampler) inside(p netip.Prefix) netip.Addr {
	b := p.Addr().As16()
	if p.Addr().Is4() {
		b4 := p.Addr().As4()
		copy(b[:], b4[:])
	}
	host := p.Addr().BitLen() - p.Bits()
	for i := p.Addr().BitLen()/8 - 1; host > 0; i-- {
		mask := byte(0xff)
		if host < 8 {
			mask = byte(1<<host - 1)
		}
		b[i] |= byte(s.r.Uint32()) & mask
		host -= 8
	}
	if p.Addr().Is4() {
		return netip.AddrFrom4([4]byte(b[:4]))
	}
	return netip.AddrFrom16(b)
}

// Name returns, with chance hitRate, a host name that a registered exact domain or
// domain tree matches (for a tree, half of the time a name below it); otherwise one
// at and below no registered name.
func (s *Sampler) Name(hitRate float64) string {
	if len(s.names) > 0 && s.r.Float64() < hitRate {
		i := s.r.IntN(len(s.names))
		if !s.trees[i] || s.r.IntN(2) == 0 {
			return s.names[i]
		}
		return s.prefix[s.r.IntN(len(s.prefix))] + "." + s.names[i]
	}
	// Generated labels have no hyphen: this name is below no registered one.
	return s.prefix[s.r.IntN(len(s.prefix))] + ".not-registered-" + strconv.Itoa(s.r.IntN(1e6)) + "." + tlds[s.r.IntN(len(tlds))]
}
