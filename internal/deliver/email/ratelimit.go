package email

import (
	"context"
	"sync"

	"golang.org/x/time/rate"
)

// pruneAt is the number of domains above which idle limiters are dropped.
const pruneAt = 4096

// domainLimits holds a token bucket per recipient domain.
type domainLimits struct {
	limit rate.Limit
	burst int

	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func newDomainLimits(perSecond float64, burst int) *domainLimits {
	if perSecond <= 0 {
		return nil
	}
	return &domainLimits{limit: rate.Limit(perSecond), burst: burst, m: make(map[string]*rate.Limiter)}
}

// wait waits until one more message may go to each domain, or ctx ends.
// A nil domainLimits does not limit.
func (d *domainLimits) wait(ctx context.Context, domains []string) error {
	if d == nil {
		return nil
	}
	for _, dom := range domains {
		if err := d.limiter(dom).Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (d *domainLimits) limiter(domain string) *rate.Limiter {
	d.mu.Lock()
	defer d.mu.Unlock()
	if l, ok := d.m[domain]; ok {
		return l
	}
	if len(d.m) >= pruneAt {
		// A full bucket behaves like a new one, so dropping it changes
		// nothing but memory.
		for dom, l := range d.m {
			if l.Tokens() >= float64(d.burst) {
				delete(d.m, dom)
			}
		}
	}
	l := rate.NewLimiter(d.limit, d.burst)
	d.m[domain] = l
	return l
}
