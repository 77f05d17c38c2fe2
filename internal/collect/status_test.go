package collect

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/baken-cert/baken/internal/store"
)

// TestFailedIngestionRetriedShownRerun: a file that cannot be read is tried again until
// the last attempt, then shown as failed with its error; an analyst's re-run ingests it
// again once the feed is fixed.
func TestFailedIngestionRetriedShownRerun(t *testing.T) {
	b := setup(t, "sqlite")
	ctx := context.Background()
	dir := t.TempDir()
	f := b.feed("drop", "csv", `{"columns": {"source.ip": "address"}}`, Config{Every: Duration(time.Minute), Dir: &DirConfig{Path: dir}})
	writeFile(t, filepath.Join(dir, "a.csv"), "ip\n192.0.2.1\n")
	os.Chtimes(filepath.Join(dir, "a.csv"), b.now().Add(-time.Hour), b.now().Add(-time.Hour))
	b.tick()
	files := b.files(f)
	if len(files) != 1 || files[0].State != store.FilePending || !strings.Contains(files[0].LastError, "address") {
		t.Fatalf("after the first attempt: %+v", files)
	}
	// The last attempt: the file is failed.
	c := files[0]
	if err := b.svc.IngestJob(ctx, store.Job{Args: []byte(`{"file_id":` + strconv.FormatInt(c.ID, 10) + `}`), Attempt: ingestAttempts, MaxAttempts: ingestAttempts}); err == nil {
		t.Fatal("the last attempt succeeded")
	}
	if files = b.files(f); files[0].State != store.FileFailed || files[0].Attempts != 2 {
		t.Fatalf("after the last attempt: %+v", files[0])
	}
	st, err := b.svc.Status(ctx)
	if err != nil || len(st) != 1 || st[0].Failed != 1 {
		t.Fatalf("status %+v, %v", st, err)
	}

	// The analyst fixes the mapping and re-runs the file.
	f.Options = []byte(csvOptions)
	if _, err := b.store.PutFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Rerun(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.jobs.RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if files = b.files(f); files[0].State != store.FileIngested || files[0].LastError != "" || b.events() != 1 {
		t.Errorf("after the re-run: %+v, %d events", files[0], b.events())
	}
}

// TestStatusSilentAndMetrics: status shows the last files with their rows and rejected
// rows, the next run and errors; a feed silent for longer than expect_within is flagged,
// in /metrics, and the analysts are told once per silence.
func TestStatusSilentAndMetrics(t *testing.T) {
	b := setup(t, "sqlite")
	ctx := context.Background()
	dir := t.TempDir()
	b.feed("drop", "csv", csvOptions, Config{Daily: "06:00", ExpectWithin: Duration(36 * time.Hour), Dir: &DirConfig{Path: dir}})
	writeFile(t, filepath.Join(dir, "a.csv"), "ip\n192.0.2.1\nbad\n")
	os.Chtimes(filepath.Join(dir, "a.csv"), b.now().Add(-time.Hour), b.now().Add(-time.Hour))
	b.tick()
	st, err := b.svc.Status(ctx)
	if err != nil || len(st) != 1 {
		t.Fatalf("status %+v, %v", st, err)
	}
	s := st[0]
	if s.Feed != "drop" || s.Source != "dir" || s.Silent || s.LastError != "" || len(s.Files) != 1 ||
		s.Files[0].Rows != 2 || s.Files[0].Rejected != 1 || len(s.Files[0].Rejects) != 1 ||
		!s.NextRunAt.Equal(time.Date(2026, 4, 3, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("status %+v", s)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(b.svc.Metrics())
	want := `
# HELP baken_feed_rejected_total Rows of the feed's collected files that were rejected.
# TYPE baken_feed_rejected_total counter
baken_feed_rejected_total{feed="drop"} 1
# HELP baken_feed_rows_total Rows read from the feed's collected files.
# TYPE baken_feed_rows_total counter
baken_feed_rows_total{feed="drop"} 2
# HELP baken_feed_silent 1 when the feed delivered nothing for longer than its expect_within.
# TYPE baken_feed_silent gauge
baken_feed_silent{feed="drop"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "baken_feed_rejected_total", "baken_feed_rows_total", "baken_feed_silent"); err != nil {
		t.Error(err)
	}

	// Two days without a file: silent, flagged, the analysts told once.
	for range 2 {
		b.advance(24 * time.Hour)
		b.tick()
	}
	if err := b.svc.HealthJob(ctx, store.Job{}); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.HealthJob(ctx, store.Job{}); err != nil {
		t.Fatal(err)
	}
	if len(b.alerts) != 1 || !strings.Contains(b.alerts[0], "drop") {
		t.Errorf("alerts %q, want one", b.alerts)
	}
	if st, _ := b.svc.Status(ctx); !st[0].Silent {
		t.Error("a silent feed is not flagged")
	}
	if v := testutil.ToFloat64(metricOf(t, reg, "baken_feed_silent")); v != 1 {
		t.Errorf("baken_feed_silent = %v", v)
	}
	// A new file ends the silence; the next silence is told again.
	writeFile(t, filepath.Join(dir, "b.csv"), "ip\n192.0.2.2\n")
	os.Chtimes(filepath.Join(dir, "b.csv"), b.now().Add(-time.Hour), b.now().Add(-time.Hour))
	b.advance(24 * time.Hour)
	b.tick()
	if st, _ := b.svc.Status(ctx); st[0].Silent {
		t.Error("still silent after a new file")
	}
	b.advance(48 * time.Hour)
	b.svc.HealthJob(ctx, store.Job{})
	if len(b.alerts) != 2 {
		t.Errorf("alerts %q, want two", b.alerts)
	}
}

// metricOf gathers one metric family with a single series as a collector.
func metricOf(t *testing.T, reg *prometheus.Registry, name string) prometheus.Collector {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.Metric) == 1 {
			return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: "x"}, func() float64 { return mf.Metric[0].GetGauge().GetValue() })
		}
	}
	t.Fatalf("no metric %s", name)
	return nil
}
