package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// attempt runs one login attempt the way the portal does: Allow, then
// Failure or Success.
func attempt(th *Throttle, account, ip string, now time.Time, success bool) (bool, time.Duration) {
	ok, retry := th.Allow(account, ip, now)
	if ok {
		if success {
			th.Success(account, ip)
		} else {
			th.Failure(account, ip, now)
		}
	}
	return ok, retry
}

func TestThrottleLockout(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{})
	now := t0
	// One guessing address, a minute apart, so that its rate limit does not apply.
	const guesser = "203.0.113.66"
	for i := range 5 {
		if ok, _ := attempt(th, "jan@example.nl", guesser, now, false); !ok {
			t.Fatalf("attempt %d refused before the limit", i+1)
		}
		now = now.Add(time.Minute)
	}
	ok, retry := th.Allow("jan@example.nl", guesser, now)
	if ok || retry != 15*time.Minute-time.Minute {
		t.Fatalf("after 5 failures: Allow = %v, %v; want false, 14m", ok, retry)
	}
	if ok, _ := th.Allow("piet@example.nl", "198.51.100.1", now); !ok {
		t.Error("another account is locked too")
	}
	// The lock expires.
	now = t0.Add(4*time.Minute + 15*time.Minute)
	if ok, _ := th.Allow("jan@example.nl", guesser, now); !ok {
		t.Fatal("still locked after the lockout")
	}
	th.Failure("jan@example.nl", guesser, now)
	// A second lockout lasts twice as long.
	for range 4 {
		now = now.Add(time.Second)
		attempt(th, "jan@example.nl", guesser, now, false)
	}
	if ok, retry := th.Allow("jan@example.nl", guesser, now); ok || retry != 30*time.Minute {
		t.Fatalf("second lockout: Allow = %v, %v; want false, 30m", ok, retry)
	}
}

// TestThrottleHoldSparesTheOwner: whoever knows only an account's name, and fails
// from their address, holds back that address, not the owner's: an address that has
// not been failing still gets through a held account, once at a time, and its own
// failures soon make it subject to the hold too.
func TestThrottleHoldSparesTheOwner(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{})
	const guesser, owner, fresh = "203.0.113.66", "198.51.100.7", "192.0.2.44"
	now := t0
	for range 5 {
		now = now.Add(10 * time.Second)
		attempt(th, "jan@example.nl", guesser, now, false)
	}
	if ok, _ := th.Allow("jan@example.nl", guesser, now); ok {
		t.Fatal("the guessing address is not held back")
	}
	// The owner, from their office, logs in: the password step, then the second factor.
	if ok, _ := th.Allow("jan@example.nl", owner, now); !ok {
		t.Fatal("the owner's address, which has not been failing, is held back")
	}
	if ok, _ := th.Allow("jan@example.nl", owner, now); ok {
		t.Fatal("a second attempt in flight from one address passed the hold")
	}
	th.Success("jan@example.nl", owner)
	if ok, _ := th.Allow("jan@example.nl", owner, now); !ok {
		t.Fatal("after the owner's login, the account is still held for them")
	}
	// Another address gets through the hold until it has failed AddressFailures times.
	for range 5 {
		attempt(th, "jan@example.nl", guesser, now, false)
	}
	for i := range 3 {
		if ok, _ := attempt(th, "jan@example.nl", fresh, now, false); !ok {
			t.Fatalf("a fresh address was held back after %d failures", i)
		}
	}
	if ok, _ := th.Allow("jan@example.nl", fresh, now); ok {
		t.Fatal("an address with 3 failures still passes the hold")
	}
	// Failures outside the window are forgotten: the address is clean again.
	if ok, _ := th.Allow("jan@example.nl", fresh, now.Add(16*time.Minute)); !ok {
		t.Fatal("old failures still hold the address back")
	}
}

