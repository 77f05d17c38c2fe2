package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// fakeOwners is a network-owner fallback for one network.
type fakeOwners struct{ net netip.Prefix }

func (f fakeOwners) Owner(s event.Subject) (Owner, bool) {
	if f.net.Contains(s.IP) {
		return Owner{Network: f.net.String(), AbuseMailbox: "abuse@isp.example"}, true
	}
	return Owner{}, false
}

type bundle struct {
	store store.Store
	svc   *Service
	feed  store.Feed
}

// setup registers the CSV registry rows, and a Shadowserver feed.
func setup(t *testing.T, s store.Store, registryCSV string) *bundle {
	ctx := context.Background()
	if registryCSV != "" {
		rep, err := registry.New(s).Import(ctx, strings.NewReader(registryCSV), registry.ImportOptions{Format: registry.CSV})
		if err != nil || len(rep.Rejected) > 0 {
			t.Fatalf("registry: %+v %v", rep, err)
		}
	}
	log := slog.New(slog.DiscardHandler)
	owners := func(context.Context, store.Store) (Fallback, error) {
		return fakeOwners{netip.MustParsePrefix("198.51.100.0/24")}, nil
	}
	m := NewMatcher(s, log, owners)
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	p := NewParsers()
	f, err := s.PutFeed(ctx, store.Feed{Name: "shadowserver", Provider: "Shadowserver", Format: "shadowserver", Kind: "periodic", TLP: "AMBER"})
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{store: s, svc: New(s, m, p, log), feed: f}
}

func (b *bundle) ingest(t *testing.T, name string, content []byte) Report {
	t.Helper()
	rep, err := b.svc.Ingest(context.Background(), b.feed, name, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

const registryRows = `organisation,org_ref,asset
ISP,isp,192.0.2.0/24
Customer,cust,192.0.2.0/28
Customer,cust,*.customer.example
V6,v6,2001:db8::/32
`

func TestIngestMatchesFallsBackAndDeduplicates(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		b := setup(t, s, registryRows)
		content, err := os.ReadFile("testdata/2026-11-20-scan_smb-nl-asn.csv")
		if err != nil {
			t.Fatal(err)
		}
		rep := b.ingest(t, "2026-11-20-scan_smb-nl-asn.csv", content)
		want := store.Ingestion{Rows: 7, Events: 4, Rejected: 2, MatchedEvents: 3, FallbackEvents: 1, Unmatched: 1, Organisations: 3}
		got := store.Ingestion{Rows: rep.Rows, Events: rep.Events, Rejected: rep.Rejected, MatchedEvents: rep.MatchedEvents,
			FallbackEvents: rep.FallbackEvents, Unmatched: rep.Unmatched, Organisations: rep.Organisations}
		if got != want || rep.ReportType != "scan_smb" {
			t.Fatalf("report %+v\nwant %+v", rep.Ingestion, want)
		}
		if len(rep.Rejects) != 2 || rep.Rejects[0].Line != 6 || !strings.Contains(rep.Rejects[0].Reason, `"999.1.1.1" is not an IP address`) || rep.Rejects[1].Line != 7 {
			t.Fatalf("rejects %+v", rep.Rejects)
		}
		stored, _ := s.Rejects(context.Background(), rep.ID, 0)
		if len(stored) != 2 {
			t.Fatalf("stored rejects %+v", stored)
		}
		// The customer's /28 and the ISP's /24 both match 192.0.2.10; the customer comes first.
		cust, _ := s.Organisation(context.Background(), "cust")
		evs, _ := s.OrgEvents(context.Background(), cust.ID, 10)
		if len(evs) != 1 || evs[0].Data["source.ip"] != "192.0.2.10" || evs[0].Data["classification.identifier"] != "open-smb" ||
			evs[0].Data["feed.name"] != "shadowserver" || evs[0].Data["tlp"] != "AMBER" {
			t.Fatalf("customer's events: %+v", evs)
		}
		isp, _ := s.Organisation(context.Background(), "isp")
		if evs, _ := s.OrgEvents(context.Background(), isp.ID, 10); len(evs) != 2 {
			t.Fatalf("ISP's events: %d, want 2 (192.0.2.10 and .200)", len(evs))
		}

		again := b.ingest(t, "2026-11-20-scan_smb-nl-asn.csv", content)
		if again.Events != 0 || again.Duplicates != 4 {
			t.Fatalf("a second ingestion must add nothing: %+v", again.Ingestion)
		}
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(content)
		w.Close()
		zipped := b.ingest(t, "2026-11-20-scan_smb-nl-asn.csv.gz", gz.Bytes())
		if zipped.Rows != 7 || zipped.Duplicates != 4 || zipped.ReportType != "scan_smb" {
			t.Fatalf("gzip: %+v", zipped.Ingestion)
		}
	})
}

