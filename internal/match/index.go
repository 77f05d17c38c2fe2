package match

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/baken-cert/baken/internal/event"
)

// ErrInvalidEntry is wrapped by the errors that name entries the index skipped.
var ErrInvalidEntry = errors.New("invalid entry")

// Index holds every registered asset and matches events against them. Matching is
// lock-free: it reads an immutable Snapshot that Apply replaces atomically, so any
// number of goroutines may match while one updates. Updates are serialised; a small
// batch costs tens of microseconds at a million entries, and a batch of more than an
// eighth of the index rebuilds it instead. Create an Index with NewIndex; the zero
// Index is not usable.
type Index struct {
	snap atomic.Pointer[Snapshot]
	mu   sync.Mutex // serialises writers; readers never take it
	w    writer     // guarded by mu
}

// writer is what only the goroutine that updates the index needs: how to find an
// asset ID's record, and what is garbage. Readers never see it.
type writer struct {
	base     int              // recs[:base] are in asset ID order, as the last build left them
	moved    map[int64]uint32 // asset ID → slot, for entries placed since the last build
	dead     []uint64         // bit per slot: the record is in no chain any more
	ndead    int
	orgIx    map[int64]uint32 // organisation ID → index into Snapshot.orgs
	cover    coverCounts      // made on the first IPv4 asset
	building bool
}

// NewIndex builds an index of entries. Entries need not be sorted; of two entries with
// the same AssetID the later one counts. An entry that does not hold a canonical asset
// (as asset.Parse returns it) is skipped: the index is always usable, and the error,
// wrapping ErrInvalidEntry, says which entries were skipped and why.
func NewIndex(entries []Entry) (*Index, error) {
	ix := &Index{}
	var errs skipped
	snap, w := build(entrySeq(entries, &errs), buildHints(entries))
	ix.w = w
	ix.snap.Store(snap)
	return ix, errs.err()
}

// Snapshot returns the current snapshot: match a batch of events against it to give
// them all the same view of the assets.
func (ix *Index) Snapshot() *Snapshot { return ix.snap.Load() }

// Match matches the subject against the current snapshot; see Snapshot.Match.
func (ix *Index) Match(s event.Subject, dst []Hit) []Hit { return ix.snap.Load().Match(s, dst) }

// Len returns the number of entries in the index.
func (ix *Index) Len() int { return ix.snap.Load().Len() }

// Add indexes entries, replacing those with an AssetID already indexed.
func (ix *Index) Add(entries ...Entry) error { return ix.Apply(entries, nil) }

// Remove takes the entries with the given asset IDs out of the index; unknown IDs are
// ignored.
func (ix *Index) Remove(assetIDs ...int64) { _ = ix.Apply(nil, assetIDs) }

// Apply removes the entries with the asset IDs in remove, then adds the entries in add
// (replacing those with an AssetID already indexed), and publishes the result as one
// new snapshot: readers see all of the change or none of it. Invalid entries are
// skipped, as in NewIndex.
func (ix *Index) Apply(add []Entry, remove []int64) error {
	var errs skipped
	items := make([]item, 0, len(add))
	for _, e := range add {
		if it, err := itemOf(e); err != nil {
			errs.add(err)
		} else {
			items = append(items, it)
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	cur := ix.snap.Load()
	if len(items)+len(remove) > cur.live/8+1024 {
		ix.snap.Store(ix.rebuild(cur, items, remove))
		return errs.err()
	}
	e := newEdit(cur, &ix.w, false)
	for _, id := range remove {
		if slot, ok := ix.w.slotOf(&e.s, id); ok {
			e.remove(slot)
		}
	}
	for _, it := range items {
		if slot, ok := ix.w.slotOf(&e.s, it.assetID); ok {
			e.remove(slot)
		}
		e.add(it)
	}
	next := e.snapshot()
	if ix.w.ndead+len(ix.w.moved) > next.live/4+4096 {
		next = ix.rebuild(next, nil, nil)
	}
	ix.snap.Store(next)
	return errs.err()
}

// slotOf returns the slot of the live record for an asset ID.
func (w *writer) slotOf(s *Snapshot, id int64) (uint32, bool) {
	if slot, ok := w.moved[id]; ok {
		return slot, true
	}
	base := s.recs[:w.base]
	i, _ := slices.BinarySearchFunc(base, id, func(r record, id int64) int {
		switch {
		case r.assetID < id:
			return -1
		case r.assetID > id:
			return 1
		}
		return 0
	})
	// A build leaves a replaced duplicate, dead, just before its replacement.
	for ; i < len(base) && base[i].assetID == id; i++ {
		if !w.isDead(uint32(i)) {
			return uint32(i), true
		}
	}
	return 0, false
}

// placed notes that the entry with id now lives in slot.
func (w *writer) placed(id int64, slot uint32) {
	if !w.building {
		w.moved[id] = slot
	}
}

// forget notes that the entry with id is gone.
func (w *writer) forget(id int64) { delete(w.moved, id) }

// kill notes that slot is garbage.
func (w *writer) kill(slot uint32) {
	for int(slot/64) >= len(w.dead) {
		w.dead = append(w.dead, 0)
	}
	w.dead[slot/64] |= 1 << (slot % 64)
	w.ndead++
}

func (w *writer) isDead(slot uint32) bool {
	return int(slot/64) < len(w.dead) && w.dead[slot/64]&(1<<(slot%64)) != 0
}

// org returns the index of an organisation ID in s.orgs, appending it when new.
func (w *writer) org(s *Snapshot, id int64) uint32 {
	if i, ok := w.orgIx[id]; ok {
		return i
	}
	i := uint32(len(s.orgs))
	s.orgs = append(s.orgs, id)
	w.orgIx[id] = i
	return i
}
