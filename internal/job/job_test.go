package job

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// clock is a settable time for runners under test.
type clock struct{ t atomic.Pointer[time.Time] }

func (c *clock) now() time.Time      { return *c.t.Load() }
func (c *clock) set(t time.Time)     { c.t.Store(&t) }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

func setup(t *testing.T, s store.Store) (*Runner, *clock) {
	r := New(s, quietLog(), nil, Options{Workers: 2})
	c := &clock{}
	c.set(time.Now().UTC())
	r.now = c.now
	return r, c
}

func TestRetryThenSucceed(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r, c := setup(t, s)
		var calls atomic.Int32
		r.Handle("flaky", func(ctx context.Context, j store.Job) error {
			if calls.Add(1) < 3 {
				return errors.New("temporary")
			}
			return nil
		})
		s.InsertJob(ctx, store.JobInput{Kind: "flaky", RunAt: c.now()})
		for range 3 {
			if _, err := r.RunUntilIdle(ctx); err != nil {
				t.Fatal(err)
			}
			c.add(2 * time.Minute) // past the backoff of the first two attempts
		}
		if calls.Load() != 3 {
			t.Fatalf("handler called %d times, want 3", calls.Load())
		}
		done, _ := s.Jobs(ctx, store.JobFilter{State: store.JobCompleted})
		if len(done) != 1 || done[0].Attempt != 3 {
			t.Fatalf("completed: %+v", done)
		}
	})
}

func TestDiscard(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r, c := setup(t, s)
		r.Handle("never", func(context.Context, store.Job) error { return Cancel(errors.New("bad arguments")) })
		r.Handle("panics", func(context.Context, store.Job) error { panic("oops") })
		r.Handle("fails", func(context.Context, store.Job) error { return errors.New("always") })
		for _, k := range []string{"never", "panics", "unknown"} {
			s.InsertJob(ctx, store.JobInput{Kind: k, RunAt: c.now(), MaxAttempts: 5})
		}
		s.InsertJob(ctx, store.JobInput{Kind: "fails", RunAt: c.now(), MaxAttempts: 2})
		for range 3 {
			r.RunUntilIdle(ctx)
			c.add(time.Minute)
		}
		gone, _ := s.Jobs(ctx, store.JobFilter{State: store.JobDiscarded})
		got := map[string]string{}
		for _, j := range gone {
			got[j.Kind] = j.LastError
		}
		if len(got) != 3 || got["never"] != "cancelled: bad arguments" || got["fails"] != "always" {
			t.Fatalf("discarded: %v", got)
		}
		if want := `cancelled: no handler for jobs of kind "unknown"`; got["unknown"] != want {
			t.Fatalf("unknown kind: %q", got["unknown"])
		}
		retry, _ := s.Jobs(ctx, store.JobFilter{Kind: "panics"})
		if len(retry) != 1 || retry[0].State != store.JobRetryable {
			t.Fatalf("a panicking job must be retried: %+v", retry)
		}
	})
}

func TestPeriodicRunsOncePerPeriodAcrossRunners(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		var calls atomic.Int32
		var runners []*Runner
		c := &clock{}
		c.set(time.Date(2026, 11, 22, 10, 0, 30, 0, time.UTC))
		for range 3 {
			r := New(s, quietLog(), nil, Options{})
			r.now = c.now
			r.Handle("tick", func(context.Context, store.Job) error { calls.Add(1); return nil })
			r.Every("tick", time.Hour)
			runners = append(runners, r)
		}
		for _, r := range runners {
			r.RunUntilIdle(ctx)
		}
		if calls.Load() != 1 {
			t.Fatalf("three processes ran the hourly job %d times in one hour", calls.Load())
		}
		c.add(time.Hour)
		for _, r := range runners {
			r.RunUntilIdle(ctx)
		}
		if calls.Load() != 2 {
			t.Fatalf("after the next hour: %d runs, want 2", calls.Load())
		}
	})
}

func TestStartStop(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	r := New(s, quietLog(), nil, Options{PollInterval: 10 * time.Millisecond})
	ran := make(chan int64, 10)
	r.Handle("k", func(_ context.Context, j store.Job) error { ran <- j.ID; return nil })
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		s.InsertJob(context.Background(), store.JobInput{Kind: "k"})
	}
	for range 3 {
		select {
		case <-ran:
		case <-time.After(10 * time.Second):
			t.Fatal("a job was not run by the background runner")
		}
	}
	r.Stop()
	done, _ := s.Jobs(context.Background(), store.JobFilter{State: store.JobCompleted})
	if len(done) != 3 {
		t.Fatalf("%d jobs completed, want 3", len(done))
	}
}

func TestBackoffGrows(t *testing.T) {
	prev := time.Duration(0)
	for attempt := 1; attempt <= 8; attempt++ {
		d := Backoff(attempt)
		if d < prev || d > time.Hour+6*time.Minute {
			t.Fatalf("backoff(%d) = %s after %s", attempt, d, prev)
		}
		prev = d
	}
}
