package bench

import (
	"bytes"
	"context"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"

	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/match/matchtest"
	"github.com/baken-cert/baken/internal/store/storetest"
)

func TestRegistryCSVImportsCleanly(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	fig, err := RunImport(context.Background(), s, t.TempDir(), 50, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if fig.SecondAdded != 0 {
		t.Fatalf("second import added %d", fig.SecondAdded)
	}
}

func TestIngestFindsOnePercent(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	fig, err := RunIngest(context.Background(), s, t.TempDir(), 100, 10000, 20000)
	if err != nil {
		t.Fatal(err)
	}
	// 1% of 20,000 rows name a registered /24; a few may repeat an observation.
	if fig.Rows != 20000 || fig.Events < 150 || fig.Events > 250 || fig.Organisations == 0 {
		t.Fatalf("figures %+v", fig)
	}
}

func TestParseMatchSplitsWithoutLosingRows(t *testing.T) {
	entries := matchtest.Generate(10000, 1)
	ix, err := match.NewIndex(entries)
	if err != nil {
		t.Fatal(err)
	}
	report := ScanSMBSampled(5000, matchtest.NewSampler(entries, 2))
	r1, m1, _, err := ParseMatch(report, ix, 1)
	if err != nil {
		t.Fatal(err)
	}
	r2, m2, _, err := ParseMatch(report, ix, 3)
	if err != nil || r1 != 5000 || r2 != r1 || m2 != m1 || m1 == 0 {
		t.Fatalf("one worker: %d rows %d matched; three: %d, %d (%v)", r1, m1, r2, m2, err)
	}
	if n := bytes.Count(report, []byte("\n")); n != 5001 {
		t.Fatalf("report has %d lines", n)
	}
}

// BenchmarkParseMatch parses Shadowserver rows and matches them against 1,000,000
// registered assets, on one core and on all of them.
func BenchmarkParseMatch(b *testing.B) {
	entries := matchtest.Generate(1_000_000, 1)
	ix, err := match.NewIndex(entries)
	if err != nil {
		b.Fatal(err)
	}
	report := ScanSMBSampled(1_000_000, matchtest.NewSampler(entries, 2))
	for _, workers := range []int{1, runtime.NumCPU()} {
		b.Run(map[bool]string{true: "one-core", false: "all-cores"}[workers == 1], func(b *testing.B) {
			var rows int
			b.SetBytes(int64(len(report)))
			for b.Loop() {
				r, _, _, err := ParseMatch(report, ix, workers)
				if err != nil {
					b.Fatal(err)
				}
				rows += r
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func TestNotifyReachesEveryOrganisation(t *testing.T) {
	fig, err := RunNotify(context.Background(), t.TempDir(), 50)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Mails != 50 {
		t.Fatalf("figures %+v: want 50 mails", fig)
	}
}

// BenchmarkSaveEvents stores batches of 2,000 new events with one match each, as an
// ingestion does, on each engine.
func BenchmarkSaveEvents(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, engine)
			f, err := s.PutFeed(ctx, store.Feed{Name: "shadowserver", Format: "shadowserver"})
			if err != nil {
				b.Fatal(err)
			}
			id, err := s.StartIngestion(ctx, f.ID, "bench.csv", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			const batch = 2000
			n := 0
			for b.Loop() {
				events := make([]store.EventInput, batch)
				for i := range events {
					e := &event.Event{FeedName: "shadowserver", TimeSource: time.Unix(int64(n), 0).UTC(), TLP: "AMBER",
						Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}}
					e.Source.IP = netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
					e.Source.Port = 445
					e.Set("extra.tag", "smb")
					events[i] = store.EventInput{Event: e, Matches: []store.MatchInput{{How: "network-owner", FallbackContact: "abuse@isp.example"}}}
					n++
				}
				if _, err := s.SaveEvents(ctx, id, events, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
		})
	}
}

// BenchmarkNotify ingests an incident naming one address of each of 2,000
// organisations and runs the jobs and the outbox until a loopback SMTP server accepted
// every message (`baken bench --incident` does 10,000).
func BenchmarkNotify(b *testing.B) {
	var mails int
	var took time.Duration
	for b.Loop() {
		fig, err := RunNotify(context.Background(), b.TempDir(), 2000)
		if err != nil {
			b.Fatal(err)
		}
		mails, took = mails+fig.Mails, took+fig.Deliver
	}
	b.ReportMetric(float64(mails)/took.Seconds(), "mails/s")
}