func TestSamplesIngestWithoutRejects(t *testing.T) {
	dir := "../../../shared/reference/shadowserver/samples"
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) == 0 {
		t.Skip("the Shadowserver samples are not beside the repository (../shared)")
	}
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		// Everything is registered, so that every row is converted in full.
		b := setup(t, s, "organisation,asset\nAll,0.0.0.0/0\nAll,::/0\n")
		for _, f := range files {
			content, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rep := b.ingest(t, filepath.Base(f), content)
			if rep.Rejected != 0 || rep.Rows == 0 || rep.MatchedEvents != rep.Rows {
				t.Errorf("%s: %+v %+v", filepath.Base(f), rep.Ingestion, rep.Rejects)
			}
		}
	})
}

func TestSubject(t *testing.T) {
	for in, want := range map[string]event.Subject{
		"192.0.2.1":      {IP: netip.MustParseAddr("192.0.2.1")},
		"AS64496":        {ASN: 64496},
		"www.Example.NL": {FQDN: "www.example.nl"},
		"jan@Example.nl": {EmailDomain: "example.nl"},
		"2001:db8::1":    {IP: netip.MustParseAddr("2001:db8::1")},
		"bücher.example": {FQDN: "xn--bcher-kva.example"},
	} {
		got, err := Subject(in)
		if err != nil || got != want {
			t.Errorf("Subject(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	if _, err := Subject(""); err == nil {
		t.Error("empty: want an error")
	}
}

// TestMatcherSeesOtherProcessesChanges: a second process (another Matcher on the same
// database) picks up assets registered after it loaded, on its next Refresh.
func TestMatcherSeesOtherProcessesChanges(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		other := NewMatcher(s, slog.New(slog.DiscardHandler), nil)
		if err := other.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		subj, _ := Subject("198.51.100.9")
		if hits := other.Match(subj, nil); len(hits) != 0 {
			t.Fatalf("hits before registration: %+v", hits)
		}
		if _, err := registry.New(s).Import(ctx, strings.NewReader("organisation,asset\nNew,198.51.100.0/24\n"), registry.ImportOptions{Format: registry.CSV}); err != nil {
			t.Fatal(err)
		}
		if err := other.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if hits := other.Match(subj, nil); len(hits) != 1 || hits[0].Prefix.String() != "198.51.100.0/24" {
			t.Fatalf("hits after registration: %+v", hits)
		}
		if _, err := registry.New(s).Import(ctx, strings.NewReader("organisation,asset\nNew,203.0.113.0/24\n"), registry.ImportOptions{Format: registry.CSV, Replace: true}); err != nil {
			t.Fatal(err)
		}
		other.Refresh(ctx)
		if hits := other.Match(subj, nil); len(hits) != 0 {
			t.Fatalf("a removed asset still matches: %+v", hits)
		}
	})
}

