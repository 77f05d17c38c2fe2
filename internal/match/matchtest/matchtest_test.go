package matchtest_test

import (
	"slices"
	"testing"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/match/matchtest"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	const n = 20_000
	entries := matchtest.Generate(n, 5)
	if len(entries) != n {
		t.Fatalf("%d entries, want %d", len(entries), n)
	}
	if !slices.Equal(entries, matchtest.Generate(n, 5)) {
		t.Error("the same seed gives other entries")
	}
	if slices.Equal(entries, matchtest.Generate(n, 6)) {
		t.Error("another seed gives the same entries")
	}
	kinds := map[asset.Kind]int{}
	for i, e := range entries {
		kinds[e.Asset.Kind]++
		if e.AssetID != int64(i+1) {
			t.Fatalf("entry %d has asset ID %d", i, e.AssetID)
		}
		if a, err := asset.Parse(e.Asset.Value); err != nil || a != e.Asset {
			t.Fatalf("entry %d: %v is not canonical (%v, %v)", i, e.Asset, a, err)
		}
	}
	for _, k := range asset.AllKinds() {
		if kinds[k] == 0 {
			t.Errorf("no %s in %v", k, kinds)
		}
	}
	if ip4 := kinds[asset.IPv4] + kinds[asset.IPv4Prefix]; ip4 < n*7/10 {
		t.Errorf("%d IPv4 assets, want about 78%% of %d", ip4, n)
	}
}

func TestSampler(t *testing.T) {
	t.Parallel()
	entries := matchtest.Generate(20_000, 5)
	ix, err := match.NewIndex(entries)
	if err != nil {
		t.Fatal(err)
	}
	s := matchtest.NewSampler(entries, 1)
	const draws = 50_000
	for _, rate := range []float64{0, matchtest.HitRate, 1} {
		ipHits, nameHits := 0, 0
		for range draws {
			if len(ix.Match(event.Subject{IP: s.Addr(rate)}, nil)) > 0 {
				ipHits++
			}
			if len(ix.Match(event.Subject{FQDN: s.Name(rate)}, nil)) > 0 {
				nameHits++
			}
		}
		lo, hi := int(draws*rate*0.7), int(draws*rate*1.3)
		if ipHits < lo || ipHits > hi || nameHits < lo || nameHits > hi {
			t.Errorf("rate %v: %d IP and %d name hits in %d, want %d to %d", rate, ipHits, nameHits, draws, lo, hi)
		}
	}
}
