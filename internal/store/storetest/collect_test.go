package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// TestCollectedFiles: a file is kept with its ingestion job in one transaction; the same
// content is kept once per feed; outcomes, re-runs and pruning are recorded.
func TestCollectedFiles(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		feed, err := s.PutFeed(ctx, store.Feed{Name: "f", Format: "csv", Kind: "incidental", TLP: "AMBER",
			Collect: []byte(`{"every":"1h"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if string(feed.Collect) != `{"every":"1h"}` {
			t.Errorf("feed's collect = %q", feed.Collect)
		}
		at := time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)
		job := func(id int64) store.JobInput {
			return store.JobInput{Kind: "collect.ingest", Args: fmt.Appendf(nil, `{"file_id":%d}`, id)}
		}
		in := store.CollectedFileInput{FeedID: feed.ID, Name: "a.csv", Source: "https://example.org/a.csv",
			SHA256: "aa", Data: []byte("ip\n192.0.2.1\n"), CollectedAt: at}
		c, isNew, err := s.PutCollectedFile(ctx, in, job)
		if err != nil || !isNew {
			t.Fatalf("PutCollectedFile: %v, new %v", err, isNew)
		}
		if c.Feed != "f" || c.Size != int64(len(in.Data)) || c.State != store.FilePending || !c.CollectedAt.Equal(at) {
			t.Errorf("kept %+v", c)
		}
		again, isNew, err := s.PutCollectedFile(ctx, in, job)
		if err != nil || isNew || again.ID != c.ID {
			t.Fatalf("the same content again: %v, new %v, id %d (first %d)", err, isNew, again.ID, c.ID)
		}
		jobs, _ := s.Jobs(ctx, store.JobFilter{Kind: "collect.ingest"})
		if len(jobs) != 1 || strings.ReplaceAll(string(jobs[0].Args), " ", "") != fmt.Sprintf(`{"file_id":%d}`, c.ID) {
			t.Fatalf("ingest jobs %+v, want one for file %d", jobs, c.ID)
		}
		got, err := s.CollectedFile(ctx, c.ID)
		if err != nil || !bytes.Equal(got.Data, in.Data) {
			t.Fatalf("CollectedFile: %v, data %q", err, got.Data)
		}
		if _, err := s.CollectedFile(ctx, c.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a missing file: %v", err)
		}

		if err := s.FinishCollectedFile(ctx, store.CollectedFileResult{ID: c.ID, State: store.FileFailed, Error: "boom", At: at}); err != nil {
			t.Fatal(err)
		}
		failed, _ := s.CollectedFiles(ctx, store.CollectedFileFilter{State: store.FileFailed})
		if len(failed) != 1 || failed[0].LastError != "boom" || failed[0].Attempts != 1 || failed[0].Data != nil {
			t.Fatalf("failed files %+v", failed)
		}
		if err := s.RequeueCollectedFile(ctx, c.ID, job(c.ID)); err != nil {
			t.Fatal(err)
		}
		if jobs, _ := s.Jobs(ctx, store.JobFilter{Kind: "collect.ingest"}); len(jobs) != 2 {
			t.Errorf("%d ingest jobs after a re-run, want 2", len(jobs))
		}
		ing, _ := s.StartIngestion(ctx, feed.ID, "a.csv", at)
		if err := s.FinishIngestion(ctx, store.Ingestion{ID: ing, Rows: 5, Rejected: 2, FinishedAt: at}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishCollectedFile(ctx, store.CollectedFileResult{ID: c.ID, State: store.FileIngested, IngestionID: ing, At: at}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.CollectedFile(ctx, c.ID)
		if got.State != store.FileIngested || got.IngestionID != ing || got.LastError != "" || !got.IngestedAt.Equal(at) {
			t.Errorf("ingested file %+v", got)
		}
		totals, err := s.CollectTotals(ctx)
		if err != nil || len(totals) != 1 || totals[0] != (store.CollectTotal{FeedID: feed.ID, Feed: "f", Files: 1, Rows: 5, Rejected: 2}) {
			t.Errorf("CollectTotals: %+v, %v", totals, err)
		}

		// Pruning drops the content and keeps the record, so the hash still dedupes.
		if n, err := s.PruneCollectedFiles(ctx, at.Add(time.Hour), at.Add(2*time.Hour)); err != nil || n != 1 {
			t.Fatalf("PruneCollectedFiles: %d, %v", n, err)
		}
		got, _ = s.CollectedFile(ctx, c.ID)
		if got.Data != nil || got.PrunedAt.IsZero() {
			t.Errorf("pruned file %+v", got)
		}
		if _, isNew, _ := s.PutCollectedFile(ctx, in, job); isNew {
			t.Error("pruned content was kept again")
		}
		if err := s.RequeueCollectedFile(ctx, c.ID, job(c.ID)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("re-running a pruned file: %v", err)
		}
	})
}

// TestCollectorState: a collector that never ran has the zero state; a written state
// comes back as written, and is replaced by the next.
func TestCollectorState(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		feed, _ := s.PutFeed(ctx, store.Feed{Name: "f", Format: "csv", Kind: "incidental", TLP: "AMBER"})
		st, err := s.CollectorState(ctx, feed.ID)
		if err != nil || !st.LastRunAt.IsZero() || st.FeedID != feed.ID {
			t.Fatalf("new state %+v, %v", st, err)
		}
		at := time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)
		for i := range 2 {
			in := store.CollectorState{FeedID: feed.ID, LastSlot: at, LastRunAt: at.Add(time.Minute), LastSuccessAt: at,
				LastNewAt: at, LastError: fmt.Sprint("e", i), LastFiles: i, Cursor: []byte(`{"etag":"x"}`)}
			if i == 1 {
				in.StaleNotifiedAt = at
			}
			if err := s.PutCollectorState(ctx, in); err != nil {
				t.Fatal(err)
			}
			got, err := s.CollectorState(ctx, feed.ID)
			if err != nil || !got.LastSlot.Equal(in.LastSlot) || !got.LastRunAt.Equal(in.LastRunAt) || got.LastError != in.LastError ||
				got.LastFiles != i || string(got.Cursor) != `{"etag":"x"}` || !got.StaleNotifiedAt.Equal(in.StaleNotifiedAt) {
				t.Errorf("wrote %+v, read %+v (%v)", in, got, err)
			}
		}
		// The silence alert changes that alone, and makes a state for a feed without one.
		told := at.Add(48 * time.Hour)
		if err := s.SetSilenceTold(ctx, feed.ID, told); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.CollectorState(ctx, feed.ID); !got.StaleNotifiedAt.Equal(told) || got.LastError != "e1" || string(got.Cursor) != `{"etag":"x"}` {
			t.Errorf("after SetSilenceTold: %+v", got)
		}
		other, _ := s.PutFeed(ctx, store.Feed{Name: "g", Format: "csv", Kind: "incidental", TLP: "AMBER"})
		if err := s.SetSilenceTold(ctx, other.ID, told); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.CollectorState(ctx, other.ID); !got.StaleNotifiedAt.Equal(told) || !got.LastRunAt.IsZero() {
			t.Errorf("a new state after SetSilenceTold: %+v", got)
		}
	})
}
