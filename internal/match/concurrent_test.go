package match_test

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/match/matchtest"
)

// TestConcurrentApply matches from several goroutines while another keeps changing
// the index (run it with -race), in small batches and now and then in one large
// enough to rebuild it. A second owner of 10.1.0.0/16 comes and goes: every reader
// must see the registry with or without it, never anything in between.
func TestConcurrentApply(t *testing.T) {
	t.Parallel()
	entries := append(fixture(t), matchtest.Generate(2000, 3)...)
	for i := range entries[len(fixture(t)):] {
		entries[len(fixture(t))+i].AssetID += 1000
	}
	ix, err := match.NewIndex(entries)
	if err != nil {
		t.Fatal(err)
	}
	subj := event.Subject{IP: netip.MustParseAddr("10.1.200.1"), FQDN: "www.example.nl"}
	alone := want("2:prefix:16", "1:prefix:8", "14:domain:3", "13:subdomain:2")
	shared := want("2:prefix:16", "40:prefix:16", "1:prefix:8", "14:domain:3", "13:subdomain:2")
	churn := matchtest.Generate(1500, 4)
	for i := range churn {
		churn[i].AssetID += 10_000
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			dst := make([]match.Hit, 0, 16)
			for !stop.Load() {
				dst = ix.Match(subj, dst[:0])
				if g := got(dst); g != alone && g != shared {
					t.Errorf("reader saw %s", g)
					return
				}
			}
		})
	}
	second := entry(t, 40, 40, "10.1.0.0/16", "")
	for i := range 300 {
		var err error
		switch {
		case i%100 == 50:
			err = ix.Apply(churn, nil) // more than an eighth: rebuilt
		case i%2 == 0:
			err = ix.Apply([]match.Entry{second, churn[i]}, []int64{churn[(i+200)%400].AssetID})
		default:
			err = ix.Apply(nil, []int64{40})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
}