func TestThrottleLockoutCap(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{MaxFailures: 1, Lockout: time.Hour, MaxLockout: 5 * time.Hour, AddressFailures: 1})
	now := t0
	want := []time.Duration{1, 2, 4, 5, 5, 5}
	for i, w := range want {
		if ok, _ := attempt(th, "a", "192.0.2.1", now, false); !ok {
			t.Fatalf("lockout %d: attempt refused", i+1)
		}
		_, retry := th.Allow("a", "192.0.2.1", now)
		if retry != w*time.Hour {
			t.Errorf("lockout %d lasts %v, want %v", i+1, retry, w*time.Hour)
		}
		now = now.Add(retry)
	}
	// MaxLockout after the last lockout ended, the back-off starts again.
	now = now.Add(5 * time.Hour)
	attempt(th, "a", "192.0.2.99", now, false)
	if _, retry := th.Allow("a", "192.0.2.99", now); retry != time.Hour {
		t.Errorf("after a quiet period the lockout lasts %v, want 1h", retry)
	}
}

func TestThrottleWindowAndSuccess(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{})
	now := t0
	// Failures spread over more than the window never lock.
	for i := range 20 {
		if ok, _ := attempt(th, "a", fmt.Sprintf("192.0.2.%d", i), now, false); !ok {
			t.Fatalf("failure %d at 4-minute spacing was refused", i+1)
		}
		now = now.Add(4 * time.Minute)
	}
	// Success forgets earlier failures.
	th2 := NewThrottle(ThrottleConfig{})
	for i := range 4 {
		attempt(th2, "b", fmt.Sprintf("192.0.2.%d", i), t0, false)
	}
	attempt(th2, "b", "192.0.2.50", t0, true)
	for i := range 4 {
		if ok, _ := attempt(th2, "b", fmt.Sprintf("192.0.2.%d", 60+i), t0, false); !ok {
			t.Fatalf("failure %d after a success was refused", i+1)
		}
	}
}

func TestThrottleInFlight(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{})
	// Five concurrent attempts are allowed, the sixth waits for them.
	for i := range 5 {
		if ok, _ := th.Allow("a", fmt.Sprintf("192.0.2.%d", i), t0); !ok {
			t.Fatalf("in-flight attempt %d refused", i+1)
		}
	}
	for range 3 { // the sixth comes from an address that has been failing
		th.Failure("", "192.0.2.9", t0)
	}
	if ok, retry := th.Allow("a", "192.0.2.9", t0); ok || retry != pendingTTL {
		t.Errorf("sixth in-flight attempt: %v, %v; want false, %v", ok, retry, pendingTTL)
	}
	// Attempts never reported expire.
	if ok, _ := th.Allow("a", "192.0.2.9", t0.Add(pendingTTL+time.Second)); !ok {
		t.Error("forgotten attempts still block")
	}
}

func TestThrottlePerIP(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{})
	now := t0
	for i := range 20 {
		if ok, _ := attempt(th, fmt.Sprintf("user%d", i), "203.0.113.7", now, true); !ok {
			t.Fatalf("attempt %d from one IP refused", i+1)
		}
	}
	ok, retry := th.Allow("user99", "203.0.113.7", now)
	if ok || retry < 3*time.Second || retry > 4*time.Second {
		t.Fatalf("21st attempt in a minute: %v, %v; want false, ~3s", ok, retry)
	}
	if ok, _ := th.Allow("user99", "203.0.113.8", now); !ok {
		t.Error("another IP is slowed too")
	}
	if ok, _ := th.Allow("user99", "203.0.113.7", now.Add(retry)); !ok {
		t.Error("refused after retryAfter")
	}
	// Failures cost double: ten failed guesses exhaust the budget.
	th2 := NewThrottle(ThrottleConfig{})
	for i := range 10 {
		if ok, _ := attempt(th2, fmt.Sprintf("user%d", i), "203.0.113.9", now, false); !ok {
			t.Fatalf("failure %d refused", i+1)
		}
	}
	if ok, _ := th2.Allow("user10", "203.0.113.9", now); ok {
		t.Error("11th failed guess in a burst allowed")
	}
}