// TestMatcherLoadsTheStoredAssetIndex checks that a second process loads the index the
// first stored, matches as the first, and reads the rows again once the registry changed.
func TestMatcherLoadsTheStoredAssetIndex(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		setup(t, s, registryRows)
		v, data, err := s.AssetIndex(ctx)
		if err != nil {
			t.Fatalf("the first load must store the asset index: %v", err)
		}
		entries, err := decodeEntries(data)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := NewMatcher(s, slog.New(slog.DiscardHandler), nil).assetEntries(ctx)
		if err != nil || !slices.Equal(entries, rows) || len(rows) != 4 {
			t.Fatalf("stored index %+v\nrows %+v (%v)", entries, rows, err)
		}
		// A mark in the stored index shows which one the next process read.
		entries[0].Asset.Value = "203.0.113.0/24"
		if err := s.PutAssetIndex(ctx, v, encodeEntries(entries)); err != nil {
			t.Fatal(err)
		}
		second := NewMatcher(s, slog.New(slog.DiscardHandler), nil)
		if err := second.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		subj, _ := Subject("203.0.113.1")
		if hits := second.Match(subj, nil); len(hits) != 1 {
			t.Fatalf("the stored index was not loaded: %+v", hits)
		}
		if _, err := registry.New(s).Import(ctx, strings.NewReader("organisation,org_ref,asset\nNew,new,198.18.0.0/24\n"), registry.ImportOptions{Format: registry.CSV}); err != nil {
			t.Fatal(err)
		}
		if err := second.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if hits := second.Match(subj, nil); len(hits) != 0 {
			t.Fatalf("an index of an older registry version was loaded: %+v", hits)
		}
		subj, _ = Subject("198.18.0.1")
		if hits := second.Match(subj, nil); len(hits) != 1 {
			t.Fatalf("the new asset does not match: %+v", hits)
		}
	})
}

func TestAssetIndexForm(t *testing.T) {
	entries := []match.Entry{
		{OrgID: 7, AssetID: 3, Verification: asset.Unverified, Asset: asset.Asset{Kind: asset.IPv4Prefix, Value: "192.0.2.0/24"}},
		{OrgID: 1 << 40, AssetID: 1 << 50, Verification: asset.DNSVerified, Asset: asset.Asset{Kind: asset.DomainTree, Value: "*.example.nl"}},
		{OrgID: 7, AssetID: 9, Verification: asset.Unverified, Asset: asset.Asset{Kind: asset.EmailDomain, Value: ""}},
	}
	data := encodeEntries(entries)
	got, err := decodeEntries(data)
	if err != nil || !slices.Equal(got, entries) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if got, err := decodeEntries(encodeEntries(nil)); err != nil || len(got) != 0 {
		t.Fatalf("empty: %+v, %v", got, err)
	}
	for n := range len(data) {
		if _, err := decodeEntries(data[:n]); err == nil {
			t.Fatalf("a cut of %d bytes decodes", n)
		}
	}
}

// TestEveryFormat ingests the sample files of each parser through a feed of its format,
// with everything registered, and checks what arrives.
func TestEveryFormat(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		b := setup(t, s, "organisation,asset\nAll,0.0.0.0/0\nAll,::/0\nNL,*.example.nl\nNL,@example.nl\n")
		cases := []struct {
			feed      store.Feed
			file      string
			minEvents int
		}{
			{store.Feed{Name: "c2", Format: "csv", Options: []byte(`{"columns":{"source.ip":"ip","time.source":"first_seen","source.port":"port","source.fqdn":"host"}}`),
				Classification: event.Classification{Taxonomy: "malicious-code", Type: "c2-server"}}, "../feed/csvfeed/testdata/c2-servers.csv", 3},
			{store.Feed{Name: "intelmq", Format: "intelmq"}, "../feed/intelmq/testdata/events.jsonl", 2},
			{store.Feed{Name: "stix", Format: "stix"}, "../feed/stix/testdata/bundle.json", 5},
			{store.Feed{Name: "leak", Format: "credentials", Kind: "incidental"}, "../feed/credentials/testdata/combolist.txt", 2},
		}
		for _, c := range cases {
			if err := b.svc.Parsers().CheckFeed(&c.feed); err != nil {
				t.Fatal(err)
			}
			f, err := s.PutFeed(ctx, c.feed)
			if err != nil {
				t.Fatal(err)
			}
			content, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := b.svc.Ingest(ctx, f, filepath.Base(c.file), bytes.NewReader(content))
			if err != nil {
				t.Fatalf("%s: %v", c.feed.Name, err)
			}
			if rep.Events < c.minEvents || rep.Rejected == 0 {
				t.Errorf("%s: %+v; want at least %d events and the sample's bad rows rejected", c.feed.Name, rep.Ingestion, c.minEvents)
			}
		}
		// Passwords of leaked credentials never reach the database.
		nl, _ := s.Organisation(ctx, "NL")
		evs, _ := s.OrgEvents(ctx, nl.ID, 100)
		var accounts int
		for _, e := range evs {
			for k, v := range e.Data {
				if strings.Contains(v, "Winter2024") || strings.Contains(v, "hunter2") || strings.Contains(v, "p@ss") {
					t.Fatalf("a password reached the database in %s: %q", k, v)
				}
			}
			if e.Data["source.account"] != "" {
				accounts++
			}
		}
		if accounts < 2 {
			t.Fatalf("leaked accounts of example.nl: %d, want at least 2 (%+v)", accounts, evs)
		}
	})
}

