package storetest

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"
)

func TestFeeds(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		f, err := s.PutFeed(ctx, store.Feed{Name: "shadowserver", Provider: "Shadowserver", Format: "shadowserver", Kind: "periodic", TLP: "AMBER"})
		if err != nil || f.ID == 0 {
			t.Fatalf("put: %+v, %v", f, err)
		}
		f2, err := s.PutFeed(ctx, store.Feed{Name: "shadowserver", Provider: "SS", Format: "shadowserver", Kind: "incidental", TLP: "RED",
			Options: []byte(`{"report_type":"scan_smb"}`)})
		if err != nil || f2.ID != f.ID || f2.Kind != "incidental" || !sameJSON(f2.Options, `{"report_type":"scan_smb"}`) {
			t.Fatalf("update: %+v, %v", f2, err)
		}
		got, err := s.Feed(ctx, "shadowserver")
		if err != nil || got.Provider != "SS" {
			t.Fatalf("get: %+v, %v", got, err)
		}
		if _, err := s.Feed(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown feed: %v", err)
		}
		all, _ := s.Feeds(ctx)
		if len(all) != 1 {
			t.Fatalf("feeds: %+v", all)
		}
	})
}

func testEvent(ip string, port uint16) *event.Event {
	e := &event.Event{FeedName: "f", TimeSource: t0, Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}}
	e.Source.IP = netip.MustParseAddr(ip)
	e.Source.Port = port
	e.Set("extra.tag", "smb")
	return e
}

func TestSaveEvents(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if _, err := importAll(t, s, []store.AssetInput{assetIn("a", "192.0.2.0/24")}, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}}}); err != nil {
			t.Fatal(err)
		}
		org, _ := s.Organisation(ctx, "a")
		assets, _ := s.Assets(ctx, store.AssetFilter{OrgID: org.ID})
		f, _ := s.PutFeed(ctx, store.Feed{Name: "f", Format: "shadowserver"})
		id, err := s.StartIngestion(ctx, f.ID, "scan_smb.csv", t0)
		if err != nil {
			t.Fatal(err)
		}
		in := []store.EventInput{
			{Event: testEvent("192.0.2.7", 445), Matches: []store.MatchInput{{OrgID: org.ID, AssetID: assets[0].ID, How: "prefix", Specificity: 24}}},
			{Event: testEvent("198.51.100.1", 445), Matches: []store.MatchInput{{How: "network-owner", FallbackContact: "abuse@isp.example", FallbackNetwork: "198.51.100.0/24"}}},
			{Event: testEvent("192.0.2.7", 445)}, // the same observation twice in one batch
		}
		res, err := s.SaveEvents(ctx, id, in, t0)
		if err != nil || res.Added != 2 || res.Duplicates != 1 {
			t.Fatalf("save: %+v, %v", res, err)
		}
		res, err = s.SaveEvents(ctx, id, in[:2], t0)
		if err != nil || res.Added != 0 || res.Duplicates != 2 {
			t.Fatalf("save again: %+v, %v", res, err)
		}
		if n, _ := s.EventCount(ctx); n != 2 {
			t.Fatalf("%d events stored", n)
		}
		evs, err := s.OrgEvents(ctx, org.ID, 10)
		if err != nil || len(evs) != 1 || evs[0].Data["source.ip"] != "192.0.2.7" || evs[0].Data["extra.tag"] != "smb" || evs[0].How != "prefix" {
			t.Fatalf("org events: %+v, %v", evs, err)
		}
		if err := s.AddRejects(ctx, id, []store.Reject{{Line: 9, Reason: "bad"}, {Line: 3, Reason: "worse"}}); err != nil {
			t.Fatal(err)
		}
		rej, _ := s.Rejects(ctx, id, 0)
		if len(rej) != 2 || rej[0].Line != 3 {
			t.Fatalf("rejects: %+v", rej)
		}
		fin := store.Ingestion{ID: id, FinishedAt: t0.Add(time.Minute), Rows: 5, Events: 2, Duplicates: 1, Rejected: 2, MatchedEvents: 1, FallbackEvents: 1, Organisations: 1, ReportType: "scan_smb"}
		if err := s.FinishIngestion(ctx, fin, []store.JobInput{{Kind: "notify.decide"}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Ingestion(ctx, id)
		fin.FeedID, fin.FileName, fin.StartedAt = f.ID, "scan_smb.csv", t0
		if err != nil || got != fin {
			t.Fatalf("ingestion: %+v, %v; want %+v", got, err, fin)
		}
		if jobs, _ := s.Jobs(ctx, store.JobFilter{Kind: "notify.decide"}); len(jobs) != 1 {
			t.Fatalf("the decision job must come with the finished ingestion: %+v", jobs)
		}
	})
}

func TestRegistryVersionAndAllAssets(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		v0, err := s.Version(ctx, "registry")
		if err != nil {
			t.Fatal(err)
		}
		c := store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}}}
		importAll(t, s, []store.AssetInput{assetIn("a", "a.example"), assetIn("a", "AS64496")}, c)
		v1, _ := s.Version(ctx, "registry")
		importAll(t, s, []store.AssetInput{assetIn("a", "a.example")}, c)
		v2, _ := s.Version(ctx, "registry")
		if v1 <= v0 || v2 != v1 {
			t.Fatalf("versions %d %d %d: an import that adds must bump, one that changes nothing must not", v0, v1, v2)
		}
		var n int
		if err := s.AllAssets(ctx, func(store.Asset) error { n++; return nil }); err != nil || n != 2 {
			t.Fatalf("all assets: %d, %v", n, err)
		}
	})
}

