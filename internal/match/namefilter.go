package match

import (
	"hash/maphash"
	"math/bits"
	"strings"
)

// nameFilter is a one-hash Bloom filter over the last two labels of every registered
// name. Every name a match walk looks up ends in the same two labels as the subject's
// name, so when the filter does not know them, no lookup can succeed: most names in a
// feed belong to nobody registered, and for them the walk costs one hash and one bit
// in a cache-friendly array instead of a map lookup per label, each a cache miss.
// Bits are not cleared when names go; a rebuild starts afresh.
type nameFilter struct {
	bits  []uint64
	shift uint8 // 64 - log2(len(bits)*64)
	seed  maphash.Seed
}

// newNameFilter sizes the filter at 8 bits per name (about 12% false positives),
// between 64 Ki and 16 Mi bits.
func newNameFilter(names int) nameFilter {
	n := max(1<<16, min(1<<24, 8*names))
	logBits := bits.Len(uint(n - 1))
	return nameFilter{bits: make([]uint64, 1<<logBits/64), shift: uint8(64 - logBits), seed: maphash.MakeSeed()}
}

func (f *nameFilter) bit(name string) uint64 {
	return maphash.String(f.seed, lastTwoLabels(name)) >> f.shift
}

func (f *nameFilter) has(name string) bool {
	i := f.bit(name)
	return f.bits[i/64]&(1<<(i%64)) != 0
}

func lastTwoLabels(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name
	}
	return name[strings.LastIndexByte(name[:i], '.')+1:]
}

// addName sets the filter's bit for name, copying the filter before its first change
// unless the edit owns it.
func (e *edit) addName(name string) {
	i := e.s.filter.bit(name)
	if e.s.filter.bits[i/64]&(1<<(i%64)) != 0 {
		return
	}
	if !e.filterOwned {
		e.s.filter.bits = append([]uint64(nil), e.s.filter.bits...)
		e.filterOwned = true
	}
	e.s.filter.bits[i/64] |= 1 << (i % 64)
}
