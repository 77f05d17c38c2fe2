package ingest

import (
	"context"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// saver stores batches of events on a goroutine of its own, so that encoding and
// storing them overlaps with reading the rows that follow. It stops at the first error:
// later batches are dropped, and the ingestion fails with that error.
type saver struct {
	batches chan []store.EventInput
	done    chan struct{}
	res     store.SaveResult // what the stored batches added; read after done
	err     error            // the first error; read after done, or through failed
	errc    chan error       // holds the first error until failed takes it
}

// saverQueue is how many batches may wait to be stored: enough to ride out a slow
// commit, few enough to keep memory bounded.
const saverQueue = 4

func startSaver(ctx context.Context, s store.IngestStore, ingestionID int64, now func() time.Time) *saver {
	sv := &saver{batches: make(chan []store.EventInput, saverQueue), done: make(chan struct{}), errc: make(chan error, 1)}
	go func() {
		defer close(sv.done)
		for batch := range sv.batches {
			if sv.err != nil {
				continue // drain: the reader learns of the error and stops
			}
			res, err := s.SaveEvents(ctx, ingestionID, batch, now())
			if err != nil {
				sv.err = err
				sv.errc <- err
				continue
			}
			sv.res.Added += res.Added
			sv.res.Duplicates += res.Duplicates
		}
	}()
	return sv
}

// save queues a batch; the saver owns it from now on.
func (sv *saver) save(batch []store.EventInput) { sv.batches <- batch }

// failed returns the saver's error, if it met one, without waiting.
func (sv *saver) failed() error {
	select {
	case err := <-sv.errc:
		sv.errc <- err // keep it for the next caller
		return err
	default:
		return nil
	}
}

// stop waits until every queued batch is stored and returns the totals.
func (sv *saver) stop() (store.SaveResult, error) {
	close(sv.batches)
	<-sv.done
	return sv.res, sv.err
}
