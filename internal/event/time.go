package event

import (
	"fmt"
	"strings"
	"time"
)

// timeLayouts are the timestamp forms feeds use, the most common first; a form without
// an offset is read as UTC, or in the zone a trailing abbreviation names.
var timeLayouts = []string{
	"2006-01-02 15:04:05", // Shadowserver's, the most common: first
	time.RFC3339Nano,
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02",
}

// zoneAbbreviations are the zone abbreviations ParseTime accepts, with their offsets in
// seconds. Go's "MST" layout is not used: it reads an abbreviation that the server's own
// zone does not define as offset zero, silently shifting "12:00:00 CEST" by two hours.
var zoneAbbreviations = map[string]int{
	"UTC":  0,
	"GMT":  0,
	"Z":    0,
	"CET":  1 * 60 * 60,
	"CEST": 2 * 60 * 60,
}

// ParseTime reads a feed timestamp and returns it in UTC. Timestamps without a zone,
// as Shadowserver writes them, are UTC. A zone abbreviation after the time must be
// UTC, GMT, Z, CET or CEST: others are ambiguous or unknown, and are refused.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ' '); i >= 0 && isLetters(s[i+1:]) {
		return parseInZone(s, strings.TrimSpace(s[:i]), s[i+1:])
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp: %q", s)
}

// parseInZone reads local, the timestamp s without its zone abbreviation abbr.
func parseInZone(s, local, abbr string) (time.Time, error) {
	offset, known := zoneAbbreviations[strings.ToUpper(abbr)]
	loc := time.FixedZone(strings.ToUpper(abbr), offset)
	for _, layout := range timeLayouts {
		if strings.Contains(layout, "Z07") {
			continue // an offset and an abbreviation could disagree
		}
		if t, err := time.ParseInLocation(layout, local, loc); err == nil {
			if !known {
				return time.Time{}, fmt.Errorf("unknown time zone %q in timestamp %q (write UTC, GMT, CET, CEST or an offset such as +02:00)", abbr, s)
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp: %q", s)
}

// isLetters reports whether s is a non-empty run of ASCII letters.
func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// FormatTime writes t as IntelMQ does (RFC 3339 in UTC), or "" for the zero time.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
