package match

import "net/netip"

// edit builds the next snapshot from the current one. In place (inPlace) it may
// change what it holds, because no reader has seen it yet: that is how NewIndex builds.
// Otherwise it never writes anything a reader can reach: records, organisations and
// arena bytes are appended beyond the current snapshot's length, the trie is changed
// with bart's persistent (copy-on-write) methods, maps through cowEdit, and a chain of
// owners that loses a member is copied up to that member.
type edit struct {
	s           Snapshot // the snapshot being built; its maps are in the cowEdits until snapshot()
	w           *writer
	inPlace     bool
	coverOwned  bool // s.cover4 is a copy this edit may change
	filterOwned bool // so is s.filter
	addr4       *cowEdit[uint32, uint32]
	addr6       *cowEdit[[16]byte, uint32]
	names       *cowEdit[string, heads]
	asns        *cowEdit[uint32, uint32]
}

func newEdit(cur *Snapshot, w *writer, inPlace bool) *edit {
	return &edit{
		s: *cur, w: w, inPlace: inPlace, coverOwned: inPlace, filterOwned: inPlace,
		addr4: cur.addr4.edit(inPlace),
		addr6: cur.addr6.edit(inPlace),
		names: cur.names.edit(inPlace),
		asns:  cur.asns.edit(inPlace),
	}
}

// snapshot returns the result of the edit.
func (e *edit) snapshot() *Snapshot {
	s := e.s
	s.addr4, s.addr6, s.names, s.asns = e.addr4.m, e.addr6.m, e.names.m, e.asns.m
	return &s
}

// add appends a record for it at the head of its asset's chain.
func (e *edit) add(it item) {
	r := record{assetID: it.assetID, org: e.w.org(&e.s, it.orgID), kind: it.kind, verif: it.verif}
	switch {
	case it.kind == kIPv4 || it.kind == kIPv4Prefix:
		r.data, r.n = addr4Key(it.prefix.Addr()), uint8(it.prefix.Bits())
	case it.kind.isIP():
		a := it.prefix.Addr().As16()
		r.data, r.n = uint32(len(e.s.arena)), uint8(it.prefix.Bits())
		e.s.arena = append(e.s.arena, a[:]...)
	case it.kind == kASN:
		r.data = it.asn
	default:
		r.data, r.n = uint32(len(e.s.arena)), uint8(len(it.name))
		e.s.arena = append(e.s.arena, it.name...)
		e.addName(it.name)
	}
	e.cover(&r, 1)
	slot := uint32(len(e.s.recs))
	e.s.recs = append(e.s.recs, r)
	e.s.recs[slot].next = e.head(slot)
	e.setHead(slot, slot)
	e.w.placed(it.assetID, slot)
	e.s.live++
}

// remove takes the record in slot out of its asset's chain.
func (e *edit) remove(slot uint32) {
	r := e.s.recs[slot]
	e.cover(&r, -1)
	head := e.head(slot)
	switch {
	case head == slot:
		e.setHead(slot, r.next)
	case e.inPlace:
		prev := head
		for e.s.recs[prev].next != slot {
			prev = e.s.recs[prev].next
		}
		e.s.recs[prev].next = r.next
	default:
		// Readers may be walking the chain: copy the owners before slot, link the
		// last copy to what follows slot, and make the first copy the head.
		first, last := none, none
		for cur := head; cur != slot; cur = e.s.recs[cur].next {
			c := e.s.recs[cur]
			moved := uint32(len(e.s.recs))
			e.s.recs = append(e.s.recs, c)
			e.w.placed(c.assetID, moved)
			e.w.kill(cur)
			if first == none {
				first = moved
			} else {
				e.s.recs[last].next = moved
			}
			last = moved
		}
		e.s.recs[last].next = r.next
		e.setHead(slot, first)
	}
	e.w.kill(slot)
	e.w.forget(r.assetID)
	e.s.live--
}

// head returns the head of the chain that the record in slot belongs (or will belong) to.
func (e *edit) head(slot uint32) uint32 {
	r := &e.s.recs[slot]
	var head uint32
	ok := false
	switch {
	case r.kind == kIPv4:
		head, ok = e.addr4.m.get(r.data)
	case r.kind == kIPv6:
		head, ok = e.addr6.m.get(e.s.prefix(r).Addr().As16())
	case r.kind.isIP():
		head, ok = e.s.pfx.Get(e.s.prefix(r))
	case r.kind == kASN:
		head, ok = e.asns.m.get(r.data)
	default:
		h, found := e.names.m.get(e.s.name(r))
		if !found {
			return none
		}
		return *h.of(r.kind)
	}
	if !ok {
		return none
	}
	return head
}

// setHead makes head (none for an empty chain) the head of the chain of the record in slot.
func (e *edit) setHead(slot, head uint32) {
	r := &e.s.recs[slot]
	switch {
	case r.kind == kIPv4:
		setOrDelete(e.addr4, r.data, head)
	case r.kind == kIPv6:
		setOrDelete(e.addr6, e.s.prefix(r).Addr().As16(), head)
	case r.kind.isIP():
		e.setPrefix(e.s.prefix(r), head)
	case r.kind == kASN:
		setOrDelete(e.asns, r.data, head)
	default:
		name := e.s.name(r)
		h, ok := e.names.m.get(name)
		if !ok {
			h = heads{none, none, none}
		}
		*h.of(r.kind) = head
		if h.empty() {
			e.names.delete(name)
		} else {
			e.names.set(name, h)
		}
	}
}

func (e *edit) setPrefix(p netip.Prefix, head uint32) {
	switch {
	case e.inPlace && head == none:
		e.s.pfx.Delete(p)
	case e.inPlace:
		e.s.pfx.Insert(p, head)
	case head == none:
		e.s.pfx = e.s.pfx.DeletePersist(p)
	default:
		e.s.pfx = e.s.pfx.InsertPersist(p, head)
	}
}

func setOrDelete[K comparable](m *cowEdit[K, uint32], k K, head uint32) {
	if head == none {
		m.delete(k)
	} else {
		m.set(k, head)
	}
}

// of returns the head for the kind of name asset.
func (h *heads) of(k kindCode) *uint32 {
	switch k {
	case kDomain:
		return &h.exact
	case kDomainTree:
		return &h.tree
	}
	return &h.email
}

// compactTrie replaces the trie by a clone: bart grows its arrays by appending, and
// a clone allocates them at their final size, about 15% less memory after a build.
func (e *edit) compactTrie() {
	e.s.pfx = e.s.pfx.Clone()
}
