package collect

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		json, err string
	}{
		{`{"every": "1h", "http": {"url": "https://example.org/list.csv"}}`, ""},
		{`{"daily": "06:30", "zone": "UTC", "shadowserver": {"api_key": "env:K", "secret": "file:/run/s"}}`, ""},
		{`{"every": "1h", "dir": {"path": "/srv/drop", "pattern": "*.csv"}}`, ""},
		{``, ""},
		{`{"every": "1h", "taxii": {"url": "https://taxii.partner.example/api1/collections/abc/", "username": "u", "password": "env:P"}}`, ""},
		{`{"every": "1h", "taxii": {"url": "https://taxii.partner.example/api1/"}}`, "collection's address"},
		{`{"every": "1h", "taxii": {"url": "https://h/r/collections/c/", "username": "u"}}`, "both username and password"},
		{`{"every": "1h", "taxii": {"url": "https://h/r/collections/c/", "token": "xyz"}}`, "not the secret itself"},
		{`{"every": "1h", "taxii": {"url": "https://h/r/collections/c/", "since": "yesterday"}}`, "RFC 3339"},
		{`{"every": "5m", "imap": {"server": "imap.cert.example:993", "username": "r", "password": "env:P", "routes": [{"from": "@shadowserver.org", "feed": "shadowserver"}]}}`, ""},
		{`{"every": "5m", "imap": {"server": "imap.cert.example", "username": "r", "password": "env:P"}}`, "host:port"},
		{`{"every": "5m", "imap": {"server": "h:993", "username": "r", "password": "hunter2"}}`, "not the secret itself"},
		{`{"every": "5m", "imap": {"server": "h:993", "username": "r", "password": "env:P", "move_to": "X", "delete": true}}`, "not both"},
		{`{"every": "5m", "imap": {"server": "h:993", "username": "r", "password": "env:P", "routes": [{"subject": "(", "feed": "f"}]}}`, "subject"},
		{`{"every": "5m", "imap": {"server": "h:993", "username": "r", "password": "env:P", "routes": [{"feed": "f"}]}}`, "from or subject"},
		{`{"http": {"url": "https://example.org/"}}`, "set a schedule"},
		{`{"every": "1h", "daily": "06:00", "http": {"url": "https://example.org/"}}`, "not both"},
		{`{"every": "10s", "http": {"url": "https://example.org/"}}`, "at least 1m"},
		{`{"daily": "25:00", "http": {"url": "https://example.org/"}}`, "time of day"},
		{`{"every": "1h"}`, "exactly one source"},
		{`{"every": "1h", "http": {"url": "ftp://example.org/"}, "dir": {"path": "/x"}}`, "exactly one source"},
		{`{"every": "1h", "http": {"url": "https://u:p@example.org/"}}`, "no credentials"},
		{`{"every": "1h", "http": {"url": "https://example.org/", "token": "abc123"}}`, "not the secret itself"},
		{`{"every": "1h", "shadowserver": {"api_key": "abc", "secret": "env:S"}}`, "not the secret itself"},
		{`{"every": "1h", "dir": {"path": "relative"}}`, "absolute"},
		{`{"every": "1h", "dir": {"path": "/x"}, "surprise": 1}`, "unknown field"},
	} {
		_, err := Parse([]byte(tc.json))
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: %v, want %q", tc.json, err, tc.err)
		}
	}
}

func TestScheduleSlots(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		cfg             Config
		now, slot, next string
	}{
		{Config{Every: Duration(time.Hour)}, "2026-04-02T07:05:00Z", "2026-04-02T07:00:00Z", "2026-04-02T08:00:00Z"},
		{Config{Daily: "06:30"}, "2026-04-02T07:05:00Z", "2026-04-02T06:30:00Z", "2026-04-03T06:30:00Z"},
		{Config{Daily: "06:30"}, "2026-04-02T06:00:00Z", "2026-04-01T06:30:00Z", "2026-04-02T06:30:00Z"},
		// Amsterdam is UTC+1 before 29 March 2026, UTC+2 after.
		{Config{Daily: "06:30", Zone: "Europe/Amsterdam"}, "2026-03-29T12:00:00Z", "2026-03-29T04:30:00Z", "2026-03-30T04:30:00Z"},
		{Config{Daily: "06:30", Zone: "Europe/Amsterdam"}, "2026-03-29T05:00:00Z", "2026-03-29T04:30:00Z", "2026-03-30T04:30:00Z"},
		{Config{Daily: "06:30", Zone: "Europe/Amsterdam"}, "2026-03-29T04:00:00Z", "2026-03-28T05:30:00Z", "2026-03-29T04:30:00Z"},
	} {
		sch, err := tc.cfg.schedule()
		if err != nil {
			t.Fatal(err)
		}
		if got := sch.slot(at(tc.now)); !got.Equal(at(tc.slot)) {
			t.Errorf("%+v at %s: slot %s, want %s", tc.cfg, tc.now, got, tc.slot)
		}
		if got := sch.next(at(tc.now)); !got.Equal(at(tc.next)) {
			t.Errorf("%+v at %s: next %s, want %s", tc.cfg, tc.now, got, tc.next)
		}
	}
}
