package auth

import (
	"cmp"
	"net/netip"
	"slices"
	"time"
)

// account returns the state of account, creating it (and making room) if
// needed. The caller holds t.mu.
func (t *Throttle) account(account string, now time.Time) *accountState {
	if a := t.accounts[account]; a != nil {
		return a
	}
	if len(t.accounts) >= t.cfg.MaxEntries {
		t.evictAccounts(now)
	}
	a := &accountState{lastSeen: now}
	t.accounts[account] = a
	return a
}

// ip returns the refilled token bucket of ip, creating it (and making room)
// if needed. The caller holds t.mu.
func (t *Throttle) ip(ip string, now time.Time) *ipState {
	key := ipKey(ip)
	b := t.ips[key]
	if b == nil {
		if len(t.ips) >= t.cfg.MaxEntries {
			t.evictIPs(now)
		}
		b = &ipState{tokens: float64(t.cfg.PerIPPerMinute), last: now}
		t.ips[key] = b
	}
	t.refill(b, now)
	return b
}

// refill adds the tokens earned since b.last.
func (t *Throttle) refill(b *ipState, now time.Time) {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		capacity := float64(t.cfg.PerIPPerMinute)
		b.tokens = min(capacity, b.tokens+elapsed.Minutes()*capacity)
		b.last = now
	}
}

// refillTime is how long the bucket takes to earn n tokens.
func (t *Throttle) refillTime(n float64) time.Duration {
	return time.Duration(n / float64(t.cfg.PerIPPerMinute) * float64(time.Minute))
}

// evictTarget is the size a full table is brought down to, so that a
// sweep, which costs O(n log n), happens at most once every n/10 inserts.
func (t *Throttle) evictTarget() int {
	return t.cfg.MaxEntries - max(1, t.cfg.MaxEntries/10)
}

// evictAccounts drops idle accounts, then, if still too many, the least
// recently seen unlocked ones, and locked ones only as a last resort.
func (t *Throttle) evictAccounts(now time.Time) {
	type entry struct {
		key    string
		locked bool
		when   time.Time
	}
	var live []entry
	for k, a := range t.accounts {
		a.prune(now, t.cfg)
		switch {
		case a.idle(now):
			delete(t.accounts, k)
		case now.Before(a.lockedUntil):
			live = append(live, entry{k, true, a.lockedUntil})
		default:
			live = append(live, entry{k, false, a.lastSeen})
		}
	}
	excess := len(t.accounts) - t.evictTarget()
	if excess <= 0 {
		return
	}
	slices.SortFunc(live, func(x, y entry) int {
		if x.locked != y.locked {
			if x.locked {
				return 1
			}
			return -1
		}
		return x.when.Compare(y.when)
	})
	for _, e := range live[:excess] {
		delete(t.accounts, e.key)
	}
}

// evictIPs drops addresses whose bucket is full again, then, if still too
// many, the least throttled ones.
func (t *Throttle) evictIPs(now time.Time) {
	type entry struct {
		key    string
		tokens float64
	}
	var live []entry
	for k, b := range t.ips {
		t.refill(b, now)
		if b.tokens >= float64(t.cfg.PerIPPerMinute) && t.clean(b, now) && len(b.failures) == 0 {
			delete(t.ips, k)
			continue
		}
		live = append(live, entry{k, b.tokens})
	}
	excess := len(t.ips) - t.evictTarget()
	if excess <= 0 {
		return
	}
	slices.SortFunc(live, func(x, y entry) int { return cmp.Compare(y.tokens, x.tokens) })
	for _, e := range live[:excess] {
		delete(t.ips, e.key)
	}
}

// ipKey is the key an address is throttled under: IPv4 addresses as they
// are, IPv6 addresses by their /64, since one subscriber usually holds a
// whole /64. Strings that are not addresses are used as given.
func ipKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		if ap, err2 := netip.ParseAddrPort(ip); err2 == nil {
			addr = ap.Addr()
		} else {
			return ip
		}
	}
	addr = addr.WithZone("").Unmap()
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}
