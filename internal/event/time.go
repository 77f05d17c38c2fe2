package event

import (
	"fmt"
	"strings"
	"time"
)

// timeLayouts are the timestamp forms feeds use; a form without a zone is read as UTC.
var timeLayouts = []string{
	"2006-01-02 15:04:05", // Shadowserver's, the most common: first
	time.RFC3339Nano,
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05 MST",
	"2006-01-02",
}

// ParseTime reads a feed timestamp and returns it in UTC. Timestamps without a zone,
// as Shadowserver writes them, are UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp: %q", s)
}

// FormatTime writes t as IntelMQ does (RFC 3339 in UTC), or "" for the zero time.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
