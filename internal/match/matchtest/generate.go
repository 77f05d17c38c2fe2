// Package matchtest generates deterministic registered assets and event subjects for
// tests and benchmarks of package match, and for the project's bench command.
package matchtest

import (
	"fmt"
	"math/rand/v2"
	"net/netip"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/match"
)

// Mix is the share of each kind of asset in a generated set; the shares need not sum
// to one, they are normalised.
type Mix struct {
	IPv4      float64 // nested IPv4 prefixes (/16 to /24) and addresses inside them
	IPv6      float64 // nested IPv6 prefixes (/32 to /64) and addresses inside them
	Domains   float64 // exact domains and domain trees
	Email     float64 // e-mail domains
	ASNs      float64 // AS numbers
	CoOwned   float64 // chance that an asset is registered again by another organisation
	PerOrg    int     // average number of assets per organisation
	Verified  float64 // chance that an asset is verified
	AddrShare float64 // share of IP assets that are single addresses
}

// DefaultMix returns the mix Generate uses: 78% IPv4 (a quarter of it single
// addresses), 5% IPv6, 10% domains, 4% e-mail domains, 3% AS numbers; 2% of assets
// also registered by a second organisation, 20 assets per organisation, 30% verified.
func DefaultMix() Mix {
	return Mix{
		IPv4: 0.78, IPv6: 0.05, Domains: 0.10, Email: 0.04, ASNs: 0.03,
		CoOwned: 0.02, PerOrg: 20, Verified: 0.3, AddrShare: 0.25,
	}
}

// Generate returns n entries in the default mix, the same for the same seed, with
// asset IDs 1 to n in order.
func Generate(n int, seed int64) []match.Entry { return GenerateMix(n, seed, DefaultMix()) }

// GenerateMix is Generate with another mix.
func GenerateMix(n int, seed int64, mix Mix) []match.Entry {
	total := mix.IPv4 + mix.IPv6 + mix.Domains + mix.Email + mix.ASNs
	g := &generator{
		r:     rand.New(rand.NewPCG(uint64(seed), 0x6261_6b65_6e)),
		mix:   mix,
		out:   make([]match.Entry, 0, n),
		used4: make(map[uint32]bool),
		used6: make(map[uint32]bool),
		orgs:  int64(max(1, n/max(1, mix.PerOrg))),
	}
	counts := []int{
		int(float64(n) * mix.IPv6 / total),
		int(float64(n) * mix.Domains / total),
		int(float64(n) * mix.Email / total),
		int(float64(n) * mix.ASNs / total),
	}
	g.ipv6(counts[0])
	g.domains(counts[1], counts[2])
	g.asns(counts[3])
	g.ipv4(n - len(g.out)) // the rest, so that there are exactly n
	return g.out
}

type generator struct {
	r     *rand.Rand
	mix   Mix
	out   []match.Entry
	used4 map[uint32]bool // /16 blocks already handed out
	used6 map[uint32]bool // /32 blocks already handed out
	orgs  int64
	names []string // generated domain names, reused for e-mail domains
}

// emit adds one asset for a random organisation and, now and then, for a second one.
func (g *generator) emit(a asset.Asset) {
	g.add(a)
	if g.r.Float64() < g.mix.CoOwned && len(g.out) < cap(g.out) {
		g.add(a)
	}
}

func (g *generator) add(a asset.Asset) {
	if len(g.out) == cap(g.out) {
		return
	}
	v := asset.Unverified
	if g.r.Float64() < g.mix.Verified {
		v = []asset.Verification{asset.DNSVerified, asset.RegistryBacked, asset.AnalystApproved}[g.r.IntN(3)]
	}
	g.out = append(g.out, match.Entry{
		OrgID:        1 + g.r.Int64N(g.orgs),
		AssetID:      int64(len(g.out) + 1),
		Asset:        a,
		Verification: v,
	})
}

func (g *generator) full(limit int) bool { return len(g.out) >= limit }

// ipv4 hands out unused /16 blocks; in each, an ISP may register the whole block and
// customers register aligned /18 to /24 prefixes (mostly /24) with gaps, some with a
// nested /24 or single addresses inside. A block holds about 60 assets.
func (g *generator) ipv4(n int) {
	limit := len(g.out) + n
	for !g.full(limit) {
		block := freeBlock(g.r, g.used4) << 16
		if g.r.Float64() < 0.3 {
			g.emit(prefix4(block, 16))
		}
		for cur := uint32(0); cur < 1<<16 && !g.full(limit); {
			bits := customerBits[g.r.IntN(len(customerBits))]
			size := uint32(1) << (32 - bits)
			cur = (cur + size - 1) &^ (size - 1)
			if cur+size > 1<<16 {
				break
			}
			if g.r.Float64() < 0.7 {
				g.nested4(block+cur, bits, limit)
			}
			cur += size
		}
	}
}