// TestClaimsMatchOnlyOnceProven: what an organisation registers itself (a domain, an
// e-mail domain, a range) matches nothing until it is proven, by DNS or an analyst, and
// stops matching when its proof lapses; what the CERT imported matches at once.
func TestClaimsMatchOnlyOnceProven(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		reg := registry.New(s)
		if _, err := reg.Import(ctx, strings.NewReader("organisation,org_ref,asset\nAlpha,a,imported.example\n"),
			registry.ImportOptions{Format: registry.CSV, Source: "members.csv"}); err != nil {
			t.Fatal(err)
		}
		org, _ := s.Organisation(ctx, "a")
		rep, err := reg.Claim(ctx, strings.NewReader("asset\ngmail.com\n@gmail.com\n93.184.216.0/24\n*.alpha.example\n"),
			registry.Claim{Org: org, Actor: "admin@alpha.example", Format: registry.CSV})
		if err != nil || rep.AssetsAdded != 4 || len(rep.Rejected) != 0 {
			t.Fatalf("claiming: %+v, %v", rep, err)
		}
		m := NewMatcher(s, slog.New(slog.DiscardHandler), nil)
		matches := func() []string {
			t.Helper()
			if err := m.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range []string{"imported.example", "gmail.com", "stranger@gmail.com", "93.184.216.7", "www.alpha.example"} {
				subj, _ := Subject(v)
				if len(m.Match(subj, nil)) > 0 {
					got = append(got, v)
				}
			}
			return got
		}
		if got := matches(); !slices.Equal(got, []string{"imported.example"}) {
			t.Fatalf("before any proof, matched %v; want only what the CERT imported", got)
		}

		// The DNS token proves alpha.example (and its tree); an analyst approves the range.
		now := time.Now()
		check := store.Challenge{OrgID: org.ID, Domain: "alpha.example", State: store.ChallengeVerified, CheckedAt: now}
		if _, err := s.Challenge(ctx, org.ID, "alpha.example", "token", now); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordCheck(ctx, check, store.AuditEntry{At: now, OrgID: org.ID, Action: "domain.check"}); err != nil {
			t.Fatal(err)
		}
		analyst := store.User{ID: 1, Email: "analyst@cert.example", Role: store.RoleAnalyst}
		if n, err := reg.Decide(ctx, analyst, store.PendingDecision{OrgID: org.ID, Kind: asset.IPv4Prefix, Approve: true}, "all ranges"); err != nil || n != 1 {
			t.Fatalf("approving the range: %d, %v", n, err)
		}
		if got := matches(); !slices.Equal(got, []string{"imported.example", "93.184.216.7", "www.alpha.example"}) {
			t.Fatalf("after proof, matched %v; want the proven domain tree and range too, not gmail.com", got)
		}
		if _, err := reg.Decide(ctx, store.User{Role: store.RoleOrgAdmin, OrgID: org.ID}, store.PendingDecision{OrgID: org.ID, Approve: true}, "all"); !errors.Is(err, registry.ErrNotAnalyst) {
			t.Fatalf("an organisation approving its own claims: %v", err)
		}

		// The token is gone: the domain tree stops matching, the range does not.
		check.State = store.ChallengeLapsed
		if err := s.RecordCheck(ctx, check, store.AuditEntry{At: now, OrgID: org.ID, Action: "domain.check"}); err != nil {
			t.Fatal(err)
		}
		if got := matches(); !slices.Equal(got, []string{"imported.example", "93.184.216.7"}) {
			t.Fatalf("after the proof lapsed, matched %v", got)
		}
	})
}
