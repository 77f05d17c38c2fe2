package match

import (
	"net/netip"
	"strings"

	"github.com/baken-cert/baken/internal/event"
	"github.com/gaissmai/bart"
)

// Snapshot is the index at one moment. It never changes, so any number of goroutines
// may match against it while the Index moves on; matching a whole file against one
// snapshot gives every row the same view.
type Snapshot struct {
	// recs, orgs and arena are append-only and shared with later snapshots: a later
	// snapshot appends beyond this one's length and never writes below it.
	recs  []record
	orgs  []int64 // organisation IDs, indexed by record.org
	arena []byte  // IPv6 addresses (16 bytes) and domain names that records point into

	cover4 *cover4 // which IPv4 /16s hold anything at all

	// pfx maps IP prefixes (not single addresses) to the head of their chain of owners.
	// Table.Supernets yields every prefix containing an address, most specific first,
	// without allocating. bart.Table, not Fast: Fast keeps 256 more bytes per trie node
	// for faster longest-prefix lookups, but on 666,000 generated prefixes it took 73
	// against 32 bytes per prefix and Supernets was no faster (within the noise of
	// 300 ns). Not Lite: it has no payload, and the payload is what finds the owners.
	pfx *bart.Table[uint32]

	// Single addresses live in maps, not the trie: an address below a /24 makes bart
	// grow a trie node for one entry (about 90 bytes), a map entry costs about 15.
	addr4  cowMap[uint32, uint32]
	addr6  cowMap[[16]byte, uint32]
	names  cowMap[string, heads] // keys point into arena
	filter nameFilter            // which names may be in names
	asns   cowMap[uint32, uint32]

	live int // number of entries
}

// heads are the chains of owners of one domain name, by kind of asset.
type heads struct {
	exact, tree, email uint32
}

func (h heads) empty() bool { return h == heads{none, none, none} }

func emptySnapshot(names int) *Snapshot {
	return &Snapshot{
		filter: newNameFilter(names),
		cover4: new(cover4),
		pfx:    new(bart.Table[uint32]),
		addr4:  newCowMap[uint32, uint32](shardUint32),
		addr6:  newCowMap[[16]byte, uint32](shardAddr16),
		names:  newCowMap[string, heads](shardString()),
		asns:   newCowMap[uint32, uint32](shardUint32),
	}
}

// Len returns the number of entries in the snapshot.
func (s *Snapshot) Len() int { return s.live }

// Match appends to dst a hit for every entry whose asset matches the subject, and
// returns the extended slice; it does not allocate when dst has room. The hits come
// unordered; Rank orders them.
//
// The subject's IP matches registered addresses equal to it and every registered
// prefix containing it. Its FQDN and URL host match exact domains equal to them and
// domain trees that are the name itself or one of its parent domains; a URL host equal
// to the FQDN is looked at once, as the FQDN. Its e-mail domain matches e-mail-domain
// assets with exactly that name: an address at mail.example.nl does not match
// @example.nl, because mail domains are registered as such and leaked credentials are
// sent to the organisation that named that domain. Its AS number matches AS numbers.
//
// Names are compared as they are: the subject's names must be lower case (as package
// event makes them), in IDNA A-label form like registered assets; a trailing dot is
// ignored.
func (s *Snapshot) Match(subj event.Subject, dst []Hit) []Hit {
	if subj.IP.IsValid() {
		dst = s.matchIP(subj.IP.Unmap(), dst)
	}
	fqdn := strings.TrimSuffix(subj.FQDN, ".")
	if fqdn != "" && s.filter.has(fqdn) {
		dst = s.matchName(dst, fqdn, ByDomain, BySubdomain, "")
	}
	if host := strings.TrimSuffix(subj.URLHost, "."); host != "" && host != fqdn && s.filter.has(host) {
		dst = s.matchName(dst, host, ByURLHost, ByURLSubdomain, fqdn)
	}
	if mail := strings.TrimSuffix(subj.EmailDomain, "."); mail != "" && s.filter.has(mail) {
		if h, ok := s.names.get(mail); ok {
			dst = s.appendChain(dst, h.email, ByEmailDomain)
		}
	}
	if subj.ASN != 0 {
		if head, ok := s.asns.get(subj.ASN); ok {
			dst = s.appendChain(dst, head, ByASN)
		}
	}
	return dst
}

func (s *Snapshot) matchIP(ip netip.Addr, dst []Hit) []Hit {
	if ip.Is4() {
		k := addr4Key(ip)
		if !s.cover4.has(k) {
			return dst
		}
		if head, ok := s.addr4.get(k); ok {
			dst = s.appendChain(dst, head, ByIP)
		}
	} else if head, ok := s.addr6.get(ip.As16()); ok {
		dst = s.appendChain(dst, head, ByIP)
	}
	for _, head := range s.pfx.Supernets(netip.PrefixFrom(ip, ip.BitLen())) {
		dst = s.appendChain(dst, head, ByPrefix)
	}
	return dst
}

func addr4Key(ip netip.Addr) uint32 {
	b := ip.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// matchName looks up name and then each of its parent domains, cutting at the dots:
// one map lookup per label, however many names are registered. Domain trees already
// matched through seen (the FQDN, when name is the URL host) are skipped.
func (s *Snapshot) matchName(dst []Hit, name string, exact, tree By, seen string) []Hit {
	if h, ok := s.names.get(name); ok {
		dst = s.appendChain(dst, h.exact, exact)
		if !within(seen, name) {
			dst = s.appendChain(dst, h.tree, tree)
		}
	}
	for rest := name; ; {
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			return dst
		}
		rest = rest[dot+1:]
		if strings.IndexByte(rest, '.') < 0 {
			return dst // a single label (a top-level domain) is never registered
		}
		if within(seen, rest) {
			return dst // so are all its parents
		}
		if h, ok := s.names.get(rest); ok {
			dst = s.appendChain(dst, h.tree, tree)
		}
	}
}

// within reports whether name is domain or one of its subdomains.
func within(name, domain string) bool {
	if len(name) == len(domain) {
		return name == domain
	}
	return len(name) > len(domain) && name[len(name)-len(domain)-1] == '.' && strings.HasSuffix(name, domain)
}
