package stix

import (
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// result is what happened to one row.
type result struct {
	line   int
	err    string            // the RowError reason, "" for a good row
	fields map[string]string // Event().Map() of a good row
}

// collect reads every row of p. A RowError must carry a positive line, and Subject
// must agree with the Event's.
func collect(t testing.TB, p *Parser) []result {
	t.Helper()
	var out []result
	for {
		err := p.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var re *feed.RowError
		if errors.As(err, &re) {
			if re.Line < 1 {
				t.Errorf("RowError %q has line %d", re.Reason, re.Line)
			}
			out = append(out, result{line: re.Line, err: re.Reason})
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		e, err := p.Event()
		if err != nil {
			t.Fatalf("Event: %v", err)
		}
		if got, want := p.Subject(), e.Subject(); got != want {
			t.Errorf("line %d: Subject() = %+v, the event's is %+v", p.Line(), got, want)
		}
		out = append(out, result{line: p.Line(), fields: e.Map()})
	}
}

// row is what a test expects of one row.
type row struct {
	line int
	err  string            // substring of the reason; "" for a good row
	want map[string]string // fields the event must have; "" means absent
}

func check(t *testing.T, got []result, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if g.line != w.line {
			t.Errorf("row %d: line %d, want %d", i, g.line, w.line)
		}
		if w.err != "" || g.err != "" {
			if w.err == "" || !strings.Contains(g.err, w.err) {
				t.Errorf("row %d (line %d): error %q, want one containing %q", i, g.line, g.err, w.err)
			}
			continue
		}
		for k, v := range w.want {
			if g.fields[k] != v {
				t.Errorf("row %d (line %d): %s = %q, want %q", i, g.line, k, g.fields[k], v)
			}
		}
	}
}

func openTestdata(t testing.TB, name string, opts Options) *Parser {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	p, err := NewParser(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var testOptions = Options{FeedName: "Partner STIX", FeedProvider: "Example CERT", TLP: "green",
	Classification: event.Classification{Taxonomy: "other", Type: "undetermined", Identifier: "partner-ioc"}}

const (
	id3  = "indicator--00000000-0000-4000-8000-000000000003"
	od12 = "observed-data--00000000-0000-4000-8000-000000000012"
)

func TestBundle(t *testing.T) {
	t.Parallel()
	p := openTestdata(t, "bundle.json", testOptions)
	c2 := map[string]string{"classification.taxonomy": "other", "classification.type": "blacklist",
		"classification.identifier": "malicious-activity", "time.source": "2024-07-04T10:00:00Z", "tlp": "AMBER",
		"extra.stix_id": id3, "extra.stix_name": "C2 addresses", "extra.stix_description": "Addresses of a C2 channel.",
		"extra.stix_indicator_types": "malicious-activity", "extra.stix_valid_until": "2024-08-04T10:00:00Z",
		"feed.name": "Partner STIX", "feed.provider": "Example CERT"}
	compromised := map[string]string{"classification.taxonomy": "intrusions", "classification.type": "system-compromise",
		"classification.identifier": "compromised", "tlp": "RED", "extra.stix_indicator_types": "compromised,malicious-activity"}
	check(t, collect(t, p), []row{
		{line: 3, want: with(c2, "source.ip", "198.51.100.1", "source.network", "")},
		{line: 3, want: with(c2, "source.network", "203.0.113.0/24", "source.ip", "")},
		{line: 3, want: with(c2, "source.ip", "2001:db8::1")},
		{line: 4, want: with(compromised, "source.fqdn", "evil.example.nl")},
		{line: 4, want: with(compromised, "source.url", "http://evil.example.nl/x")},
		{line: 4, want: with(compromised, "source.account", "phisher@evil.example.nl")},
		{line: 7, err: `indicator--00000000-0000-4000-8000-000000000007: ipv4-addr "192.0.2.300" is not an IP address`},
		{line: 7, want: map[string]string{"source.ip": "192.0.2.7"}},
		{line: 9, want: map[string]string{"source.ip": "192.0.2.10", "classification.type": "undetermined",
			"classification.identifier": "anomalous-activity", "tlp": "GREEN"}},
		{line: 9, want: map[string]string{"source.ip": "192.0.2.11"}},
		{line: 12, want: map[string]string{"source.ip": "192.0.2.50", "time.source": "2024-07-04T11:00:00Z",
			"extra.stix_id": od12, "extra.stix_observable": "ipv4-addr--00000000-0000-4000-8000-000000000011",
			"extra.stix_number_observed": "3", "extra.stix_last_observed": "2024-07-04T11:30:00Z",
			"classification.identifier": "partner-ioc"}},
		{line: 13, want: map[string]string{"source.ip": "192.0.2.60", "time.source": "2024-07-04T07:00:00Z", "tlp": "RED",
			"extra.stix_observable": ""}},
		{line: 13, want: map[string]string{"source.url": "https://x.example.nl/", "source.ip": ""}},
		{line: 15, want: map[string]string{"source.url": "https://phish.example.nl/login?a='b'",
			"time.source": "2024-07-02T08:00:00Z", "classification.identifier": "partner-ioc", "extra.stix_indicator_types": ""}},
		{line: 18, err: `valid_from: not a timestamp: "yesterday"`},
		{line: 22, err: "object 22: a JSON number, not a STIX object"},
		{line: 23, err: "object 23: property pattern is a JSON number, not a string"},
		{line: 24, want: map[string]string{"source.ip": "192.0.2.24", "extra.stix_indicator_types": "malicious-activity",
			"classification.type": "blacklist"}},
		{line: 12, want: map[string]string{"source.fqdn": "late.example.nl", "extra.stix_id": od12,
			"extra.stix_observable": "domain-name--00000000-0000-4000-8000-000000000014", "time.source": "2024-07-04T11:00:00Z"}},
	})
	wantReasons := map[string]int{ReasonAND: 2, ReasonObjectType: 2, ReasonPatternType: 1, ReasonQualifier: 1,
		ReasonObservableType: 2, ReasonRevoked: 1, ReasonBenign: 1, ReasonSyntax: 1, ReasonMissingRef: 1}
	if got := p.SkippedReasons(); !maps.Equal(got, wantReasons) {
		t.Errorf("SkippedReasons() = %v, want %v", got, wantReasons)
	}
	if got := p.Skipped(); got != 12 {
		t.Errorf("Skipped() = %d, want 12", got)
	}
}

// with returns a copy of m with the key, value pairs kv added.
func with(m map[string]string, kv ...string) map[string]string {
	out := maps.Clone(m)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestOtherForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		rows []row
	}{
		{"array.json", []row{
			{line: 1, want: map[string]string{"source.ip": "198.51.100.1", "extra.stix_id": id3}},
			{line: 1, want: map[string]string{"source.network": "203.0.113.0/24"}},
			{line: 1, want: map[string]string{"source.ip": "2001:db8::1"}},
		}},
		{"single-observed-data.json", []row{
			{line: 1, want: map[string]string{"source.ip": "192.0.2.60", "tlp": "RED"}},
			{line: 1, want: map[string]string{"source.url": "https://x.example.nl/"}},
		}},
		{"objects.jsonl", []row{
			{line: 1, want: map[string]string{"source.fqdn": "evil.example.nl"}},
			{line: 1, want: map[string]string{"source.url": "http://evil.example.nl/x"}},
			{line: 1, want: map[string]string{"source.account": "phisher@evil.example.nl"}},
			{line: 3, want: map[string]string{"source.ip": "192.0.2.50", "extra.stix_id": od12}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			check(t, collect(t, openTestdata(t, tt.file, Options{})), tt.rows)
		})
	}
}
