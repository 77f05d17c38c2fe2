package event

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-07-04 10:00:00", utc("2024-07-04T10:00:00Z")},
		{" 2024-07-04 10:00:00\n", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04T10:00:00Z", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04T10:00:00.123456789Z", utc("2024-07-04T10:00:00.123456789Z")},
		{"2024-07-04T12:00:00+02:00", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04T05:30:00-04:30", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04 12:00:00+02:00", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04 12:00:00.5+02:00", utc("2024-07-04T10:00:00.5Z")},
		{"2024-07-04 10:00:00Z", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04 12:00:00+0200", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04 10:00:00.25", utc("2024-07-04T10:00:00.25Z")},
		{"2024-07-04T10:00:00", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04T10:00:00.000001", utc("2024-07-04T10:00:00.000001Z")},
		{"2024-07-04 10:00:00 UTC", utc("2024-07-04T10:00:00Z")},
		{"2024-07-04", utc("2024-07-04T00:00:00Z")},
		{"2024-02-29 23:59:59", utc("2024-02-29T23:59:59Z")},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v (%v), want %v in UTC", tt.in, got, got.Location(), tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2024-13-01", "2024-07-04 25:00:00", "2023-02-29",
		"04/07/2024", "1720087200", "2024-07-04T10:00:00+25:00"} {
		if got, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", bad, got)
		}
	}
}

// TestParseTimeZoneAbbreviations: Go reads a zone abbreviation it does not know in
// the local zone (CEST, on a server in UTC) as a zone with offset zero. ParseTime knows
// a few abbreviations itself and refuses the others rather than guess.
func TestParseTimeZoneAbbreviations(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 7, 4, 10, 0, 0, 0, time.UTC)
	for _, in := range []string{
		"2024-07-04 12:00:00 CEST", "2024-07-04 11:00:00 CET", "2024-07-04 10:00:00 GMT",
		"2024-07-04 10:00:00 UTC", "2024-07-04 10:00:00 utc", "2024-07-04 10:00:00 Z", "2024-07-04T12:00:00 CEST",
	} {
		if got, err := ParseTime(in); err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := ParseTime("2024-07-04 12:00:00.5 CEST"); err != nil || !got.Equal(want.Add(time.Second/2)) {
		t.Errorf("ParseTime with fraction and zone = %v, %v; want %v", got, err, want.Add(time.Second/2))
	}
	for _, in := range []string{"2024-07-04 12:00:00 EST", "2024-07-04 12:00:00 MST", "2024-07-04 12:00:00 IST",
		"2024-07-04 12:00:00 XYZ", "2024-07-04 12:00:00 Local"} {
		if got, err := ParseTime(in); err == nil || !strings.Contains(err.Error(), "unknown time zone") {
			t.Errorf("ParseTime(%q) = %v, %v; want an unknown time zone error", in, got, err)
		}
	}
	for _, in := range []string{"2024-07-04T12:00:00+02:00 CEST", "2024-07-04 12:00:00+02:00 UTC", "yesterday UTC",
		"2024-07-04 25:00:00 CEST", "UTC", " CEST"} {
		if got, err := ParseTime(in); err == nil || !strings.Contains(err.Error(), "not a timestamp") {
			t.Errorf("ParseTime(%q) = %v, %v; want a not a timestamp error", in, got, err)
		}
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	if s := FormatTime(time.Time{}); s != "" {
		t.Errorf("FormatTime(zero) = %q, want \"\"", s)
	}
	cest := time.Date(2024, 7, 4, 12, 0, 0, 500, time.FixedZone("CEST", 7200))
	if s := FormatTime(cest); s != "2024-07-04T10:00:00.0000005Z" {
		t.Errorf("FormatTime = %q, want RFC 3339 in UTC", s)
	}
	if got, err := ParseTime(FormatTime(cest)); err != nil || !got.Equal(cest) {
		t.Errorf("ParseTime(FormatTime(t)) = %v, %v; want %v", got, err, cest)
	}
}
