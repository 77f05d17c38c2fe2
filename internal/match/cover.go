package match

// cover4 has a bit per IPv4 /16, set when a registered IPv4 address or prefix overlaps
// it. At 8 KiB it stays in the CPU cache, and most addresses in a feed lie in no
// registered /16: for them, matching ends here without touching the trie or the maps,
// whose lookups each cost a cache miss at a million assets.
type cover4 [1 << 16 / 64]uint64

func (c *cover4) has(addr uint32) bool {
	i := addr >> 16
	return c[i/64]&(1<<(i%64)) != 0
}

// coverCounts counts, per /16, the registered IPv4 assets that overlap it, so that a
// removal knows when a bit of cover4 goes.
type coverCounts []int32

// cover counts the IPv4 record r in (delta 1) or out (delta -1) of the filter,
// copying the filter before its first change unless the edit owns it.
func (e *edit) cover(r *record, delta int32) {
	if r.kind != kIPv4 && r.kind != kIPv4Prefix {
		return
	}
	if e.w.cover == nil {
		e.w.cover = make(coverCounts, 1<<16)
	}
	first, n := r.data>>16, uint32(1)
	if r.n < 16 {
		n = 1 << (16 - r.n)
	}
	for i := first; i < first+n; i++ {
		e.w.cover[i] += delta
		set := e.w.cover[i] > 0
		if set == e.s.cover4.has(i<<16) {
			continue
		}
		if !e.coverOwned {
			c := *e.s.cover4
			e.s.cover4, e.coverOwned = &c, true
		}
		e.s.cover4[i/64] ^= 1 << (i % 64)
	}
}
