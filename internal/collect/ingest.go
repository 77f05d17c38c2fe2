package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/baken-cert/baken/internal/job"
	"github.com/baken-cert/baken/internal/store"
)

// IngestJob ingests one collected file under its feed, and records the outcome on the
// file: ingested, pending (another attempt follows) or, after the last attempt, failed
// with its error. A job that runs again after a crash ingests the file again; the
// events stored the first time are recognised by their fingerprints and not stored
// twice.
func (s *Service) IngestJob(ctx context.Context, j store.Job) error {
	var a ingestArgs
	if err := json.Unmarshal(j.Args, &a); err != nil {
		return job.Cancel(fmt.Errorf("collect ingest arguments: %w", err))
	}
	c, err := s.store.CollectedFile(ctx, a.FileID)
	if errors.Is(err, store.ErrNotFound) {
		return job.Cancel(err)
	} else if err != nil {
		return err
	}
	if !c.PrunedAt.IsZero() {
		return job.Cancel(fmt.Errorf("collected file %d: its content was dropped after the retention period", c.ID))
	}
	f, err := s.store.Feed(ctx, c.Feed)
	if err != nil {
		return err
	}
	rep, err := s.ingest.Ingest(ctx, f, c.Name, bytes.NewReader(c.Data))
	res := store.CollectedFileResult{ID: c.ID, State: store.FileIngested, IngestionID: rep.ID, At: s.now()}
	if err != nil {
		res.State, res.Error = store.FilePending, err.Error()
		if j.Attempt >= j.MaxAttempts {
			res.State = store.FileFailed
		}
	}
	if werr := s.store.FinishCollectedFile(ctx, res); werr != nil {
		return errors.Join(err, werr)
	}
	log := s.log.With("feed", f.Name, "collected_file", c.ID, "file", c.Name)
	if err != nil {
		log.Warn("ingesting a collected file failed", "attempt", j.Attempt, "err", err)
		return err
	}
	log.Info("ingested a collected file", "rows", rep.Rows, "events", rep.Events, "rejected", rep.Rejected)
	return nil
}