func TestThrottleIPv6Prefix(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{PerIPPerMinute: 2})
	th.Allow("", "2001:db8:1:2::1", t0)
	th.Allow("", "2001:db8:1:2:ffff::9", t0)
	if ok, _ := th.Allow("", "2001:db8:1:2:abcd::1", t0); ok {
		t.Error("addresses of one /64 throttled separately")
	}
	if ok, _ := th.Allow("", "2001:db8:1:3::1", t0); !ok {
		t.Error("another /64 throttled")
	}
	tests := map[string]string{
		"192.0.2.1":              "192.0.2.1",
		"::ffff:192.0.2.1":       "192.0.2.1",
		"192.0.2.1:443":          "192.0.2.1",
		"[2001:db8::1%eth0]:443": "2001:db8::/64",
		"fe80::1%eth0":           "fe80::/64",
		"not an ip":              "not an ip",
	}
	for in, want := range tests {
		if got := ipKey(in); got != want {
			t.Errorf("ipKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestThrottleBoundedMemory(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{MaxEntries: 1000})
	// An attacker behind one IP is slowed and stays slowed while many other
	// addresses come and go.
	for range 30 {
		th.Allow("", "198.51.100.66", t0)
	}
	now := t0
	for i := range 50_000 {
		now = now.Add(10 * time.Microsecond) // 0.5 s in all: the attacker's bucket stays empty
		ip := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		th.Allow(fmt.Sprintf("user%d@example.nl", i), ip, now)
		th.Failure(fmt.Sprintf("user%d@example.nl", i), ip, now)
	}
	th.mu.Lock()
	nAccounts, nIPs := len(th.accounts), len(th.ips)
	th.mu.Unlock()
	if nAccounts > 1000 || nIPs > 1000 {
		t.Errorf("tracking %d accounts and %d IPs, want at most 1000 each", nAccounts, nIPs)
	}
	if ok, _ := th.Allow("", "198.51.100.66", now); ok {
		t.Error("the throttled IP was evicted before idle ones")
	}
}

func TestThrottleKeepsLockedAccounts(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{MaxEntries: 100})
	for range 5 {
		attempt(th, "victim", "192.0.2.1", t0, false)
	}
	// A flood of other account names must not push the lock out.
	for i := range 5000 {
		th.Allow(fmt.Sprintf("junk%d", i), fmt.Sprintf("10.0.%d.%d", i>>8, i&255), t0.Add(time.Second))
	}
	if ok, _ := th.Allow("victim", "192.0.2.1", t0.Add(time.Minute)); ok {
		t.Error("a flood of account names lifted the lockout")
	}
}

func TestThrottleConcurrent(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{MaxEntries: 50})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				acct := fmt.Sprintf("user%d", i%70)
				ip := fmt.Sprintf("192.0.2.%d", (g*31+i)%90)
				now := t0.Add(time.Duration(i) * time.Second)
				if ok, _ := th.Allow(acct, ip, now); ok {
					if i%3 == 0 {
						th.Success(acct, ip)
					} else {
						th.Failure(acct, ip, now)
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestThrottleDefaults(t *testing.T) {
	t.Parallel()
	got := ThrottleConfig{}.withDefaults()
	want := ThrottleConfig{MaxFailures: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute,
		MaxLockout: 24 * time.Hour, PerIPPerMinute: 20, AddressFailures: 3, MaxEntries: 100_000}
	if got != want {
		t.Errorf("defaults = %+v, want %+v", got, want)
	}
}

// TestThrottlePassedEndsTheAttempt: an attempt that passed the password is no longer in
// flight, so that its second step, from an address that passed a hold, gets through.
func TestThrottlePassedEndsTheAttempt(t *testing.T) {
	t.Parallel()
	th := NewThrottle(ThrottleConfig{})
	for range 5 {
		attempt(th, "a", "203.0.113.66", t0, false)
	}
	if ok, _ := th.Allow("a", "198.51.100.7", t0); !ok {
		t.Fatal("the password step of a clean address was held back")
	}
	th.Passed("a", "198.51.100.7")
	if ok, _ := th.Allow("a", "198.51.100.7", t0); !ok {
		t.Fatal("the second step was held back")
	}
}
