package match

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/baken-cert/baken/internal/asset"
)

// hints size a build's allocations, so that a million entries cost a few large
// allocations instead of many growing ones.
type hints struct {
	n     int // entries
	arena int // bytes of IPv6 addresses and names
	addr4 int // IPv4 addresses
	names int // domain names
}

func buildHints(entries []Entry) hints {
	h := hints{n: len(entries)}
	for _, e := range entries {
		switch e.Asset.Kind {
		case asset.IPv4:
			h.addr4++
		case asset.IPv6, asset.IPv6Prefix:
			h.arena += 16
		case asset.Domain, asset.DomainTree, asset.EmailDomain:
			h.arena += len(e.Asset.Value)
			h.names++
		}
	}
	return h
}

// build makes a snapshot from items in asset ID order (of equal IDs the last counts),
// changing it in place because no reader can see it yet.
func build(items iter.Seq[item], h hints) (*Snapshot, writer) {
	s := emptySnapshot(h.names)
	s.recs = make([]record, 0, h.n)
	s.arena = make([]byte, 0, h.arena)
	w := writer{orgIx: make(map[int64]uint32), building: true}
	e := newEdit(s, &w, true)
	e.addr4.hint = h.addr4 / shards
	e.names.hint = h.names / shards
	last := none
	for it := range items {
		if last != none && e.s.recs[last].assetID == it.assetID {
			e.remove(last)
		}
		last = uint32(len(e.s.recs))
		e.add(it)
	}
	e.compactTrie()
	w.building, w.base, w.moved = false, len(e.s.recs), make(map[int64]uint32)
	return e.snapshot(), w
}

// entrySeq yields the valid entries as items in asset ID order, noting invalid ones in errs.
func entrySeq(entries []Entry, errs *skipped) iter.Seq[item] {
	return func(yield func(item) bool) {
		var order []uint32 // nil: entries are in order already
		if !slices.IsSortedFunc(entries, func(a, b Entry) int { return cmp.Compare(a.AssetID, b.AssetID) }) {
			order = make([]uint32, len(entries))
			for i := range order {
				order[i] = uint32(i)
			}
			slices.SortStableFunc(order, func(a, b uint32) int {
				return cmp.Compare(entries[a].AssetID, entries[b].AssetID)
			})
		}
		for k := range entries {
			i := k
			if order != nil {
				i = int(order[k])
			}
			it, err := itemOf(entries[i])
			if err != nil {
				errs.add(err)
				continue
			}
			if !yield(it) {
				return
			}
		}
	}
}

// rebuild builds a fresh snapshot from the live records of cur, without the IDs in
// remove and with the items in add: for large batches, and to shed garbage.
func (ix *Index) rebuild(cur *Snapshot, add []item, remove []int64) *Snapshot {
	drop := make(map[int64]bool, len(add)+len(remove))
	for _, id := range remove {
		drop[id] = true
	}
	h := hints{n: len(add)}
	for _, it := range add {
		drop[it.assetID] = true
		h.arena += 16 + len(it.name)
	}
	live := make([]uint32, 0, cur.live)
	for slot := range cur.recs {
		if !ix.w.isDead(uint32(slot)) && !drop[cur.recs[slot].assetID] {
			live = append(live, uint32(slot))
		}
	}
	byID := func(a, b uint32) int { return cmp.Compare(cur.recs[a].assetID, cur.recs[b].assetID) }
	if !slices.IsSortedFunc(live, byID) {
		slices.SortFunc(live, byID)
	}
	slices.SortStableFunc(add, func(a, b item) int { return cmp.Compare(a.assetID, b.assetID) })
	h.n += len(live)
	h.arena += len(cur.arena)
	h.addr4 = cur.addr4.len() + len(add)
	h.names = cur.names.len() + len(add)
	merged := func(yield func(item) bool) {
		i, j := 0, 0
		for i < len(live) || j < len(add) {
			var it item
			if j == len(add) || i < len(live) && cur.recs[live[i]].assetID < add[j].assetID {
				it, i = cur.item(live[i]), i+1
			} else {
				it, j = add[j], j+1
			}
			if !yield(it) {
				return
			}
		}
	}
	snap, w := build(merged, h)
	ix.w = w
	return snap
}

// skipped collects the errors of invalid entries, keeping the first few.
type skipped struct {
	n     int
	first []error
}

func (s *skipped) add(err error) {
	s.n++
	if len(s.first) < 10 {
		s.first = append(s.first, err)
	}
}

func (s *skipped) err() error {
	if s.n == 0 {
		return nil
	}
	return fmt.Errorf("match: skipped %d invalid entries: %w", s.n, errors.Join(s.first...))
}
