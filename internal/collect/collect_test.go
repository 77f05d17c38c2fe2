package collect

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/ingest"
	"github.com/baken-cert/baken/internal/job"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// bundle is a collection service over a fresh store, with the real ingestion behind it
// and a job runner, on a clock the test moves.
type bundle struct {
	t      *testing.T
	store  store.Store
	svc    *Service
	jobs   *job.Runner
	mu     sync.Mutex
	clock  time.Time
	alerts []string
}

const registryCSV = "organisation,org_ref,asset\nCustomer,cust,192.0.2.0/24\n"

func setup(t *testing.T, engine string) *bundle {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, engine)
	if rep, err := registry.New(s).Import(ctx, strings.NewReader(registryCSV), registry.ImportOptions{Format: registry.CSV}); err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("registry: %+v %v", rep, err)
	}
	log := slog.New(slog.DiscardHandler)
	m := ingest.NewMatcher(s, log, func(context.Context, store.Store) (ingest.Fallback, error) { return nil, nil })
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	b := &bundle{t: t, store: s, clock: time.Date(2026, 4, 2, 7, 5, 0, 0, time.UTC)}
	b.svc = New(s, ingest.New(s, m, ingest.NewParsers(), log), log, Options{AllowPrivate: true,
		Alert: func(_ context.Context, subject, _ string) error {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.alerts = append(b.alerts, subject)
			return nil
		}})
	b.svc.now = b.now
	b.jobs = job.New(s, log, nil, job.Options{})
	b.svc.Register(b.jobs)
	return b
}

func (b *bundle) now() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.clock
}

func (b *bundle) advance(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clock = b.clock.Add(d)
}

// feed saves a feed with a collector.
func (b *bundle) feed(name, format string, options string, cfg Config) store.Feed {
	b.t.Helper()
	raw, err := json.Marshal(cfg)
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := Parse(raw); err != nil {
		b.t.Fatalf("config %s: %v", raw, err)
	}
	f, err := b.store.PutFeed(context.Background(), store.Feed{Name: name, Format: format, Kind: "incidental", TLP: "AMBER",
		Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "test"}, Options: []byte(options), Collect: raw})
	if err != nil {
		b.t.Fatal(err)
	}
	return f
}

// tick schedules the current period's runs and runs every due job.
func (b *bundle) tick() {
	b.t.Helper()
	ctx := context.Background()
	if err := b.svc.ScheduleJob(ctx, store.Job{}); err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.jobs.RunUntilIdle(ctx); err != nil {
		b.t.Fatal(err)
	}
}

func (b *bundle) files(feed store.Feed) []store.CollectedFile {
	b.t.Helper()
	files, err := b.store.CollectedFiles(context.Background(), store.CollectedFileFilter{FeedID: feed.ID})
	if err != nil {
		b.t.Fatal(err)
	}
	return files
}

func (b *bundle) events() int {
	n, err := b.store.EventCount(context.Background())
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

func (b *bundle) state(feed store.Feed) store.CollectorState {
	st, err := b.store.CollectorState(context.Background(), feed.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	return st
}

// csvOptions map the test CSV's columns.
const csvOptions = `{"columns": {"source.ip": "ip"}}`

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
