package match_test

import (
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/match/matchtest"
)

// benchSize is the number of registered assets the benchmarks index.
const benchSize = 1_000_000

// bench is built once per test binary: generating and indexing a million assets
// takes seconds.
var bench = sync.OnceValue(func() (b struct {
	entries []match.Entry
	ix      *match.Index
	addrs   []netip.Addr
	names   []string
}) {
	b.entries = matchtest.Generate(benchSize, 1)
	ix, err := match.NewIndex(b.entries)
	if err != nil {
		panic(err)
	}
	b.ix = ix
	s := matchtest.NewSampler(b.entries, 2)
	b.addrs = s.Addrs(1<<20, matchtest.HitRate)
	b.names = make([]string, 1<<16)
	for i := range b.names {
		b.names[i] = s.Name(matchtest.HitRate)
	}
	return b
})

// reportRate reports matches per second of wall time and per second of CPU time
// used by the process since cpuStart: on a shared machine the second is the steadier.
func reportRate(b *testing.B, hits int, cpuStart time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "matches/s")
	b.ReportMetric(float64(b.N)/(cpuTime()-cpuStart).Seconds(), "matches/cpu-s")
	b.ReportMetric(float64(hits)/float64(b.N), "hits/match")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMatch matches random IP addresses, 1% of them inside a registered asset,
// against a million registered assets, on one core.
func BenchmarkMatch(b *testing.B) {
	bb := bench()
	snap := bb.ix.Snapshot()
	dst := make([]match.Hit, 0, 64)
	hits := 0
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		dst = snap.Match(event.Subject{IP: bb.addrs[i&(len(bb.addrs)-1)]}, dst[:0])
		hits += len(dst)
	}
	reportRate(b, hits, cpu)
}

// BenchmarkMatchParallel is BenchmarkMatch on every core (GOMAXPROCS goroutines).
func BenchmarkMatchParallel(b *testing.B) {
	bb := bench()
	var total atomic.Int64
	var seq atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		dst := make([]match.Hit, 0, 64)
		i, hits := int(seq.Add(1)<<18), 0
		for ; pb.Next(); i++ {
			dst = bb.ix.Match(event.Subject{IP: bb.addrs[i&(len(bb.addrs)-1)]}, dst[:0])
			hits += len(dst)
		}
		total.Add(int64(hits))
	})
	reportRate(b, int(total.Load()), cpu)
}

// BenchmarkMatchName matches host names (FQDNs), 1% of them at or below a registered
// name, walking each name at its dots.
func BenchmarkMatchName(b *testing.B) {
	bb := bench()
	snap := bb.ix.Snapshot()
	dst := make([]match.Hit, 0, 64)
	hits := 0
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		dst = snap.Match(event.Subject{FQDN: bb.names[i&(len(bb.names)-1)]}, dst[:0])
		hits += len(dst)
	}
	reportRate(b, hits, cpu)
}

// BenchmarkNaiveLinearScan matches the same addresses by looking at every one of the
// million assets: what the index saves.
func BenchmarkNaiveLinearScan(b *testing.B) {
	bb := bench()
	ref := newNaive(bb.entries)
	var dst []match.Hit
	hits := 0
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		dst = ref.match(event.Subject{IP: bb.addrs[i&(len(bb.addrs)-1)]}, dst[:0])
		hits += len(dst)
	}
	reportRate(b, hits, cpu)
}

// BenchmarkBuild indexes a million entries.
func BenchmarkBuild(b *testing.B) {
	entries := bench().entries
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := match.NewIndex(entries); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
	b.ReportMetric(float64(len(entries)*b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkApply replaces one entry and removes another in a million: the cost of
// keeping the index current, per batch of two changes.
func BenchmarkApply(b *testing.B) {
	bb := bench()
	ix, err := match.NewIndex(bb.entries)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e := bb.entries[(i*7919)%len(bb.entries)]
		gone := bb.entries[(i*104729)%len(bb.entries)].AssetID
		if err := ix.Apply([]match.Entry{e}, []int64{gone}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemory reports the heap the index holds: per prefix for a million IP
// addresses and prefixes (B/prefix), and per entry for the mixed set (B/entry).
func BenchmarkMemory(b *testing.B) {
	ipOnly := matchtest.DefaultMix()
	ipOnly.Domains, ipOnly.Email, ipOnly.ASNs = 0, 0, 0
	for b.Loop() {
		b.ReportMetric(indexBytes(b, func() []match.Entry { return matchtest.GenerateMix(benchSize, 1, ipOnly) }), "B/prefix")
		b.ReportMetric(indexBytes(b, func() []match.Entry { return matchtest.Generate(benchSize, 1) }), "B/entry")
	}
}

// indexBytes returns the heap an index of generated entries holds, per entry. The
// index copies what it needs, so once it is built the entries are garbage: the heap
// is measured before they exist and after they are gone.
func indexBytes(b *testing.B, generate func() []match.Entry) float64 {
	before := liveHeap()
	entries := generate()
	n := len(entries)
	ix, err := match.NewIndex(entries)
	if err != nil {
		b.Fatal(err)
	}
	entries = nil
	after := liveHeap()
	runtime.KeepAlive(ix)
	return float64(after-before) / float64(n)
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
