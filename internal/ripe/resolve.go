package ripe

import (
	"cmp"
	"iter"
	"net/netip"
	"slices"
)

// Where a Network or ASN got its abuse mailbox (see AbuseFrom).
const (
	FromInetnum      = "inetnum"      // the network's own abuse-c (IPv4)
	FromInet6num     = "inet6num"     // the network's own abuse-c (IPv6)
	FromAutNum       = "aut-num"      // the autonomous system's own abuse-c
	FromOrganisation = "organisation" // the abuse-c of the object's organisation
	FromParentPrefix = "parent:"      // followed by the Range of a less specific network
)

// Network is an inetnum or inet6num with the abuse mailbox that applies to it.
type Network struct {
	// Prefixes is the range as the fewest CIDR prefixes, in address order.
	Prefixes []netip.Prefix
	// Range is the range in RIPE notation: "192.0.2.0 - 192.0.2.255" for IPv4,
	// "2001:db8::/32" for IPv6. It is written out again from the parsed addresses, which
	// for RIPE's dumps gives the text of the dump.
	Range string
	// Netname, Country (upper case) and Status are the object's own.
	Netname, Country, Status string
	// OrgID is the object's org (upper case), OrgName that organisation's org-name.
	OrgID, OrgName string
	// AbuseMailbox is the effective abuse mailbox after the resolution rule (see the
	// package documentation), "" if none is found anywhere.
	AbuseMailbox string
	// AbuseFrom says where AbuseMailbox came from: FromInetnum or FromInet6num (the
	// object's own abuse-c), FromOrganisation, or FromParentPrefix followed by the Range of
	// the less specific network whose own abuse-c or organisation gave it
	// ("parent:192.0.2.0 - 192.0.2.255"). It is "" when AbuseMailbox is.
	AbuseFrom string
}

// ASN is an aut-num with the abuse mailbox that applies to it.
type ASN struct {
	Number         uint32
	Name           string // as-name
	OrgID, OrgName string // as for Network
	// AbuseMailbox is the abuse-mailbox of the role named by the aut-num's abuse-c, else by
	// its organisation's abuse-c, else "".
	AbuseMailbox string
	// AbuseFrom is FromAutNum, FromOrganisation or "".
	AbuseFrom string
}

// Networks resolves every inetnum and inet6num. They come in address order, IPv4 first,
// and for equal starts the larger range first, so every network follows the networks that
// contain it. Of objects with the same range only the one added last is kept. The cost is
// O(n log n) for sorting and O(n) for finding parents: see the package documentation.
func (d *Dataset) Networks() []Network {
	d.sortNets()
	out := make([]Network, 0, len(d.nets))
	for n := range d.AllNetworks() {
		out = append(out, n)
	}
	return out
}

// AllNetworks yields what Networks returns, one network at a time, so that a caller that
// stores them need not hold them all: beyond the Dataset it needs memory only for the
// chain of networks containing the current one.
func (d *Dataset) AllNetworks() iter.Seq[Network] {
	return func(yield func(Network) bool) {
		d.sortNets()
		// stack holds the chain of networks that contain the current one, outermost first.
		stack := make([]ancestor, 0, 64)
		var arena []netip.Prefix
		for i := range d.nets {
			r := &d.nets[i]
			var n Network
			arena = d.fill(&n, r, arena)
			for len(stack) > 0 && !contains(stack[len(stack)-1].rec, r) {
				stack = stack[:len(stack)-1]
			}
			// The rule: own abuse-c, else the organisation's, else the parent's result.
			a := ancestor{rec: r, rng: n.Range}
			if m := d.roleMailbox(r.abuseC); m != "" {
				n.AbuseMailbox, n.AbuseFrom, a.mailbox = m, FromInetnum, m
				if r.v6 {
					n.AbuseFrom = FromInet6num
				}
			} else if m := d.orgMailbox(r.org); m != "" {
				n.AbuseMailbox, n.AbuseFrom, a.mailbox = m, FromOrganisation, m
			} else if len(stack) > 0 && stack[len(stack)-1].mailbox != "" {
				p := &stack[len(stack)-1]
				if p.via == "" {
					p.via = FromParentPrefix + p.rng // once per source, shared by its descendants
				}
				a.mailbox, a.rng, a.via = p.mailbox, p.rng, p.via
				n.AbuseMailbox, n.AbuseFrom = a.mailbox, a.via
			}
			stack = append(stack, a)
			if !yield(n) {
				return
			}
		}
	}
}

