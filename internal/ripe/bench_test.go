package ripe

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"strconv"
	"testing"
)

// benchNetworks is the number of inetnums the resolution and lookup benchmarks generate.
const benchNetworks = 1_000_000

// generate calls add with n inetnums (n a multiple of 4) and the organisations and roles
// they name, shaped like RIPE's: per /22 an allocation with an organisation or an abuse-c,
// a /23 assignment with neither, inside it a non-CIDR range with an abuse-c for one block
// in three, and a range of many prefixes with neither. Blocks come in shuffled order, as
// object order in a dump does not follow addresses.
func generate(n int, add func(Object)) {
	const contacts = 5000
	for i := range contacts {
		add(object("role", fmt.Sprintf("Abuse %d", i), "nic-hdl", fmt.Sprintf("AR%d-TEST", i),
			"abuse-mailbox", fmt.Sprintf("abuse@isp%d.example", i)))
		add(object("organisation", fmt.Sprintf("ORG-O%d-TEST", i), "org-name", fmt.Sprintf("ISP %d", i),
			"abuse-c", fmt.Sprintf("AR%d-TEST", i)))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range rng.Perm(n / 4) {
		base := uint32(1)<<24 + uint32(k)<<10 // from 1.0.0.0, a /22 each
		at := func(off uint32) string { return u128{lo: uint64(base + off)}.addr(false).String() }
		name := "NET-" + strconv.Itoa(k)
		top := object("inetnum", at(0)+" - "+at(1023), "netname", name+"-ALLOC", "country", "NL",
			"status", "ALLOCATED PA", "org", fmt.Sprintf("ORG-O%d-TEST", k%contacts))
		if k%2 == 1 {
			top.Attributes = append(top.Attributes, Attribute{"abuse-c", fmt.Sprintf("AR%d-TEST", (k+1)%contacts)})
		}
		add(top)
		add(object("inetnum", at(0)+" - "+at(511), "netname", name+"-A", "country", "NL", "status", "ASSIGNED PA"))
		inner := object("inetnum", at(0)+" - "+at(191), "netname", name+"-A1", "country", "NL", "status", "ASSIGNED PA")
		if k%3 == 0 {
			inner.Attributes = append(inner.Attributes, Attribute{"abuse-c", fmt.Sprintf("AR%d-TEST", (k+2)%contacts)})
		}
		add(inner)
		add(object("inetnum", at(601)+" - "+at(1000), "netname", name+"-B", "country", "NL", "status", "ASSIGNED PA"))
	}
}

func object(kv ...string) Object {
	o := Object{Type: kv[0], Key: kv[1]}
	for i := 0; i < len(kv); i += 2 {
		o.Attributes = append(o.Attributes, Attribute{kv[i], kv[i+1]})
	}
	return o
}

func benchDataset(b *testing.B) *Dataset {
	d := NewDataset()
	generate(benchNetworks, func(o Object) {
		if err := d.Add(o); err != nil {
			b.Fatal(err)
		}
	})
	return d
}

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkNetworks measures resolving a million nested inetnums, and the memory the
// Dataset and the resolved Networks take per network.
func BenchmarkNetworks(b *testing.B) {
	before := heap()
	var d *Dataset
	var ns []Network
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d, ns = benchDataset(b), nil
		dataset := heap()
		b.StartTimer()
		ns = d.Networks()
		b.StopTimer()
		b.ReportMetric(float64(dataset-before)/benchNetworks, "dataset-B/network")
		b.ReportMetric(float64(heap()-dataset)/benchNetworks, "networks-B/network")
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchNetworks, "ns/network")
	runtime.KeepAlive(ns)
}

// BenchmarkLookup measures Index.Lookup over a million nested inetnums, at random
// addresses that are mostly inside them, and reports the index's size and build time.
func BenchmarkLookup(b *testing.B) {
	d := benchDataset(b)
	ns := d.Networks()
	before := heap()
	x := NewIndex(ns, d.ASNs())
	indexBytes := heap() - before
	rng := rand.New(rand.NewPCG(3, 4))
	ips := make([]netip.Addr, 1<<16)
	for i := range ips {
		ips[i] = netip.AddrFrom4([4]byte{byte(1 + rng.IntN(16)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
	}
	found := 0
	for i := 0; b.Loop(); i++ {
		if n, ok := x.Lookup(ips[i&(len(ips)-1)]); ok && n.AbuseMailbox != "" {
			found++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/lookup")
	b.ReportMetric(float64(indexBytes)/benchNetworks, "index-B/network")
	if found == 0 {
		b.Fatal("no lookup found a mailbox")
	}
}

// BenchmarkNewIndex measures building the Index from a million resolved networks.
func BenchmarkNewIndex(b *testing.B) {
	d := benchDataset(b)
	ns := d.Networks()
	for b.Loop() {
		NewIndex(ns, nil)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchNetworks, "ns/network")
}

// BenchmarkReadDump measures reading an inetnum dump: parsing and keeping what matters.
func BenchmarkReadDump(b *testing.B) {
	const objects = 100_000
	var buf bytes.Buffer
	buf.WriteString("% RIPE dump header\n%\n\n")
	generate(objects, func(o Object) {
		for _, a := range o.Attributes {
			fmt.Fprintf(&buf, "%-16s%s\n", a.Name+":", a.Value)
		}
		buf.WriteString("mnt-by:         EXAMPLE-MNT\nsource:         RIPE\n\n")
	})
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDataset()
		if err := d.ReadDump(bytes.NewReader(data), "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/objects, "ns/object")
}
