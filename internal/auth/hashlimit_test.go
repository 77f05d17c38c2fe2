package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestHashLimiterBoundsConcurrentHashes: with one slot, a second hash waits while the
// first runs and is refused with ErrBusy when the wait ends first; once the slot is free
// again, hashes run.
func TestHashLimiterBoundsConcurrentHashes(t *testing.T) {
	t.Parallel()
	l := NewHashLimiter(1, 10*time.Millisecond)
	if l.Cap() != 1 {
		t.Fatalf("cap %d", l.Cap())
	}
	ctx := context.Background()
	if err := l.acquire(ctx); err != nil { // a hash in progress holds the only slot
		t.Fatal(err)
	}
	if _, _, err := l.Check(ctx, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", "pw"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a check beyond the bound: %v, want ErrBusy", err)
	}
	if err := l.Simulate(ctx, "pw"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a simulated check beyond the bound: %v", err)
	}
	if _, err := l.Hash(ctx, "pw"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a hash beyond the bound: %v", err)
	}
	l.release()
	if _, _, err := l.Check(ctx, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", "pw"); err != nil {
		t.Fatalf("a check with a free slot: %v", err)
	}
}

// TestHashLimiterWaitsBriefly: a hash that finds every slot taken gets one that frees up
// within the wait, and never more run at once than the bound.
func TestHashLimiterWaitsBriefly(t *testing.T) {
	t.Parallel()
	l := NewHashLimiter(2, time.Minute)
	var mu sync.Mutex
	running, most := 0, 0
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if err := l.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			l.release()
		})
	}
	wg.Wait()
	if most > 2 {
		t.Fatalf("%d ran at once, bound 2", most)
	}
}

func TestHashSlotsAreBounded(t *testing.T) {
	t.Parallel()
	if n := HashSlots(); n < 2 || n > 32 {
		t.Fatalf("HashSlots() = %d", n)
	}
}