// ancestor is a network on AllNetworks' stack, with what its descendants inherit from it.
type ancestor struct {
	rec     *netRec
	mailbox string // the mailbox a descendant without one of its own inherits
	rng     string // the Range of the network that mailbox came from
	via     string // FromParentPrefix+rng, made when first needed
}

// fill sets n's own fields from r, taking its prefixes from arena, and returns the arena.
// Networks share arena blocks so that a million networks are not a million allocations.
func (d *Dataset) fill(n *Network, r *netRec, arena []netip.Prefix) []netip.Prefix {
	if cap(arena)-len(arena) < 256 { // the most prefixes a range needs is 254
		arena = make([]netip.Prefix, 0, 8192)
	}
	start := len(arena)
	arena = appendPrefixes(arena, r.lo, r.hi, r.v6)
	n.Prefixes = arena[start:len(arena):len(arena)]
	first, last := r.lo.addr(r.v6), r.hi.addr(r.v6)
	if r.v6 && len(n.Prefixes) == 1 {
		n.Range = n.Prefixes[0].String()
	} else {
		n.Range = first.String() + " - " + last.String()
	}
	n.Netname, n.Country, n.Status = r.netname, d.pool.str(r.country), d.pool.str(r.status)
	n.OrgID, n.OrgName = d.pool.str(r.org), d.orgs[r.org].name
	return arena
}

// ASNs resolves every aut-num, in order of number. Of objects with the same number only
// the one added last is kept.
func (d *Dataset) ASNs() []ASN {
	d.sortASNs()
	out := make([]ASN, len(d.asns))
	for i, r := range d.asns {
		a := &out[i]
		*a = ASN{Number: r.num, Name: r.name, OrgID: d.pool.str(r.org), OrgName: d.orgs[r.org].name}
		if m := d.roleMailbox(r.abuseC); m != "" {
			a.AbuseMailbox, a.AbuseFrom = m, FromAutNum
		} else if m := d.orgMailbox(r.org); m != "" {
			a.AbuseMailbox, a.AbuseFrom = m, FromOrganisation
		}
	}
	return out
}

// sortASNs sorts asns by number and drops all but the last of records with the same one.
func (d *Dataset) sortASNs() {
	if d.asnsSorted {
		return
	}
	slices.SortFunc(d.asns, func(a, b asnRec) int {
		return cmp.Or(cmp.Compare(a.num, b.num), cmp.Compare(a.seq, b.seq))
	})
	kept := d.asns[:0]
	for i, r := range d.asns {
		if i+1 < len(d.asns) && d.asns[i+1].num == r.num {
			continue
		}
		kept = append(kept, r)
	}
	d.stats.Duplicates += len(d.asns) - len(kept)
	clear(d.asns[len(kept):])
	d.asns = kept
	d.asnsSorted = true
}

// sortNets puts nets in the order Networks documents and drops all but the last of
// records with the same range.
func (d *Dataset) sortNets() {
	if d.sorted {
		return
	}
	slices.SortFunc(d.nets, func(a, b netRec) int {
		if a.v6 != b.v6 {
			return cmpBool(a.v6, b.v6)
		}
		if c := a.lo.cmp(b.lo); c != 0 {
			return c
		}
		if c := b.hi.cmp(a.hi); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	kept := d.nets[:0]
	for i, r := range d.nets {
		if i+1 < len(d.nets) && sameRange(&r, &d.nets[i+1]) {
			continue
		}
		kept = append(kept, r)
	}
	d.stats.Duplicates += len(d.nets) - len(kept)
	clear(d.nets[len(kept):]) // let go of the dropped netnames
	d.nets = kept
	d.sorted = true
}

func (d *Dataset) roleMailbox(abuseC ref) string { return d.roles[abuseC] }

func (d *Dataset) orgMailbox(org ref) string {
	if o, ok := d.orgs[org]; ok {
		return d.roles[o.abuseC]
	}
	return ""
}

func contains(outer, inner *netRec) bool {
	return outer.v6 == inner.v6 && outer.lo.cmp(inner.lo) <= 0 && inner.hi.cmp(outer.hi) <= 0
}

func sameRange(a, b *netRec) bool { return a.v6 == b.v6 && a.lo == b.lo && a.hi == b.hi }

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
