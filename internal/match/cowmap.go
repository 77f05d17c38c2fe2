package match

import (
	"encoding/binary"
	"hash/maphash"
	"maps"
)

// shards is the number of maps a cowMap is split into. A change clones only the shards
// it touches, so an update to an index of a million names copies a few thousand
// entries, not a million.
const shards = 256

// cowMap is a hash map that snapshots share: readers only read it, and an edit
// copies the array of shards and clones each shard before its first write.
type cowMap[K comparable, V any] struct {
	shards *[shards]map[K]V
	shard  func(K) uint8
}

func newCowMap[K comparable, V any](shard func(K) uint8) cowMap[K, V] {
	return cowMap[K, V]{shards: new([shards]map[K]V), shard: shard}
}

func (m cowMap[K, V]) get(k K) (V, bool) {
	v, ok := m.shards[m.shard(k)][k]
	return v, ok
}

func (m cowMap[K, V]) len() int {
	n := 0
	for _, s := range m.shards {
		n += len(s)
	}
	return n
}

// cowEdit changes a copy of a cowMap without disturbing readers of the original.
type cowEdit[K comparable, V any] struct {
	m     cowMap[K, V]
	owned [shards]bool // the shard was cloned (or made) by this edit
	hint  int          // initial size of a shard made by this edit, 0 unless set
}

// edit starts an edit of m. The shards of a fresh map are owned from the start.
func (m cowMap[K, V]) edit(fresh bool) *cowEdit[K, V] {
	arr := *m.shards
	e := &cowEdit[K, V]{m: cowMap[K, V]{shards: &arr, shard: m.shard}}
	if fresh {
		for i := range e.owned {
			e.owned[i] = true
		}
	}
	return e
}

// own returns shard i, ready to be written.
func (e *cowEdit[K, V]) own(i uint8) map[K]V {
	s := e.m.shards[i]
	switch {
	case s == nil:
		s = make(map[K]V, e.hint)
	case !e.owned[i]:
		s = maps.Clone(s)
	}
	e.m.shards[i], e.owned[i] = s, true
	return s
}

func (e *cowEdit[K, V]) set(k K, v V) { e.own(e.m.shard(k))[k] = v }

func (e *cowEdit[K, V]) delete(k K) {
	i := e.m.shard(k)
	if _, ok := e.m.shards[i][k]; ok {
		delete(e.own(i), k)
	}
}

// Shard functions: the top byte of a multiplicative hash, or maphash for names.
const golden = 0x9E3779B97F4A7C15

func shardUint32(k uint32) uint8 { return uint8((uint64(k) * golden) >> 56) }

func shardAddr16(k [16]byte) uint8 {
	x := binary.LittleEndian.Uint64(k[:8]) ^ binary.LittleEndian.Uint64(k[8:])*golden
	return uint8((x * golden) >> 56)
}

func shardString() func(string) uint8 {
	seed := maphash.MakeSeed()
	return func(s string) uint8 { return uint8(maphash.String(seed, s) >> 56) }
}