func TestAssetIndexIsKeptForItsRegistryVersion(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if _, _, err := s.AssetIndex(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before any: %v", err)
		}
		v0, _ := s.Version(ctx, "registry")
		blob := []byte("index\x00\xff of v0")
		if err := s.PutAssetIndex(ctx, v0, blob); err != nil {
			t.Fatal(err)
		}
		if v, data, err := s.AssetIndex(ctx); err != nil || v != v0 || string(data) != string(blob) {
			t.Fatalf("stored: %d %q %v", v, data, err)
		}
		c := store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}}}
		importAll(t, s, []store.AssetInput{assetIn("a", "a.example")}, c)
		// Made before the change, stored after it: must not replace anything.
		if err := s.PutAssetIndex(ctx, v0, []byte("stale")); err != nil {
			t.Fatal(err)
		}
		if v, data, _ := s.AssetIndex(ctx); v != v0 || string(data) != string(blob) {
			t.Fatalf("a stale index was stored: %d %q", v, data)
		}
		v1, _ := s.Version(ctx, "registry")
		if err := s.PutAssetIndex(ctx, v1, []byte("v1")); err != nil {
			t.Fatal(err)
		}
		if v, data, _ := s.AssetIndex(ctx); v != v1 || string(data) != "v1" {
			t.Fatalf("after the change: %d %q", v, data)
		}
	})
}

func TestRIPE(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		nets := []store.RIPENetwork{
			{Prefix: netip.MustParsePrefix("198.51.100.0/24"), Range: "198.51.100.0 - 198.51.100.255", Netname: "ISP-NET", AbuseMailbox: "abuse@isp.example", AbuseFrom: "inetnum"},
			{Prefix: netip.MustParsePrefix("2001:db8::/32"), Range: "2001:db8::/32", Netname: "ISP6"},
		}
		asns := []store.RIPEASN{{Number: 64496, Name: "ISP-AS", AbuseMailbox: "abuse@isp.example"}}
		v0, _ := s.Version(ctx, "ripe")
		for range 2 { // replacing twice keeps one copy
			if err := s.ReplaceRIPE(ctx, slices.Values(nets), asns); err != nil {
				t.Fatal(err)
			}
		}
		var gotNets []store.RIPENetwork
		var gotASNs []store.RIPEASN
		err := s.RIPE(ctx, func(n store.RIPENetwork) error { gotNets = append(gotNets, n); return nil },
			func(a store.RIPEASN) error { gotASNs = append(gotASNs, a); return nil })
		if err != nil || len(gotNets) != 2 || len(gotASNs) != 1 || gotASNs[0] != asns[0] {
			t.Fatalf("ripe: %+v %+v %v", gotNets, gotASNs, err)
		}
		if v1, _ := s.Version(ctx, "ripe"); v1 != v0+2 {
			t.Fatalf("ripe version %d after two replacements of %d", v1, v0)
		}
	})
}

// TestReadAgainAfterADeadIngestion: the events an ingestion stored before it died are
// taken over by the next ingestion that stores them, and decidable when it finishes
// (not only once the dead one is presumed dead); a finished one keeps its own.
func TestReadAgainAfterADeadIngestion(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if _, err := importAll(t, s, []store.AssetInput{assetIn("a", "192.0.2.0/24")}, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}}}); err != nil {
			t.Fatal(err)
		}
		org, _ := s.Organisation(ctx, "a")
		f, _ := s.PutFeed(ctx, store.Feed{Name: "f", Format: "shadowserver"})
		in := func(ip string) store.EventInput {
			return store.EventInput{Event: testEvent(ip, 445), Matches: []store.MatchInput{{OrgID: org.ID, How: "prefix"}}}
		}
		finished, _ := s.StartIngestion(ctx, f.ID, "old.csv", t0)
		s.SaveEvents(ctx, finished, []store.EventInput{in("192.0.2.1")}, t0)
		s.FinishIngestion(ctx, store.Ingestion{ID: finished, FinishedAt: t0}, nil)
		dead, _ := s.StartIngestion(ctx, f.ID, "scan_smb.csv", t0)
		s.SaveEvents(ctx, dead, []store.EventInput{in("192.0.2.2")}, t0)
		settled := t0.Add(-time.Hour) // nobody is presumed dead yet
		if evs, _ := s.UndecidedEvents(ctx, 10, settled); len(evs) != 1 {
			t.Fatalf("%d undecided events before the file is read again, want the finished one's", len(evs))
		}
		again, _ := s.StartIngestion(ctx, f.ID, "scan_smb.csv", t0)
		res, err := s.SaveEvents(ctx, again, []store.EventInput{in("192.0.2.1"), in("192.0.2.2"), in("192.0.2.3")}, t0)
		if err != nil || res.Added != 1 || res.Duplicates != 2 {
			t.Fatalf("read again: %+v, %v", res, err)
		}
		if evs, _ := s.UndecidedEvents(ctx, 10, settled); len(evs) != 1 {
			t.Fatalf("%d undecided events while the second reading runs, want 1", len(evs))
		}
		s.FinishIngestion(ctx, store.Ingestion{ID: again, FinishedAt: t0}, nil)
		if evs, _ := s.UndecidedEvents(ctx, 10, settled); len(evs) != 3 {
			t.Fatalf("%d undecided events after the second reading, want all 3", len(evs))
		}
	})
}
