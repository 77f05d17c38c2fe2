package match_test

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/match/matchtest"
)

func TestApply(t *testing.T) {
	t.Parallel()
	at := event.Subject{IP: netip.MustParseAddr("10.1.2.200")}
	name := event.Subject{FQDN: "www.example.nl"}
	tests := []struct {
		name   string
		add    func(t testing.TB) []match.Entry
		remove []int64
		subj   event.Subject
		want   string
	}{
		{"remove one co-owner of a prefix", nil, []int64{3}, at,
			want("6:prefix:25", "4:prefix:24", "2:prefix:16", "1:prefix:8")},
		{"remove both co-owners", nil, []int64{3, 4}, at,
			want("6:prefix:25", "2:prefix:16", "1:prefix:8")},
		{"remove and re-add", func(t testing.TB) []match.Entry { return []match.Entry{entry(t, 3, 3, "10.1.2.0/24", "")} },
			[]int64{3}, at, want("6:prefix:25", "3:prefix:24", "4:prefix:24", "2:prefix:16", "1:prefix:8")},
		{"replace an asset by ID", func(t testing.TB) []match.Entry { return []match.Entry{entry(t, 6, 6, "10.9.0.0/16", "")} },
			nil, at, want("3:prefix:24", "4:prefix:24", "2:prefix:16", "1:prefix:8")},
		{"add a third owner", func(t testing.TB) []match.Entry { return []match.Entry{entry(t, 30, 30, "10.1.2.0/24", "")} },
			nil, at, want("6:prefix:25", "3:prefix:24", "4:prefix:24", "30:prefix:24", "2:prefix:16", "1:prefix:8")},
		{"remove a domain tree", nil, []int64{13}, name, want("14:domain:3")},
		{"add an exact domain owner", func(t testing.TB) []match.Entry { return []match.Entry{entry(t, 31, 31, "www.example.nl", "")} },
			nil, name, want("14:domain:3", "31:domain:3", "13:subdomain:2")},
		{"remove unknown IDs", nil, []int64{999, -1}, at,
			want("6:prefix:25", "3:prefix:24", "4:prefix:24", "2:prefix:16", "1:prefix:8")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix := setup(t)
			before := ix.Snapshot()
			old := got(before.Match(tt.subj, nil))
			var add []match.Entry
			if tt.add != nil {
				add = tt.add(t)
			}
			if err := ix.Apply(add, tt.remove); err != nil {
				t.Fatal(err)
			}
			if g := got(ix.Match(tt.subj, nil)); g != tt.want {
				t.Errorf("after Apply got %s\nwant %s", g, tt.want)
			}
			if g := got(before.Match(tt.subj, nil)); g != old {
				t.Errorf("the earlier snapshot changed: got %s, had %s", g, old)
			}
		})
	}
}

// TestChainRemoval removes each owner of a shared asset in turn, from every position
// in the chain, and checks the others and an older snapshot.
func TestChainRemoval(t *testing.T) {
	t.Parallel()
	subj := event.Subject{IP: netip.MustParseAddr("192.0.2.9"), FQDN: "example.org", ASN: 65000}
	for _, value := range []string{"192.0.2.0/24", "192.0.2.9", "example.org", "*.example.org", "AS65000"} {
		for victim := int64(1); victim <= 4; victim++ {
			var entries []match.Entry
			for id := int64(1); id <= 4; id++ {
				entries = append(entries, entry(t, id, id, value, ""))
			}
			ix, err := match.NewIndex(entries)
			if err != nil {
				t.Fatal(err)
			}
			before := ix.Snapshot()
			ix.Remove(victim)
			var ids []int64
			for _, h := range ix.Match(subj, nil) {
				ids = append(ids, h.AssetID)
			}
			slices.Sort(ids)
			wantIDs := slices.DeleteFunc([]int64{1, 2, 3, 4}, func(id int64) bool { return id == victim })
			if !slices.Equal(ids, wantIDs) {
				t.Errorf("%s without %d: got %v, want %v", value, victim, ids, wantIDs)
			}
			if n := len(before.Match(subj, nil)); n != 4 {
				t.Errorf("%s: earlier snapshot has %d hits, want 4", value, n)
			}
		}
	}
}

// TestAgainstNaive changes a generated registry at random, in small batches (edited
// copy-on-write), large ones (rebuilt) and thousands of single changes (which leave
// garbage that forces a rebuild), and compares every match with a linear scan.
func TestAgainstNaive(t *testing.T) {
	t.Parallel()
	const n = 20_000
	all := matchtest.Generate(2*n, 7)
	live := map[int64]match.Entry{}
	for _, e := range all[:n] {
		live[e.AssetID] = e
	}
	ix, err := match.NewIndex(all[:n])
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	check := func(round int) {
		entries := make([]match.Entry, 0, len(live))
		for _, e := range live {
			entries = append(entries, e)
		}
		ref := newNaive(entries)
		sampler := matchtest.NewSampler(entries, int64(round))
		for range 300 {
			s := event.Subject{IP: sampler.Addr(0.5), FQDN: sampler.Name(0.5), URLHost: sampler.Name(0.3),
				EmailDomain: sampler.Name(0.2), ASN: uint32(1 + r.IntN(400000))}
			if g, w := got(ix.Match(s, nil)), got(ref.match(s, nil)); g != w {
				t.Fatalf("round %d, %+v:\nindex %s\nnaive %s", round, s, g, w)
			}
		}
		if ix.Len() != len(live) {
			t.Fatalf("round %d: Len %d, want %d", round, ix.Len(), len(live))
		}
	}
	check(0)
	for round := 1; round <= 12; round++ {
		size := 1 + r.IntN(300)
		switch round % 4 {
		case 0:
			size = 5000 // more than an eighth of the index: rebuilt
		case 2:
			size = 6000 // one by one
		}
		var add []match.Entry
		var remove []int64
		for range size {
			e := all[r.IntN(len(all))]
			switch r.IntN(3) {
			case 0:
				remove = append(remove, e.AssetID)
				delete(live, e.AssetID)
			case 1: // another organisation, another verification, maybe another asset
				e.OrgID = 1 + r.Int64N(100)
				e.Verification = asset.AnalystApproved
				if r.IntN(2) == 0 {
					e.Asset = all[r.IntN(len(all))].Asset
				}
				fallthrough
			default:
				add = append(add, e)
			}
		}
		for _, e := range add { // adds come after removes: a re-added ID is present
			live[e.AssetID] = e
		}
		if round%4 == 2 {
			for _, id := range remove {
				ix.Remove(id)
			}
			for _, e := range add {
				if err := ix.Add(e); err != nil {
					t.Fatal(err)
				}
			}
		} else if err := ix.Apply(add, remove); err != nil {
			t.Fatal(err)
		}
		check(round)
	}
}

func TestEmptyIndex(t *testing.T) {
	t.Parallel()
	ix, err := match.NewIndex(nil)
	if err != nil {
		t.Fatal(err)
	}
	subj := event.Subject{IP: netip.MustParseAddr("192.0.2.1"), FQDN: "example.nl"}
	if hits := ix.Match(subj, nil); len(hits) != 0 {
		t.Errorf("empty index: %s", got(hits))
	}
	if err := ix.Add(entry(t, 1, 1, "192.0.2.0/24", ""), entry(t, 2, 2, "*.example.nl", "")); err != nil {
		t.Fatal(err)
	}
	if g, w := got(ix.Match(subj, nil)), want("1:prefix:24", "2:subdomain:2"); g != w {
		t.Errorf("got %s, want %s", g, w)
	}
}