// customerBits are the lengths of customer prefixes, as often as they should occur.
var customerBits = []int{18, 19, 19, 20, 21, 21, 22, 22, 22, 23, 23, 23, 24, 24, 24, 24, 24, 24, 24, 24}

func (g *generator) nested4(base uint32, bits int, limit int) {
	size := uint32(1) << (32 - bits)
	if g.r.Float64() >= g.mix.AddrShare {
		g.emit(prefix4(base, bits))
		if bits < 24 && g.r.Float64() < 0.3 && !g.full(limit) {
			g.emit(prefix4(base+g.r.Uint32N(size)&^0xff, 24))
		}
	}
	for k := 1 + g.r.IntN(3); k > 0 && g.r.Float64() < g.mix.AddrShare*1.5 && !g.full(limit); k-- {
		g.emit(prefix4(base+g.r.Uint32N(size), 32))
	}
}

// freeBlock returns a random 16-bit block number not returned before. About three
// million IPv4 assets use all 65,536 blocks.
func freeBlock(r *rand.Rand, used map[uint32]bool) uint32 {
	if len(used) == 1<<16 {
		panic("matchtest: too many assets, all address blocks are used")
	}
	for {
		b := r.Uint32N(1 << 16)
		if !used[b] {
			used[b] = true
			return b
		}
	}
}

func prefix4(addr uint32, bits int) asset.Asset {
	ip := netip.AddrFrom4([4]byte{byte(addr >> 24), byte(addr >> 16), byte(addr >> 8), byte(addr)})
	if bits == 32 {
		return asset.Asset{Kind: asset.IPv4, Value: ip.String()}
	}
	return asset.Asset{Kind: asset.IPv4Prefix, Value: netip.PrefixFrom(ip, bits).Masked().String()}
}

// ipv6 hands out /32 blocks inside 2001::/16 and nests /48, /56, /64 and addresses in them.
func (g *generator) ipv6(n int) {
	limit := len(g.out) + n
	for !g.full(limit) {
		var a [16]byte
		a[0], a[1] = 0x20, 0x01
		b := freeBlock(g.r, g.used6)
		a[2], a[3] = byte(b>>8), byte(b)
		if g.r.Float64() < 0.5 {
			g.emit6(a, 32)
		}
		for k := 0; k < 20 && !g.full(limit); k++ {
			a[4], a[5] = byte(g.r.IntN(256)), byte(g.r.IntN(256))
			g.emit6(a, 48)
			a[6] = byte(g.r.IntN(256))
			if g.r.Float64() < 0.5 {
				g.emit6(a, 56)
			}
			a[7] = byte(g.r.IntN(256))
			g.emit6(a, 64)
			if g.r.Float64() < g.mix.AddrShare {
				h := a
				h[15] = byte(1 + g.r.IntN(255))
				g.emit6(h, 128)
			}
		}
	}
}

func (g *generator) emit6(a [16]byte, bits int) {
	p := netip.PrefixFrom(netip.AddrFrom16(a), bits).Masked()
	if bits == 128 {
		g.emit(asset.Asset{Kind: asset.IPv6, Value: p.Addr().String()})
		return
	}
	g.emit(asset.Asset{Kind: asset.IPv6Prefix, Value: p.String()})
}

var tlds = []string{"nl", "com", "eu", "org", "de", "be", "net"}

// domains registers random names, each as an exact domain or a domain tree, some with
// a registered subdomain inside a tree, and e-mail domains mostly on the same names.
func (g *generator) domains(n, email int) {
	limit := len(g.out) + n
	for !g.full(limit) {
		name := g.label() + "." + tlds[g.r.IntN(len(tlds))]
		g.names = append(g.names, name)
		switch {
		case g.r.Float64() < 0.4:
			g.emit(asset.Asset{Kind: asset.DomainTree, Value: "*." + name})
			if g.r.Float64() < 0.3 && !g.full(limit) {
				g.emit(asset.Asset{Kind: asset.Domain, Value: "www." + name})
			}
		default:
			g.emit(asset.Asset{Kind: asset.Domain, Value: name})
		}
	}
	limit = len(g.out) + email
	for !g.full(limit) {
		name := g.label() + "." + tlds[g.r.IntN(len(tlds))]
		if len(g.names) > 0 && g.r.Float64() < 0.8 {
			name = g.names[g.r.IntN(len(g.names))]
		}
		g.emit(asset.Asset{Kind: asset.EmailDomain, Value: "@" + name})
	}
}

func (g *generator) label() string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 5+g.r.IntN(8))
	for i := range b {
		b[i] = letters[g.r.IntN(26+10*min(i, 1))]
	}
	return string(b)
}

func (g *generator) asns(n int) {
	limit := len(g.out) + n
	for !g.full(limit) {
		g.emit(asset.Asset{Kind: asset.ASN, Value: fmt.Sprintf("AS%d", 1+g.r.IntN(400000))})
	}
}
