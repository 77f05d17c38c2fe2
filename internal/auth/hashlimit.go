package auth

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"
)

// ErrBusy means that as many password hashes as the server may compute at once are
// running, and none finished within the wait: answer 503 with a Retry-After.
var ErrBusy = errors.New("auth: too many password checks at once")

// hashMemory is what one argon2id computation with the current parameters allocates.
const hashMemory = argonMemory * 1024

// HashLimiter bounds the argon2id computations that run at once, so that a burst of
// logins cannot exhaust the memory (each takes 64 MiB): beyond the bound a computation
// waits briefly for a slot, then is refused with ErrBusy. It is safe for concurrent use.
// Every hash the portal computes (a login's check, a simulated check for an unknown
// account, a new password) goes through one HashLimiter.
type HashLimiter struct {
	slots chan struct{}
	wait  time.Duration
}

// NewHashLimiter returns a limiter of n computations at once (n < 1: HashSlots()) that
// waits at most wait for a slot.
func NewHashLimiter(n int, wait time.Duration) *HashLimiter {
	if n < 1 {
		n = HashSlots()
	}
	return &HashLimiter{slots: make(chan struct{}, n), wait: wait}
}

// HashSlots is how many hashes may run at once on this machine: those that fit in a
// quarter of the memory available (the cgroup's limit or MemAvailable), between 2 and
// 32; 4 when the memory cannot be read.
func HashSlots() int {
	avail := availableMemory()
	if avail <= 0 {
		return 4
	}
	return int(min(32, max(2, avail/4/hashMemory)))
}

// Cap is how many computations may run at once.
func (l *HashLimiter) Cap() int { return cap(l.slots) }

// acquire takes a slot, waiting at most l.wait; release gives it back.
func (l *HashLimiter) acquire(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *HashLimiter) release() { <-l.slots }

// Check is CheckPassword within the bound.
func (l *HashLimiter) Check(ctx context.Context, encoded, pw string) (ok, needsRehash bool, err error) {
	if err := l.acquire(ctx); err != nil {
		return false, false, err
	}
	defer l.release()
	return CheckPassword(encoded, pw)
}

// Simulate is SimulatePasswordCheck within the bound: an unknown account costs what a
// known one does, slot included.
func (l *HashLimiter) Simulate(ctx context.Context, pw string) error {
	if err := l.acquire(ctx); err != nil {
		return err
	}
	defer l.release()
	SimulatePasswordCheck(pw)
	return nil
}

// Hash is HashPassword within the bound.
func (l *HashLimiter) Hash(ctx context.Context, pw string) (string, error) {
	if err := l.acquire(ctx); err != nil {
		return "", err
	}
	defer l.release()
	return HashPassword(pw)
}

// availableMemory is the memory this process may still use, in bytes: the smaller of
// the cgroup (v2) limit and the kernel's MemAvailable; 0 when neither can be read.
func availableMemory() int64 {
	var avail int64
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil {
			avail = n
		}
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return avail
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil && (avail == 0 || kb*1024 < avail) {
				avail = kb * 1024
			}
		}
	}
	return avail
}
