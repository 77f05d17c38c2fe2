package match

import (
	"fmt"
	"net/netip"
	"strings"
	"unsafe"

	"github.com/baken-cert/baken/internal/asset"
)

// none marks the end of a chain of co-owners and an absent head.
const none = ^uint32(0)

// record is how the index stores one entry: 24 bytes, no pointers, so a million of
// them are one allocation the garbage collector need not scan. Entries that share an
// asset form a chain through next; the structure that finds the asset (trie or map)
// holds the slot of the chain's head.
type record struct {
	assetID int64
	org     uint32 // index into Snapshot.orgs
	next    uint32 // slot of the next owner of the same asset, or none
	data    uint32 // IPv4: the address; IPv6: arena offset of 16 bytes; names: arena offset; ASN: the number
	n       uint8  // IP kinds: the prefix length; names: the length of the name
	kind    kindCode
	verif   verifCode
}

// kindCode is asset.Kind in one byte.
type kindCode uint8

const (
	kIPv4 kindCode = iota
	kIPv6
	kIPv4Prefix
	kIPv6Prefix
	kASN
	kDomain
	kDomainTree
	kEmailDomain
)

func (k kindCode) kind() asset.Kind {
	switch k {
	case kIPv4:
		return asset.IPv4
	case kIPv6:
		return asset.IPv6
	case kIPv4Prefix:
		return asset.IPv4Prefix
	case kIPv6Prefix:
		return asset.IPv6Prefix
	case kASN:
		return asset.ASN
	case kDomain:
		return asset.Domain
	case kDomainTree:
		return asset.DomainTree
	}
	return asset.EmailDomain
}

func (k kindCode) isIP() bool   { return k <= kIPv6Prefix }
func (k kindCode) isName() bool { return k >= kDomain }

func kindCodeOf(k asset.Kind) (kindCode, bool) {
	for c := kIPv4; c <= kEmailDomain; c++ {
		if c.kind() == k {
			return c, true
		}
	}
	return 0, false
}

// verifCode is asset.Verification in one byte.
type verifCode uint8

func (v verifCode) verification() asset.Verification {
	switch v {
	case 1:
		return asset.DNSVerified
	case 2:
		return asset.RegistryBacked
	case 3:
		return asset.AnalystApproved
	case 4:
		return asset.Lapsed
	}
	return asset.Unverified
}

func verifCodeOf(v asset.Verification) (verifCode, bool) {
	if v == "" {
		return 0, true
	}
	for c := verifCode(0); c <= 4; c++ {
		if c.verification() == v {
			return c, true
		}
	}
	return 0, false
}

// item is an entry checked and decoded: what the index inserts.
type item struct {
	assetID int64
	orgID   int64
	kind    kindCode
	verif   verifCode
	prefix  netip.Prefix // IP kinds, an address as a /32 or /128
	name    string       // name kinds: the bare domain name
	asn     uint32
}

// itemOf checks that e holds a canonical asset and decodes it.
func itemOf(e Entry) (item, error) {
	it := item{assetID: e.AssetID, orgID: e.OrgID}
	var ok bool
	if it.kind, ok = kindCodeOf(e.Asset.Kind); !ok {
		return it, entryError(e, "unknown kind")
	}
	if it.verif, ok = verifCodeOf(e.Verification); !ok {
		return it, entryError(e, "unknown verification state")
	}
	switch {
	case it.kind.isIP():
		p, ok := e.Asset.Prefix()
		if !ok || p != p.Masked() || p.Addr().Zone() != "" || p.Addr().Is4In6() {
			return it, entryError(e, "not a canonical address or prefix")
		}
		v4 := it.kind == kIPv4 || it.kind == kIPv4Prefix
		addr := it.kind == kIPv4 || it.kind == kIPv6
		if p.Addr().Is4() != v4 || p.IsSingleIP() != addr {
			return it, entryError(e, "the value does not fit the kind")
		}
		it.prefix = p
	case it.kind == kASN:
		if it.asn, ok = e.Asset.ASNumber(); !ok || it.asn == 0 {
			return it, entryError(e, "not an AS number")
		}
	default:
		it.name, _ = e.Asset.DomainName()
		if !validName(it.name) {
			return it, entryError(e, "not a canonical domain name")
		}
	}
	return it, nil
}

// validName accepts what asset.NormaliseDomain returns: at least two labels, no empty
// label, at most 253 characters, lower-case ASCII letters, digits, hyphens and
// underscores (IDNA A-labels). A name that Match could never find is refused.
func validName(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") || strings.HasPrefix(s, ".") ||
		strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

func entryError(e Entry, why string) error {
	return fmt.Errorf("%w: asset %d (%s %q) of organisation %d: %s", ErrInvalidEntry, e.AssetID, e.Asset.Kind, e.Asset.Value, e.OrgID, why)
}

// prefix returns the prefix of an IP record.
func (s *Snapshot) prefix(r *record) netip.Prefix {
	if r.kind == kIPv4 || r.kind == kIPv4Prefix {
		a := r.data
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), int(r.n))
	}
	return netip.PrefixFrom(netip.AddrFrom16([16]byte(s.arena[r.data:r.data+16])), int(r.n))
}

// name returns the domain name of a name record, without copying it: the arena is
// append-only, so the bytes never change.
func (s *Snapshot) name(r *record) string {
	return unsafe.String(&s.arena[r.data], int(r.n))
}

// item decodes the record in slot back into an item, to rebuild the index.
func (s *Snapshot) item(slot uint32) item {
	r := &s.recs[slot]
	it := item{assetID: r.assetID, orgID: s.orgs[r.org], kind: r.kind, verif: r.verif}
	switch {
	case r.kind.isIP():
		it.prefix = s.prefix(r)
	case r.kind == kASN:
		it.asn = r.data
	default:
		it.name = s.name(r)
	}
	return it
}

// appendHit appends the hit for the record in slot.
func (s *Snapshot) appendHit(dst []Hit, slot uint32, by By) []Hit {
	r := &s.recs[slot]
	h := Hit{
		OrgID:        s.orgs[r.org],
		AssetID:      r.assetID,
		Kind:         r.kind.kind(),
		Verification: r.verif.verification(),
		By:           by,
	}
	switch {
	case r.kind.isIP():
		h.Prefix = s.prefix(r)
		h.Specificity = int(r.n)
	case r.kind == kASN:
		h.ASN = r.data
	default:
		h.Name = s.name(r)
		h.Specificity = strings.Count(h.Name, ".") + 1
	}
	return append(dst, h)
}

// appendChain appends a hit for every owner in the chain that starts at head.
func (s *Snapshot) appendChain(dst []Hit, head uint32, by By) []Hit {
	for slot := head; slot != none; slot = s.recs[slot].next {
		dst = s.appendHit(dst, slot, by)
	}
	return dst
}
