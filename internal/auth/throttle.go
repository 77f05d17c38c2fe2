package auth

import (
	"sync"
	"time"
)

// ThrottleConfig configures a Throttle. Zero or negative fields take their
// defaults.
type ThrottleConfig struct {
	// MaxFailures is how many failed logins within Window lock an account.
	// Default 5.
	MaxFailures int
	// Window is how long a failed login counts towards MaxFailures.
	// Default 15 minutes.
	Window time.Duration
	// Lockout is how long the first lockout lasts. Each further lockout
	// doubles it, up to MaxLockout. Once MaxLockout has passed since the
	// last lockout ended, the next one is back to Lockout. Default 15
	// minutes.
	Lockout time.Duration
	// MaxLockout caps the lockout. Default 24 hours.
	MaxLockout time.Duration
	// PerIPPerMinute is how many login attempts a client IP address (an IPv6
	// /64) may make per minute, in bursts of up to this many. A failed
	// attempt costs twice, so a client guessing passwords across many
	// accounts gets half the rate of an office whose users log in normally.
	// Default 20.
	PerIPPerMinute int
	// AddressFailures is how many failed attempts within Window an address may
	// make (on any account) and still pass an account that is held: the
	// owner's own, unsuspicious address. Default 3.
	AddressFailures int
	// MaxEntries bounds the memory: at most this many accounts and this many
	// IP addresses are tracked. Default 100,000 of each (tens of MB at most).
	MaxEntries int
}

func (c ThrottleConfig) withDefaults() ThrottleConfig {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt(&c.MaxFailures, 5)
	def(&c.Window, 15*time.Minute)
	def(&c.Lockout, 15*time.Minute)
	def(&c.MaxLockout, 24*time.Hour)
	defInt(&c.PerIPPerMinute, 20)
	defInt(&c.AddressFailures, 3)
	defInt(&c.MaxEntries, 100_000)
	c.Lockout = min(c.Lockout, c.MaxLockout)
	return c
}

// pendingTTL is how long an allowed attempt counts as in flight when the
// caller reports neither Failure nor Success for it.
const pendingTTL = time.Minute

// Throttle limits login attempts per account and per client IP address, in
// memory; it is safe for concurrent use. Call Allow before checking the
// credentials, then Failure for a wrong password or second factor, or Success
// once the login is complete (password and second factor).
//
// The rule (NIST SP 800-63B §5.2.2): an address earns attempts at
// PerIPPerMinute, a failure costing twice, so failures slow their address
// down. An account with MaxFailures failures within Window is held for
// Lockout, doubling with each further hold up to MaxLockout; the hold applies
// to the addresses that have been failing (AddressFailures or more failures
// within Window, or an attempt on the held account still in flight). An
// address that has not been failing still gets through, so that whoever knows
// only an account's name cannot lock its owner out: they slow down only
// themselves. A botnet of fresh addresses gets a few guesses per address and
// window; the store's durable lockout caps the total.
//
// Throttle is the fast first line: it keeps attackers off the argon2id
// hashing and reacts within one process. It forgets on restart and is not
// shared between processes, so the durable lockout (failure counts and locked
// until times that survive restarts and apply to every instance) is the job of
// the store. Memory is bounded by MaxEntries: when a table is full, expired
// entries go first, then the least recently active ones that are not locked.
// An attacker controlling MaxEntries addresses could push out an IP limit,
// which is one more reason the store must keep its own lockout.
//
// Keys are compared exactly: normalise account names (for example to lower
// case) before calling. The IP address is the client's, as parsed from the
// connection or a trusted proxy header; IPv6 addresses count per /64.
type Throttle struct {
	cfg      ThrottleConfig
	mu       sync.Mutex
	accounts map[string]*accountState
	ips      map[string]*ipState
}

// accountState is the throttling state of one account.
type accountState struct {
	failures    []time.Time // failed attempts within Window, oldest first
	pending     []time.Time // allowed attempts not reported yet, oldest first
	lockedUntil time.Time
	lockouts    int // consecutive lockouts, for the exponential back-off
	lastSeen    time.Time
}

// ipState is a token bucket (PerIPPerMinute tokens, refilled continuously)
// and the address's recent failures.
type ipState struct {
	tokens   float64
	last     time.Time
	failures []time.Time // the newest AddressFailures failures, oldest first
	passing  int         // attempts in flight that passed a held account
	passedAt time.Time   // when the last of them started
}

// NewThrottle returns a Throttle with cfg, defaults filled in.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	return &Throttle{
		cfg:      cfg.withDefaults(),
		accounts: make(map[string]*accountState),
		ips:      make(map[string]*ipState),
	}
}

