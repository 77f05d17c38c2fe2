package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

func TestJobsLifecycle(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		if _, err := s.InsertJob(ctx, store.JobInput{Kind: "due", Args: []byte(`{"n":1}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.InsertJob(ctx, store.JobInput{Kind: "later", RunAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		jobs, err := s.ClaimJobs(ctx, now.Add(time.Second), 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 || jobs[0].Kind != "due" || jobs[0].Attempt != 1 || jobs[0].State != store.JobRunning || !sameJSON(jobs[0].Args, `{"n":1}`) {
			t.Fatalf("claimed %+v, want the one due job", jobs)
		}
		if again, _ := s.ClaimJobs(ctx, now.Add(2*time.Second), 10, time.Minute); len(again) != 0 {
			t.Fatalf("a leased job was claimed twice: %+v", again)
		}
		// The worker died: after the lease the job is claimed again.
		again, err := s.ClaimJobs(ctx, now.Add(2*time.Minute), 10, time.Minute)
		if err != nil || len(again) != 1 || again[0].Attempt != 2 {
			t.Fatalf("after the lease: %+v, %v", again, err)
		}
		if err := s.RetryJob(ctx, again[0].ID, now.Add(10*time.Minute), "boom"); err != nil {
			t.Fatal(err)
		}
		if early, _ := s.ClaimJobs(ctx, now.Add(5*time.Minute), 10, time.Minute); len(early) != 0 {
			t.Fatalf("a retry ran before its time: %+v", early)
		}
		retried, err := s.ClaimJobs(ctx, now.Add(11*time.Minute), 1, time.Minute)
		if err != nil || len(retried) != 1 || retried[0].LastError != "boom" || retried[0].Attempt != 3 {
			t.Fatalf("retry: %+v, %v", retried, err)
		}
		if err := s.CompleteJob(ctx, retried[0].ID, now.Add(12*time.Minute)); err != nil {
			t.Fatal(err)
		}
		done, _ := s.Jobs(ctx, store.JobFilter{State: store.JobCompleted})
		if len(done) != 1 || done[0].ID != retried[0].ID {
			t.Fatalf("completed jobs: %+v", done)
		}
		if n, err := s.PruneJobs(ctx, now.Add(11*time.Minute)); err != nil || n != 0 {
			t.Fatalf("pruned %d before the cutoff (%v)", n, err)
		}
		if n, err := s.PruneJobs(ctx, now.Add(13*time.Minute)); err != nil || n != 1 {
			t.Fatalf("pruned %d, want 1 (%v)", n, err)
		}
	})
}

// sameJSON compares JSON by meaning: PostgreSQL keeps job arguments as jsonb, which
// reformats them.
func sameJSON(got []byte, want string) bool {
	var a, b any
	if json.Unmarshal(got, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

func TestJobsUniqueKey(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		for i, want := range []bool{true, false, false} {
			ok, err := s.InsertJob(ctx, store.JobInput{Kind: "tick", UniqueKey: "tick@2026-11-22T10:00"})
			if err != nil || ok != want {
				t.Fatalf("insert %d: %v, %v; want %v", i, ok, err, want)
			}
		}
		if ok, _ := s.InsertJob(ctx, store.JobInput{Kind: "tick"}); !ok {
			t.Fatal("jobs without a unique key must not collide")
		}
		if ok, _ := s.InsertJob(ctx, store.JobInput{Kind: "tick"}); !ok {
			t.Fatal("jobs without a unique key must not collide")
		}
	})
}

func TestJobsDiscard(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		s.InsertJob(ctx, store.JobInput{Kind: "bad", MaxAttempts: 1})
		now := time.Now()
		jobs, _ := s.ClaimJobs(ctx, now.Add(time.Second), 1, time.Minute)
		if len(jobs) != 1 || jobs[0].MaxAttempts != 1 {
			t.Fatalf("claimed %+v", jobs)
		}
		if err := s.DiscardJob(ctx, jobs[0].ID, now, "cannot work"); err != nil {
			t.Fatal(err)
		}
		if more, _ := s.ClaimJobs(ctx, now.Add(time.Hour), 1, time.Minute); len(more) != 0 {
			t.Fatalf("a discarded job was claimed: %+v", more)
		}
		gone, _ := s.Jobs(ctx, store.JobFilter{State: store.JobDiscarded})
		if len(gone) != 1 || gone[0].LastError != "cannot work" {
			t.Fatalf("discarded: %+v", gone)
		}
	})
}

// TestJobsClaimedOnce claims from several goroutines at once, as several baken processes
// would: every job must be claimed exactly once.
func TestJobsClaimedOnce(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		const n = 200
		for range n {
			if _, err := s.InsertJob(ctx, store.JobInput{Kind: "k"}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					jobs, err := s.ClaimJobs(ctx, time.Now().Add(time.Second), 7, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					mu.Lock()
					for _, j := range jobs {
						seen[j.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("claimed %d distinct jobs, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Fatalf("job %d claimed %d times", id, c)
			}
		}
	})
}

func TestMigrateTwiceAndPing(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
