package collect

import (
	"fmt"
	"time"
)

// schedule is when a collector runs: periods of Every aligned to the clock, or one a
// day starting at a time of day in a zone.
type schedule struct {
	every time.Duration
	hour  int // daily: the time of day
	min   int
	zone  *time.Location
}

func (c *Config) schedule() (schedule, error) {
	if c.Every > 0 {
		return schedule{every: time.Duration(c.Every)}, nil
	}
	t, err := time.Parse("15:04", c.Daily)
	if err != nil {
		return schedule{}, fmt.Errorf("collect: daily %q: want a time of day such as \"06:30\"", c.Daily)
	}
	zone := time.UTC
	if c.Zone != "" {
		if zone, err = time.LoadLocation(c.Zone); err != nil {
			return schedule{}, fmt.Errorf("collect: zone %q: %w", c.Zone, err)
		}
	}
	return schedule{hour: t.Hour(), min: t.Minute(), zone: zone}, nil
}

// slot returns the start of the period that now is in: the collector runs once per slot.
func (s schedule) slot(now time.Time) time.Time {
	if s.every > 0 {
		return now.UTC().Truncate(s.every)
	}
	local := now.In(s.zone)
	y, m, d := local.Date()
	start := time.Date(y, m, d, s.hour, s.min, 0, 0, s.zone)
	if start.After(now) {
		start = time.Date(y, m, d-1, s.hour, s.min, 0, 0, s.zone)
	}
	return start.UTC()
}

// next returns the start of the period after the one now is in.
func (s schedule) next(now time.Time) time.Time {
	slot := s.slot(now)
	if s.every > 0 {
		return slot.Add(s.every)
	}
	l := slot.In(s.zone)
	y, m, d := l.Date()
	return time.Date(y, m, d+1, s.hour, s.min, 0, 0, s.zone).UTC()
}