// Allow reports whether a login attempt for account from ip may go ahead at
// time now. If not, retryAfter says when to try again, for a Retry-After
// header or a message; the refusal itself should look the same whether the
// account exists or not. An allowed attempt counts as in flight until
// Failure or Success, so concurrent attempts cannot together exceed
// MaxFailures guesses.
func (t *Throttle) Allow(account, ip string, now time.Time) (ok bool, retryAfter time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.ip(ip, now)
	a := t.accounts[account]
	passing := false
	if a != nil {
		a.prune(now, t.cfg)
		if held, wait := a.held(now, t.cfg); held {
			if !t.clean(b, now) {
				return false, wait
			}
			passing = true
		}
	}
	if b.tokens < 1 {
		return false, t.refillTime(1-b.tokens) + time.Millisecond
	}
	b.tokens--
	if passing {
		// Until it is reported, the address no longer counts as clean, so that
		// a burst from it gets one attempt past the hold, not many.
		b.passing++
		b.passedAt = now
	}
	if account != "" {
		if a == nil {
			a = t.account(account, now)
		}
		a.pending = append(a.pending, now)
		a.lastSeen = now
	}
	return true, 0
}

// Failure records a failed login (wrong password or wrong second factor) for
// account from ip at time now. Reaching MaxFailures within Window locks the
// account.
func (t *Throttle) Failure(account, ip string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.ip(ip, now)
	b.tokens = max(b.tokens-1, -float64(t.cfg.PerIPPerMinute))
	b.failures = append(b.failures, now)
	if n := len(b.failures) - t.cfg.AddressFailures; n > 0 {
		b.failures = b.failures[n:]
	}
	b.reported()
	if account == "" {
		return
	}
	a := t.account(account, now)
	a.prune(now, t.cfg)
	if len(a.pending) > 0 {
		a.pending = a.pending[1:]
	}
	a.failures = append(a.failures, now)
	a.lastSeen = now
	if len(a.failures) >= t.cfg.MaxFailures {
		// Never shorten a lock that a late, in-flight failure runs into.
		if until := now.Add(t.lockoutDuration(a.lockouts)); until.After(a.lockedUntil) {
			a.lockedUntil = until
		}
		a.lockouts++
		a.failures = nil
	}
}

// Success records a completed login for account from ip: the account's
// failures, lockouts and attempts in flight are forgotten (the address's
// failures are not).
func (t *Throttle) Success(account, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.accounts, account)
	if b := t.ips[ipKey(ip)]; b != nil {
		b.reported()
	}
}

// Passed records that an attempt for account from ip passed a first step (the
// password) and goes on to the next, which calls Allow again: the attempt is no
// longer in flight and counts neither as a failure nor as a success.
func (t *Throttle) Passed(account, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a := t.accounts[account]; a != nil && len(a.pending) > 0 {
		a.pending = a.pending[1:]
	}
	if b := t.ips[ipKey(ip)]; b != nil {
		b.reported()
	}
}

// held reports whether a (pruned) is held, and for how long: locked after
// MaxFailures failures, or with every remaining guess in flight.
func (a *accountState) held(now time.Time, cfg ThrottleConfig) (bool, time.Duration) {
	if now.Before(a.lockedUntil) {
		return true, a.lockedUntil.Sub(now)
	}
	if len(a.failures)+len(a.pending) >= cfg.MaxFailures {
		wait := cfg.Window
		if len(a.pending) > 0 {
			wait = a.pending[0].Add(pendingTTL).Sub(now)
		}
		return true, max(wait, time.Second)
	}
	return false, 0
}

// clean reports whether address b has not been failing: fewer than
// AddressFailures failures within Window and no attempt past a hold in flight.
func (t *Throttle) clean(b *ipState, now time.Time) bool {
	if b.passing > 0 && now.Sub(b.passedAt) >= pendingTTL {
		b.passing = 0
	}
	b.failures = dropBefore(b.failures, now.Add(-t.cfg.Window))
	return b.passing == 0 && len(b.failures) < t.cfg.AddressFailures
}

// reported ends one attempt of b's that passed a hold, if any is in flight.
func (b *ipState) reported() {
	if b.passing > 0 {
		b.passing--
	}
}

// lockoutDuration is Lockout doubled for each earlier lockout, capped.
func (t *Throttle) lockoutDuration(earlier int) time.Duration {
	d := t.cfg.Lockout
	for range earlier {
		if d >= t.cfg.MaxLockout/2 {
			return t.cfg.MaxLockout
		}
		d *= 2
	}
	return d
}

// prune drops failures outside the window and forgotten attempts, and
// forgets earlier lockouts once MaxLockout has passed since the last one
// ended.
func (a *accountState) prune(now time.Time, cfg ThrottleConfig) {
	a.failures = dropBefore(a.failures, now.Add(-cfg.Window))
	a.pending = dropBefore(a.pending, now.Add(-pendingTTL))
	if a.lockouts > 0 && now.Sub(a.lockedUntil) >= cfg.MaxLockout {
		a.lockouts = 0
	}
}

// idle reports whether a (pruned) carries no state worth keeping.
func (a *accountState) idle(now time.Time) bool {
	return len(a.failures) == 0 && len(a.pending) == 0 && a.lockouts == 0 && !now.Before(a.lockedUntil)
}

// dropBefore removes the times before cutoff from the sorted slice ts.
func dropBefore(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(cutoff) {
		i++
	}
	if i == len(ts) {
		return nil
	}
	return ts[i:]
}
